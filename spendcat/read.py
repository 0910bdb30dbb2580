"""Open a publication file of any kind and turn it into grids of text.

A publication arrives as CSV in some encoding and dialect, as a spreadsheet (XLSX, XLS, ODS),
or as either inside a `.zip` or `.gz`. The format is decided from the bytes, not the name:
a CSV named `.xls` is a CSV. Each CSV, and each sheet of a workbook, becomes a `Grid`: its
first rows as text (to find the header in) and, once the header is known, the rows from the
header down as an Arrow table of strings with the source row number of each.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import sys
import zipfile
from itertools import zip_longest
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from spendcat.errors import UnreadableFile

# A publication bigger than this (after decompression) is refused rather than read: spend
# files run to a few hundred megabytes at most, and a zip bomb should not take the machine.
MAX_BYTES = int(os.environ.get("SPENDCAT_MAX_BYTES", str(2 * 1024**3)))
MAX_ARCHIVE_MEMBERS = 1000
HEAD_RECORDS = 80
_HEAD_BYTES = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Source:
    """One file's bytes, after any archive around it has been opened."""

    name: str
    data: bytes


@dataclass
class Grid:
    """One table of a publication (a CSV, or one sheet), before its header is known."""

    format: str
    head: list[list[str]]
    body: Callable[[int], tuple[pa.Table, np.ndarray]]
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # Row number (1-based, as a spreadsheet shows it) of head[0].
    first_row: int = 1
    notes: list[str] = field(default_factory=list)


def sniff_format(data: bytes) -> str:
    """The format of a file from its first bytes: csv, xlsx, xls, ods, zip or gzip."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):  # a member, an empty archive, a spanned one
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype")[:100]
                    if b"opendocument.spreadsheet" in mimetype:
                        return "ods"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            return "zip"
        return "zip"
    if data[:5] == b"{\\rtf" or data[:4] == b"%PDF":
        return "binary"
    return "csv"


def _check_size(name: str, size: int) -> None:
    if size > MAX_BYTES:
        raise UnreadableFile(
            f"too large to read ({size:,} bytes; the limit is {MAX_BYTES:,}, set SPENDCAT_MAX_BYTES to raise it)",
            file=name,
        )


def _gunzip(name: str, data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"broken gzip file ({exc})", file=name) from None
    _check_size(name, len(out))
    return out


def _unzip(name: str, data: bytes) -> list[Source]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"broken zip file ({exc})", file=name) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not Path(info.filename).name.startswith((".", "~$"))
        ]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise UnreadableFile(f"zip holds {len(members)} files; at most {MAX_ARCHIVE_MEMBERS} are read", file=name)
        if sum(info.file_size for info in members) > MAX_BYTES:
            _check_size(name, sum(info.file_size for info in members))
        sources = []
        for info in members:
            member_name = f"{name}!{info.filename}"
            try:
                with archive.open(info) as stream:
                    member = stream.read(MAX_BYTES + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise UnreadableFile(f"cannot extract ({exc})", file=member_name) from None
            _check_size(member_name, len(member))
            sources.append(Source(member_name, member))
    return sources


def open_sources(path: str | Path, *, depth: int = 0) -> list[Source]:
    """The files inside `path`: itself, or the members of a zip, or the content of a gzip."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UnreadableFile("no such file", file=name)
    if path.is_dir():
        raise UnreadableFile("is a folder, not a file", file=name)
    try:
        _check_size(name, path.stat().st_size)
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})", file=name) from None
    return _expand(Source(name, data), depth)


def _expand(source: Source, depth: int) -> list[Source]:
    if not source.data:
        raise UnreadableFile("empty file", file=source.name)
    kind = sniff_format(source.data)
    if kind not in ("gzip", "zip"):
        return [source]
    if depth >= 2:
        raise UnreadableFile("archives nested too deep", file=source.name)
    if kind == "gzip":
        inner_name = re.sub(r"\.gz$", "", source.name, flags=re.IGNORECASE)
        return _expand(Source(inner_name, _gunzip(source.name, source.data)), depth + 1)
    sources = []
    for member in _unzip(source.name, source.data):
        sources.extend(_expand(member, depth + 1))
    if not sources:
        raise UnreadableFile("zip file holds no files", file=source.name)
    return sources


# --- CSV -------------------------------------------------------------------------------


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _to_utf8(name: str, data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes, and the encoding it was in.

    UTF-8 is taken when the start of the file decodes as UTF-8 (the rest is checked as it is
    read); otherwise Windows-1252, what UK finance systems export. Latin-1 only where a byte
    has no Windows-1252 meaning, as it decodes any byte.
    """
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:], "utf-8-sig"
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data[:2] == bom:
            return _transcode(name, data[2:], encoding), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _transcode(name, data, utf16), utf16
    head = data[:_HEAD_BYTES]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            return _transcode(name, data, "cp1252"), "cp1252"
    return data, "utf-8"


def _transcode(name: str, data: bytes, encoding: str) -> bytes:
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError:
        if encoding == "cp1252":
            return data.decode("latin-1").encode("utf-8")
        raise UnreadableFile(f"not valid {encoding} text", file=name) from None


_RECORD_BREAK = re.compile(rb'["\r\n]')
_FIELD_STARTS = frozenset(d.encode()[0] for d in _DELIMITERS)


def record_starts(data: bytes | memoryview, limit: int, max_bytes: int = _HEAD_BYTES) -> list[int]:
    """Byte offsets of the first `limit` CSV records (quotes respected; CR, LF or CRLF ends)."""
    starts = [0]
    in_quotes = False
    view = bytes(data[:max_bytes])
    skip_to = -1
    for match in _RECORD_BREAK.finditer(view):
        position = match.start()
        if position < skip_to:
            continue
        char = view[position]
        if char == 0x22:
            # A quote opens a quoted field only at the start of a field; elsewhere (`12" pipe`)
            # it is a literal character, as the CSV readers themselves take it.
            if in_quotes:
                if view[position + 1 : position + 2] == b'"':
                    skip_to = position + 2  # `""` is a quote inside the quoted field
                else:
                    in_quotes = False
            elif position == starts[-1] or view[position - 1] in _FIELD_STARTS:
                in_quotes = True
            continue
        if in_quotes:
            continue
        end = position + 1
        if char == 0x0D and view[end : end + 1] == b"\n":
            end += 1
            skip_to = end
        if end >= len(view):
            break
        starts.append(end)
        if len(starts) > limit:
            break
    return starts


def _parse_record(text: str, delimiter: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0] if rows else []


def sniff_delimiter(records: list[str]) -> str:
    """The delimiter that splits the most records into the same number (>1) of fields."""
    best, best_score = ",", (0, 0)
    sample = [r for r in records if r.strip()][:HEAD_RECORDS]
    for delimiter in _DELIMITERS:
        counts = [len(_parse_record(r, delimiter)) for r in sample]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_grid(name: str, raw: bytes) -> Grid:
    """A CSV file as a grid: decoded, its dialect sniffed, its first records parsed."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not _utf16_without_bom(raw):
        raise UnreadableFile("binary file: not a CSV or a spreadsheet spendcat can read", file=name)
    data, encoding = _to_utf8(name, raw)
    return _csv_grid_utf8(name, data, encoding)


def _csv_grid_utf8(name: str, data: bytes, encoding: str) -> Grid:
    starts = record_starts(data, HEAD_RECORDS)
    ends = starts[1:] + [min(len(data), _HEAD_BYTES)]
    records = [data[s:e].decode("utf-8", errors="replace").rstrip("\r\n") for s, e in zip(starts, ends)]
    if not any(r.strip() for r in records):
        raise UnreadableFile("no text in file", file=name)
    delimiter = sniff_delimiter(records)
    head = [_parse_record(r, delimiter) for r in records]

    def body(header_index: int) -> tuple[pa.Table, np.ndarray]:
        offset = starts[header_index]
        width = len(head[header_index])
        try:
            table = _read_arrow(data, offset, delimiter, width)
            if table is None:
                table = _read_python(name, data, offset, delimiter, width)
        except _NotUtf8:
            # The first megabyte was UTF-8 (or plain ASCII) but a later byte is not: the
            # file is Windows-1252 after all, and says so in what `inspect` reports.
            fallback = _csv_grid_utf8(name, _transcode(name, data, "cp1252"), "cp1252")
            grid.encoding = fallback.encoding
            return fallback.body(header_index)
        rows = np.arange(header_index + 1, header_index + 1 + table.num_rows, dtype=np.int64)
        return table, rows

    grid = Grid(format="csv", head=head, body=body, encoding=encoding, delimiter=delimiter)
    return grid


class _NotUtf8(Exception):
    pass


def _read_arrow(data: bytes, offset: int, delimiter: str, width: int) -> pa.Table | None:
    """Columnar read from the header down; None when rows are ragged (the slow path takes them)."""
    ragged = False

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        nonlocal ragged
        ragged = True
        return "skip"

    names = [f"c{i}" for i in range(width)]
    buffer = pa.py_buffer(data)[offset:]
    # pyarrow decodes a ragged row's text before calling the handler; when that row is not
    # UTF-8 the decode error is "unraisable" and would be printed to stderr. Catch it: it
    # means the file is not UTF-8.
    unraisable: list[object] = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        table = pacsv.read_csv(
            pa.BufferReader(buffer),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _NotUtf8() from None
        if any(isinstance(getattr(u, "exc_value", None), UnicodeDecodeError) for u in unraisable):
            raise _NotUtf8() from None
        return None
    finally:
        sys.unraisablehook = previous_hook
    if any(isinstance(getattr(u, "exc_value", None), UnicodeDecodeError) for u in unraisable):
        raise _NotUtf8()
    if ragged:
        return None
    return table


def _read_python(name: str, data: bytes, offset: int, delimiter: str, width: int) -> pa.Table:
    """Row-by-row read for files whose rows differ in length: every row kept, padded."""
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(f"cannot parse as CSV ({exc})", file=name) from None
    width = max([width, *map(len, rows)]) if rows else width
    columns = [[] for _ in range(width)]
    for row in rows:
        padded = row + [""] * (width - len(row))
        for column, value in zip(columns, padded):
            column.append(value)
    return pa.table({f"c{i}": pa.array(col, type=pa.string()) for i, col in enumerate(columns)})


# --- Spreadsheets ----------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a user sees in its cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _text_column(values: list[object]) -> pa.Array:
    """Cells to text once per distinct value, not once per cell."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    texts = pa.array([cell_text(v) for v in uniques], type=pa.string())
    if not len(texts):
        return pa.array([""] * len(values), type=pa.string())
    indices = pa.array(codes, type=pa.int64())
    taken = texts.take(pa.compute.if_else(pa.compute.less(indices, 0), 0, indices))
    return pa.compute.if_else(pa.compute.less(indices, 0), "", taken)


def sheet_grids(name: str, data: bytes, kind: str) -> list[Grid]:
    """One grid per sheet of a workbook (XLSX, XLS, ODS)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types per format
        raise UnreadableFile(f"cannot open as {kind.upper()} ({exc})", file=name) from None
    grids = []
    for sheet_name in sheet_names:
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnreadableFile(f"cannot read sheet {sheet_name!r} ({exc})", file=name) from None
        grids.append(_sheet_grid(kind, sheet_name, rows))
    return grids


def _sheet_grid(kind: str, sheet_name: str, rows: list[list[object]]) -> Grid:
    head = [[cell_text(v) for v in row] for row in rows[:HEAD_RECORDS]]

    def body(header_index: int) -> tuple[pa.Table, np.ndarray]:
        below = rows[header_index:]
        columns = list(zip_longest(*below, fillvalue=""))
        table = pa.table({f"c{i}": _text_column(col) for i, col in enumerate(columns)})
        numbers = np.arange(header_index + 1, header_index + 1 + len(below), dtype=np.int64)
        return table, numbers

    return Grid(format=kind, head=head, body=body, sheet=sheet_name)


def grids_of(source: Source) -> list[Grid]:
    """The grids of one source, whatever its format."""
    kind = sniff_format(source.data)
    if kind in ("xlsx", "xls", "ods"):
        return sheet_grids(source.name, source.data, kind)
    if kind == "binary":
        raise UnreadableFile("not a CSV or a spreadsheet spendcat can read", file=source.name)
    return [csv_grid(source.name, source.data)]
