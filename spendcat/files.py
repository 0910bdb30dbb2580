"""Turn the FILES a user names (files, folders, globs) into the list of files to read."""

from __future__ import annotations

import glob
from pathlib import Path

from spendcat.errors import UnreadableFile

# Extensions looked for inside a folder; a file named directly is read whatever its name.
PUBLICATION_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".zip", ".gz"}


def expand_inputs(names: list[str]) -> list[Path]:
    """Files in the order named; folders give their publication files sorted by path."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in PUBLICATION_SUFFIXES and not p.name.startswith((".", "~$"))
            )
            if not found:
                raise UnreadableFile("folder holds no publication files (.csv, .xlsx, .xls, .ods, .zip, .gz)", file=name)
            paths.extend(found)
        elif path.exists():
            paths.append(path)
        elif glob.has_magic(name):
            matches = sorted(Path(m) for m in glob.glob(name, recursive=True) if Path(m).is_file())
            if not matches:
                raise UnreadableFile("no file matches this pattern", file=name)
            paths.extend(matches)
        else:
            raise UnreadableFile("no such file", file=name)
    seen: set[Path] = set()
    unique = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique
