"""Write the lines of a `spendcat categorise` run, and its manifest.

Four formats, chosen by the output's extension: CSV, XLSX, Parquet and JSON lines. Every
write is atomic (a temporary file in the output's folder, then `os.replace`), never lands on
one of the run's inputs, and in CSV and XLSX neutralises text that a spreadsheet would run as
a formula. Columns go out as Arrow arrays, converted once per column (once per category for
Categoricals), never cell by cell in Python except where openpyxl and `json` need Python
values.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from spendcat.errors import BadOption, SpendcatError

FORMATS = (".csv", ".xlsx", ".parquet", ".jsonl")

# Excel opens a UTF-8 CSV without a byte-order mark as Windows-1252, turning every `£` in a
# description into `Â£`. pandas, pyarrow and spendcat's own reader all skip the mark.
CSV_BYTE_ORDER_MARK = True

# 1,048,576 rows per sheet, one of them the header.
XLSX_MAX_DATA_ROWS = 1_048_575
XLSX_MAX_COLUMNS = 16_384
_XLSX_MAX_CELL_TEXT = 32_767
_XLSX_MAX_WIDTH = 50
_XLSX_MIN_WIDTH = 6
# Characters XML 1.0 cannot hold; openpyxl refuses a whole workbook over one of them.
_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")

# A cell a spreadsheet runs as a formula when it opens the file (OWASP "CSV injection").
_FORMULA_START = r"^[=+\-@\t\r]"
_FORMULA_FIRST_BYTES = np.zeros(256, dtype=bool)
_FORMULA_FIRST_BYTES[[ord(character) for character in "=+-@\t\r"]] = True
# ... unless it is a plain number or money amount: `-790.94`, `-£790.94`, `+44`, `-1,234.56`,
# `-5%`, `-1.5E3`. A lone `-` is the usual "nothing here" placeholder in spend files and
# cannot compute anything, so it stays too.
_NUMBER = r"(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?"
_SPACES = "[ \u00a0]*"
_PLAIN_NUMBER = rf"^(?:[+-]{_SPACES}(?:[£$€]{_SPACES})?{_NUMBER}{_SPACES}|-)$"


def write_lines(
    lines: pd.DataFrame,
    path: Path,
    *,
    inputs: Sequence[Path] = (),
    sheets: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Write `lines` to `path` in the format its extension names, atomically.

    `.csv`, `.xlsx`, `.parquet` or `.jsonl`. Columns and rows keep their order; the index is
    not written. In CSV, XLSX and JSONL, dates are `YYYY-MM-DD` (date-times with a time of
    day `YYYY-MM-DDTHH:MM:SS`), nullable integers stay integers, and missing values are
    empty (null in JSONL). Parquet keeps the frame's own types (Categoricals, Int64,
    datetimes). `sheets` (name -> frame) become further sheets after "lines" in XLSX and are
    ignored by the other formats.

    Raises BadOption for an unknown extension, a missing folder, an output that is one of
    `inputs`, or more rows than an XLSX sheet holds; SpendcatError when the file cannot be
    written (the previous file, if any, is then left as it was).
    """
    path = Path(path)
    suffix = check_output_path(path, inputs)
    if suffix == ".xlsx":
        named = {"lines": lines, **(sheets or {})}
        _check_xlsx_fits(path, named)
        _write_atomically(path, lambda temp: _write_xlsx(named, temp))
    elif suffix == ".csv":
        _write_atomically(path, lambda temp: _write_csv(lines, temp))
    elif suffix == ".parquet":
        _write_atomically(path, lambda temp: _write_parquet(lines, temp))
    else:
        _write_atomically(path, lambda temp: _write_jsonl(lines, temp))


def check_output_path(path: Path, inputs: Sequence[Path] = ()) -> str:
    """The output's format (`.csv`, ...), or BadOption before any work is done.

    Refuses an unknown extension, a missing folder, a folder, and an output (or its
    manifest) that is one of `inputs`, however it is spelled (`..`, symlinks, hard links).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise BadOption(
            f"unknown output format {path.suffix or '(no extension)'!r}; use one of {', '.join(FORMATS)}",
            file=str(path),
        )
    _check_folder(path)
    for target in (path, manifest_path(path)):
        resolved = target.resolve()
        for source in inputs:
            if Path(source).resolve() == resolved or _same_file(Path(source), target):
                raise BadOption(
                    f"the output would overwrite the input {str(source)!r}; choose another output file",
                    file=str(target),
                )
    return suffix


def manifest_path(path: Path) -> Path:
    """Where the manifest of an output goes: beside it, `out.csv` -> `out.csv.manifest.json`."""
    path = Path(path)
    return path.with_name(path.name + ".manifest.json")


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write a run's manifest as indented JSON, atomically.

    Paths, dates, Decimals and numpy scalars are written as their text or numbers.
    """
    path = Path(path)
    _check_folder(path)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    _write_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def sha256_file(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes, read in chunks (hex digest)."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def neutralise_formulas(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells a spreadsheet would run as formulas, prefixed with `'`; others unchanged.

    A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
    LibreOffice and Google Sheets, unless the whole cell is a plain number or amount
    (`-790.94`, `-£790.94`, `+44`). Works on string arrays and on dictionary arrays (one
    pass over the dictionary); nulls stay null.
    """
    if isinstance(text, pa.ChunkedArray):
        chunks = [neutralise_formulas(chunk) for chunk in text.chunks]
        return pa.chunked_array(chunks, type=chunks[0].type if chunks else text.type)
    if pa.types.is_dictionary(text.type):
        return pa.DictionaryArray.from_arrays(text.indices, neutralise_formulas(text.dictionary))
    risky = _starts_like_formula(text)
    if not risky.any():
        return text
    # Only the few risky cells are looked at again, and put back in place.
    mask = pa.array(risky)
    candidates = text.filter(mask)
    numbers = pc.match_substring_regex(candidates, _PLAIN_NUMBER)
    quoted = pc.if_else(
        numbers, candidates, pc.utf8_replace_slice(candidates, start=0, stop=0, replacement="'")
    )
    return pc.replace_with_mask(text, mask, quoted)


def _starts_like_formula(text: pa.Array) -> np.ndarray:
    """Whether each cell starts with a formula character (False for missing)."""
    offset_type = {pa.string(): np.int32, pa.large_string(): np.int64}.get(text.type)
    if offset_type is None or not len(text):
        return pc.match_substring_regex(text, _FORMULA_START).fill_null(False).to_numpy(zero_copy_only=False)
    # The formula characters are all ASCII, so the first byte of each value decides; reading
    # it straight from Arrow's buffers is ten times quicker than an anchored regex.
    _, offsets_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    starts = offsets[:-1]
    present = offsets[1:] > starts  # empty and missing cells have no first byte
    if text.null_count:
        present &= text.is_valid().to_numpy(zero_copy_only=False)
    if not len(data):
        return np.zeros(len(text), dtype=bool)
    first = data[np.minimum(starts, len(data) - 1)]
    return present & _FORMULA_FIRST_BYTES[first]


# --- checks before writing -----------------------------------------------------------------


def _check_folder(path: Path) -> None:
    if path.is_dir():
        raise BadOption("the output is a folder; name a file", file=str(path))
    folder = path.parent
    if not folder.is_dir():
        raise BadOption(f"the folder {str(folder)!r} does not exist", file=str(path))


def _same_file(source: Path, path: Path) -> bool:
    # Hard links and case-insensitive file systems: the same file under another name.
    try:
        return os.path.samefile(source, path)
    except OSError:
        return False


def _check_xlsx_fits(path: Path, named: Mapping[str, pd.DataFrame]) -> None:
    seen: set[str] = set()
    for name in named:
        if not name or len(name) > 31 or set(name) & _SHEET_NAME_FORBIDDEN or name.lower() in seen:
            problem = (
                "is used twice"
                if name.lower() in seen
                else "is not a valid sheet name (1-31 characters, none of []:*?/\\)"
            )
            raise SpendcatError(f"sheet {name!r} {problem}", file=str(path))
        seen.add(name.lower())
    for name, frame in named.items():
        if len(frame) > XLSX_MAX_DATA_ROWS:
            raise BadOption(
                f"{len(frame):,} rows for sheet {name!r}, more than an XLSX sheet holds "
                f"({XLSX_MAX_DATA_ROWS:,}); write .csv or .parquet instead",
                file=str(path),
            )
        if frame.shape[1] > XLSX_MAX_COLUMNS:
            raise BadOption(
                f"{frame.shape[1]:,} columns for sheet {name!r}, more than an XLSX sheet holds "
                f"({XLSX_MAX_COLUMNS:,}); write .csv or .parquet instead",
                file=str(path),
            )


# --- atomic replace ------------------------------------------------------------------------


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a new file beside `path`, then move it over `path` in one step.

    The temporary file is in the same folder so `os.replace` is a rename on one file system;
    on any failure (including Ctrl-C) it is removed and `path` is not touched.
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        # 0o666 through the umask, as for any new file; a replaced file keeps its own mode.
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise SpendcatError(f"cannot write in this folder: {exc.strerror or exc}", file=str(path)) from None
    try:
        with suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
        write(temp)
        _flush_to_disk(temp)
        os.replace(temp, path)
    except BaseException as exc:
        with suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise SpendcatError(f"could not write the output: {exc.strerror or exc}", file=str(path)) from exc
        raise


def _flush_to_disk(temp: Path) -> None:
    # Without it a crash soon after the rename can leave an empty file where the old one was.
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- columns as Arrow ----------------------------------------------------------------------


def _arrow_values(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow, with the frame's types (NaN and NA become null)."""
    try:
        array = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        # An object column mixing kinds of value (text and numbers): each value as its text.
        return pa.array(column.astype("str"), from_pandas=True)
    kind = array.type
    if pa.types.is_nested(kind) or pa.types.is_duration(kind) or pa.types.is_interval(kind):
        # No CSV or cell form of their own: as pandas prints them.
        return pa.array(column.astype("str"), from_pandas=True)
    return array


def _text_ready(
    column: pd.Series, *, neutralise: bool, whole_days: str = "text"
) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow for the text-like formats: dates as ISO text, formulas neutralised.

    A Categorical becomes a dictionary array over its categories, so the work is done once
    per category however many lines carry it. `whole_days="date32"` leaves whole-day dates
    as Arrow dates, which the CSV writer prints as `YYYY-MM-DD` itself.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Categories are the dictionary, so always text (dates included).
        categories = _text_ready(pd.Series(column.dtype.categories, copy=False), neutralise=neutralise)
        if isinstance(categories, pa.ChunkedArray):
            categories = categories.combine_chunks()
        codes = np.asarray(column.cat.codes)
        indices = pa.array(codes, mask=codes < 0)
        if not (pa.types.is_string(categories.type) or pa.types.is_large_string(categories.type)):
            return categories.take(indices)
        return pa.DictionaryArray.from_arrays(indices, categories)
    array = _arrow_values(column)
    if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
        array = _dates_as_text(array, whole_days)
    if neutralise and _is_text(array.type):
        array = neutralise_formulas(array)
    return array


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def _dates_as_text(array: pa.Array | pa.ChunkedArray, whole_days: str = "text") -> pa.Array | pa.ChunkedArray:
    """`YYYY-MM-DD` where every value is a whole day, else `YYYY-MM-DDTHH:MM:SS`."""
    if pa.types.is_date(array.type):
        return array.cast(pa.date32()) if whole_days == "date32" else array.cast(pa.string())
    kind: pa.TimestampType = array.type
    if kind.tz is not None:
        text = pc.strftime(_whole_seconds(array), format="%Y-%m-%dT%H:%M:%S%z")
        return pc.replace_substring_regex(text, r"([+-]\d\d)(\d\d)$", r"\1:\2")  # +0100 -> +01:00
    if pc.all(pc.equal(pc.floor_temporal(array, unit="day"), array)).as_py() is not False:
        days = array.cast(pa.date32())
        return days if whole_days == "date32" else days.cast(pa.string())
    return pc.strftime(_whole_seconds(array), format="%Y-%m-%dT%H:%M:%S")


def _whole_seconds(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    # Arrow's %S carries the unit's fraction ("05.000000000" for nanoseconds); drop it when
    # there is nothing in it.
    try:
        return array.cast(pa.timestamp("s", array.type.tz), safe=True)
    except pa.ArrowInvalid:
        return array


def _safe_name(name: object) -> str:
    return str(neutralise_formulas(pa.array([str(name)]))[0].as_py())


# --- CSV -----------------------------------------------------------------------------------


def _write_csv(lines: pd.DataFrame, temp: Path) -> None:
    arrays = [
        _text_ready(lines.iloc[:, i], neutralise=True, whole_days="date32") for i in range(lines.shape[1])
    ]
    if len(arrays) == 1 and arrays[0].null_count:
        # One column: a missing cell would be a blank line, which CSV readers skip.
        arrays[0] = arrays[0].cast(pa.string()).fill_null("")
    table = pa.Table.from_arrays(arrays, names=[_safe_name(name) for name in lines.columns])
    with pa.OSFile(str(temp), "wb") as sink:
        if CSV_BYTE_ORDER_MARK:
            sink.write(b"\xef\xbb\xbf")
        pa_csv.write_csv(
            table, sink, write_options=pa_csv.WriteOptions(include_header=True, batch_size=64 * 1024)
        )


# --- Parquet -------------------------------------------------------------------------------


def _write_parquet(lines: pd.DataFrame, temp: Path) -> None:
    try:
        table = pa.Table.from_pandas(lines, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # An object column mixing kinds of value has no Parquet type: write it as text.
        lines = lines.copy(deep=False)
        for i in range(lines.shape[1]):
            column = lines.iloc[:, i]
            if column.dtype == object and not _has_arrow_type(column):
                lines.isetitem(i, column.astype("str"))
        table = pa.Table.from_pandas(lines, preserve_index=False)
    pq.write_table(table, str(temp))


def _has_arrow_type(column: pd.Series) -> bool:
    try:
        pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return False
    return True


# --- Python values, for XLSX and JSONL -----------------------------------------------------


def _python_values(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_floating(array.type):
        # NaN and infinities have no cell or JSON number: missing.
        array = pc.if_else(pc.is_finite(array), array, pa.scalar(None, array.type))
    if pa.types.is_dictionary(array.type):
        lookup = array.dictionary.to_pylist() + [None]  # code -1 (missing) takes the last
        codes = array.indices.fill_null(-1).to_numpy()
        return list(map(lookup.__getitem__, codes.tolist()))
    if array.null_count == 0 and (
        pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_boolean(array.type)
    ):
        return array.to_numpy(zero_copy_only=False).tolist()
    return array.to_pylist()


# --- JSONL ---------------------------------------------------------------------------------

_JSON_BATCH_ROWS = 64 * 1024
# What json.dumps(ensure_ascii=False) escapes in a string, and how.
_JSON_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"} | {
    chr(code): f"\\u{code:04x}" for code in range(0x20) if chr(code) not in "\b\f\n\r\t"
}


def _write_jsonl(lines: pd.DataFrame, temp: Path) -> None:
    """One JSON object per line, assembled by Arrow a batch of rows at a time.

    Each column becomes its JSON text (strings escaped as `json.dumps` does, nulls `null`),
    then each batch of rows is joined into one buffer and written as it is.
    """
    keys = [json.dumps(str(name), ensure_ascii=False) for name in lines.columns]
    values = [_json_text(_text_ready(lines.iloc[:, i], neutralise=False)) for i in range(lines.shape[1])]
    glue = [_large(f"{{{key}: " if i == 0 else f", {key}: ") for i, key in enumerate(keys)]
    with pa.OSFile(str(temp), "wb") as sink:
        for start in range(0, len(lines), _JSON_BATCH_ROWS):
            size = min(_JSON_BATCH_ROWS, len(lines) - start)
            if not values:
                sink.write(b"{}\n" * size)
                continue
            pieces = [
                piece for pair in zip(glue, (value.slice(start, size) for value in values)) for piece in pair
            ]
            rows = pc.binary_join_element_wise(*pieces, _large("}\n"), _large(""))
            sink.write(_string_bytes(rows))


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _string_bytes(rows: pa.Array) -> pa.Buffer:
    """The characters of a string array without nulls, end to end, without copying."""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
    return rows.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def _json_text(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each value of a column as JSON text (large_string, `null` for missing)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    if pa.types.is_dictionary(kind):
        text = _json_text(array.dictionary).take(array.indices)
    elif _is_text(kind):
        text = pc.binary_join_element_wise(
            _large('"'), _json_escape(array.cast(pa.large_string())), _large('"'), _large("")
        )
    elif pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_decimal(kind):
        text = array.cast(pa.string())
    elif pa.types.is_floating(kind):
        finite = pc.if_else(pc.is_finite(array), array, pa.scalar(None, kind))
        # Arrow writes 1.0 as "1"; JSON readers would take that for an integer.
        text = pc.replace_substring_regex(finite.cast(pa.string()), r"^(-?\d+)$", r"\1.0")
    elif pa.types.is_null(kind):
        text = pa.nulls(len(array), pa.string())
    else:
        encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
        text = pa.array(
            [None if value is None else encode(value) for value in array.to_pylist()], pa.string()
        )
    return text.cast(pa.large_string()).fill_null("null")


def _json_escape(text: pa.Array) -> pa.Array:
    text = pc.replace_substring(text, "\\", "\\\\")
    text = pc.replace_substring(text, '"', '\\"')
    if pc.any(pc.match_substring_regex(text, r"[\x00-\x1f]")).as_py():
        for character, escape in _JSON_ESCAPES.items():
            text = pc.replace_substring(text, character, escape)
    return text


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact, as money should be
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if value is pd.NA or value is pd.NaT:
        return None
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


# --- XLSX ----------------------------------------------------------------------------------


def _write_xlsx(named: Mapping[str, pd.DataFrame], temp: Path) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:  # pragma: no cover - openpyxl is a dependency of XLSX output
        raise SpendcatError("writing .xlsx needs openpyxl (pip install openpyxl)") from None

    workbook = Workbook(write_only=True)
    try:
        _fill_workbook(workbook, named)
        workbook.save(str(temp))
    except BaseException:
        _discard_workbook(workbook)
        raise


def _fill_workbook(workbook: Any, named: Mapping[str, pd.DataFrame]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for sheet_name, frame in named.items():
        sheet = workbook.create_sheet(title=sheet_name)
        names = [_safe_name(name) for name in frame.columns]
        arrays = [_xlsx_ready(_text_ready(frame.iloc[:, i], neutralise=True)) for i in range(frame.shape[1])]
        # Layout must be set before the first row: a write-only sheet streams its rows.
        sheet.freeze_panes = "A2"
        if names:
            last = get_column_letter(len(names))
            sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
        for i, (name, array) in enumerate(zip(names, arrays), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = _column_width(name, array)
        header = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in zip(*map(_python_values, arrays)):
            sheet.append(row)


def _discard_workbook(workbook: Any) -> None:
    # A write-only sheet streams its rows to a file in the system's temporary folder, removed
    # only by a successful save (or at exit); close and remove them now.
    for sheet in workbook.worksheets:
        with suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        with suppress(Exception):
            writer.cleanup()


def _xlsx_ready(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text an XLSX cell can hold: no XML control characters, at most 32,767 characters."""
    if pa.types.is_dictionary(array.type):
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        return pa.DictionaryArray.from_arrays(array.indices, _xlsx_ready(array.dictionary))
    if not _is_text(array.type):
        return array
    if pc.any(pc.match_substring_regex(array, _XML_ILLEGAL)).as_py():
        array = pc.replace_substring_regex(array, _XML_ILLEGAL, "")
    if (pc.max(pc.utf8_length(array)).as_py() or 0) > _XLSX_MAX_CELL_TEXT:
        array = pc.utf8_slice_codeunits(array, 0, _XLSX_MAX_CELL_TEXT)
    return array


def _column_width(name: str, array: pa.Array | pa.ChunkedArray) -> float:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    values = array.dictionary if pa.types.is_dictionary(array.type) else array
    if not _is_text(values.type):
        try:
            values = values.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = pa.array([], pa.string())
    longest = pc.max(pc.utf8_length(values)).as_py() or 0
    return float(min(max(len(name), longest, _XLSX_MIN_WIDTH) + 2, _XLSX_MAX_WIDTH))
