"""Shared helpers for the reader tests: the sample folder, its truth, and small file writers."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from spendcat.publication import Publication, ReadOptions, read_publications

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"


def sample_truth() -> list[dict[str, object]]:
    """`sample_data/truth.json`: path, data_rows, amount_pence_total (and more) per file."""
    return json.loads((SAMPLE_DATA / "truth.json").read_text(encoding="utf-8"))


def load_script(path: Path, name: str) -> ModuleType:
    """A generator script (not part of the package) as a module, loaded once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_make_samples() -> ModuleType:
    """`sample_data/make_samples.py` as a module."""
    return load_script(SAMPLE_DATA / "make_samples.py", "spendcat_make_samples")


def read_one(path: str | Path, **options: object) -> Publication:
    """The single publication in `path`, read with `ReadOptions(**options)`."""
    publications = read_publications(path, ReadOptions(**options))  # type: ignore[arg-type]
    assert len(publications) == 1, [p.file for p in publications]
    return publications[0]


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write text (encoded) or bytes to a file in a fresh folder and return its path."""

    def write(content: str | bytes, name: str = "spend.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@pytest.fixture(scope="session")
def generated_samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The samples made afresh by `make_samples.py` in a temporary folder, and the lines
    it generated for each (by path), to compare with what spendcat reads line by line."""
    pytest.importorskip("xlwt", reason="make_samples.py writes the XLS sample with xlwt")
    pytest.importorskip("openpyxl", reason="make_samples.py writes the XLSX sample with openpyxl")
    out = tmp_path_factory.mktemp("samples")
    samples = load_make_samples().main(out)
    return out, {sample.path: sample for sample in samples}
