"""Read a publication: find its header, keep its spend lines, parse their values.

`read_publications(path)` is the reader every command stands on. It returns, for each file
(or each file inside an archive), a `Publication`: the spend lines in input order with their
canonical fields and provenance (`lines`), every original column beside them (`original`),
and an account of everything it did not take as a line (`skipped`) or could not parse
(`problems`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from spendcat.columns import TEXT_FIELDS, ColumnMapping, find_header_row, map_columns
from spendcat.errors import BadOption, NoSpendTable, SpendcatError
from spendcat.read import (
    _KEEP_POOL,
    Grid,
    Source,
    _workers,
    body_of,
    filled_cells,
    grids_of,
    map_threads,
    open_sources,
    release_memory,
    text_offsets,
    thread_pool,
)
from spendcat.values import parse_amounts, parse_dates, redaction_flagged, unique_suppliers_redacted

# Reasons a row is not a spend line, as `inspect` reports them.
BLANK = "blank row"
REPEATED_HEADER = "repeated header row"
NO_AMOUNT = "no amount (junk or note row)"
TOTALS = "totals row"
AMOUNT_ONLY = "only an amount (a total)"
SUMMARY = "no date or transaction number (a summary row)"

_SPACE = "[\\s\u00a0]"
_TOTAL_LABEL = (
    f"(?i)^{_SPACE}*(grand{_SPACE}+|sub[-\\s\u00a0]*)?totals?\\b"
    f"({_SPACE}+(for|of)\\b.*|{_SPACE}*(spend|amount|payments|expenditure|value))?[\\s\u00a0:.]*$"
)
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class ReadOptions:
    """A user's overrides of spendcat's guesses."""

    header_row: int | None = None  # 1-based row number of the header
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> original header
    date_format: str | None = None
    decimal_comma: bool | None = None


@dataclass(frozen=True)
class ValueProblem:
    """A value on a spend line that could not be parsed."""

    row: int
    column: str
    field: str
    text: str
    sheet: str | None = None


@dataclass(frozen=True)
class TableInfo:
    """How one table (the CSV, or one sheet) was read."""

    sheet: str | None
    header_row: int
    mapping: ColumnMapping
    lines: int
    date_format: str | None
    decimal_comma: bool
    dropped_columns: int


@dataclass
class Publication:
    """One published file, read."""

    file: str
    format: str
    encoding: str | None
    delimiter: str | None
    tables: list[TableInfo]
    lines: pd.DataFrame
    original: pd.DataFrame
    skipped: pd.DataFrame  # columns: sheet, row, reason
    problems: list[ValueProblem]
    problem_count: int
    skipped_sheets: dict[str, str] = field(default_factory=dict)

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def amount_pence(self) -> int:
        return int(self.lines["amount_pence"].sum())

    @property
    def redacted_lines(self) -> int:
        return int(self.lines["redacted"].sum())

    @property
    def date_range(self) -> tuple[date | None, date | None]:
        dates = self.lines["date"].dropna() if "date" in self.lines else pd.Series([], dtype=object)
        if dates.empty:
            return None, None
        return dates.min().date(), dates.max().date()

    @property
    def columns(self) -> dict[str, str]:
        return self.tables[0].mapping.as_dict() if self.tables else {}

    @property
    def sheets(self) -> list[str]:
        return [t.sheet for t in self.tables if t.sheet is not None]


def read_publications(path: str | Path, options: ReadOptions | None = None) -> list[Publication]:
    """Every publication in a file: one, or one per member of a zip archive."""
    return [read_source(source, options or ReadOptions()) for source in open_sources(path)]


def read_source(source: Source, options: ReadOptions) -> Publication:
    grids = grids_of(source)
    if options.sheet is not None:
        chosen = [g for g in grids if g.sheet == options.sheet]
        if not chosen:
            names = ", ".join(repr(g.sheet) for g in grids if g.sheet is not None) or "none (not a workbook)"
            raise BadOption(f"--sheet {options.sheet!r}: no such sheet; sheets are {names}", file=source.name)
        grids = chosen
    tables, line_frames, original_frames, skipped_frames, problems = [], [], [], [], []
    problem_count = 0
    skipped_sheets: dict[str, str] = {}
    for grid in grids:
        header_index = _header_index(source.name, grid, options)
        if header_index is None:
            if grid.sheet is not None and len(grids) > 1:
                skipped_sheets[grid.sheet] = "no header row naming an amount"
                continue
            first = next((row for row in grid.head if any(cell.strip() for cell in row)), [])
            raise NoSpendTable(
                f"no header row naming an amount column in the first {len(grid.head)} rows "
                f"(first row: {[c.strip() for c in first][:12]}); "
                "use --header-row N and --column amount=HEADER",
                file=_where(source.name, grid.sheet),
            )
        table = _read_table(source.name, grid, header_index, options)
        if (
            grid.sheet is not None
            and len(grids) > 1
            and options.header_row is None
            and table.info.lines
            and not table.lines["amount_pence"].notna().any()
        ):
            # A notes or contents sheet describing the fields ("Amount | Net amount paid,
            # excluding VAT") can look like a header; a spend table has amounts below it.
            skipped_sheets[grid.sheet] = (
                f"no amount could be read below the header guessed on row {table.info.header_row}"
            )
            continue
        tables.append(table.info)
        line_frames.append(table.lines)
        original_frames.append(table.original)
        skipped_frames.append(table.skipped)
        problems.extend(table.problems[: max(0, MAX_PROBLEMS - len(problems))])
        problem_count += table.problem_count
    if not tables:
        raise NoSpendTable("no sheet has a header row with an amount column", file=source.name)
    first = grids[0]
    return Publication(
        file=source.name,
        format=first.format,
        encoding=first.encoding,
        delimiter=first.delimiter,
        tables=tables,
        lines=_concat(line_frames),
        original=_concat(original_frames),
        skipped=_concat(skipped_frames),
        problems=problems,
        problem_count=problem_count,
        skipped_sheets=skipped_sheets,
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    combined = pd.concat(frames, ignore_index=True, sort=False)
    # pandas turns categoricals with different categories (one per sheet) into plain
    # objects; keep text fields categorical across sheets, as they are for one table.
    for column in combined.columns:
        parts = [frame[column] for frame in frames if column in frame]
        if any(isinstance(part.dtype, pd.CategoricalDtype) for part in parts):
            seen = np.concatenate([np.asarray(_categories_of(part), dtype=object) for part in parts])
            categories = pd.Index(pd.unique(seen), dtype=object)
            combined[column] = pd.Categorical(combined[column], categories=categories)
    return combined


def _categories_of(part: pd.Series) -> object:
    if isinstance(part.dtype, pd.CategoricalDtype):
        return part.cat.categories
    return part.dropna().unique()


def _where(file: str, sheet: str | None) -> str:
    return f"{file} [sheet {sheet}]" if sheet else file


def _header_index(file: str, grid: Grid, options: ReadOptions) -> int | None:
    if options.header_row is not None:
        index = options.header_row - grid.first_row
        if not 0 <= index < len(grid.head):
            raise BadOption(
                f"--header-row {options.header_row}: the header must be within the first {len(grid.head)} rows",
                file=_where(file, grid.sheet),
            )
        return index
    return find_header_row(grid.head)


@dataclass
class _Table:
    info: TableInfo
    lines: pd.DataFrame
    original: pd.DataFrame
    skipped: pd.DataFrame
    problems: list[ValueProblem]
    problem_count: int


def _dedupe(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for index, header in enumerate(headers):
        name = header.strip() or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def _read_table(file: str, grid: Grid, header_index: int, options: ReadOptions) -> _Table:
    body = grid.rows_below(header_index) if grid.rows_below is not None else body_of(*grid.body(header_index))
    header_cells = body.header
    rows = body.rows + (grid.first_row - 1)
    # Blank rows the reader left out as it read (it knows them for blank by then).
    blank_rows = body.blank_rows + (grid.first_row - 1)
    columns_all = [body.table.column(i) for i in range(body.table.num_columns)]
    filled_all = body.filled if body.filled is not None else [filled_cells(column) for column in columns_all]
    del body  # the columns are all that is kept of it: each is let go once its lines are taken

    # Columns with no header and nothing in them are padding (some files carry dozens).
    kept_columns = [
        i for i in range(len(columns_all)) if (i < len(header_cells) and header_cells[i].strip()) or filled_all[i].any()
    ]
    dropped_columns = len(columns_all) - len(kept_columns)
    headers = _dedupe([header_cells[i] if i < len(header_cells) else "" for i in kept_columns])
    try:
        mapping = map_columns(headers, options.columns)
    except BadOption as exc:
        raise BadOption(exc.message, file=_where(file, grid.sheet)) from None
    if "amount" not in mapping.fields:
        raise NoSpendTable(
            f"no amount column among the headers {headers} (use --column amount=HEADER)",
            file=_where(file, grid.sheet),
            row=int(header_index + grid.first_row),
        )
    columns = [columns_all[i] for i in kept_columns]
    filled = [filled_all[i] for i in kept_columns]
    del columns_all, filled_all
    amount_index = mapping.fields["amount"]
    reasons = _classify_rows(columns, filled, headers, mapping)
    del filled

    keep = reasons == 0
    kept_index = np.flatnonzero(keep)
    kept_columns_data = _kept_rows(columns, keep, kept_index)
    del columns
    kept_rows = rows[kept_index[0] : kept_index[-1] + 1] if _one_run(kept_index) else rows[kept_index]
    problems: list[ValueProblem] = []
    problem_count = 0

    # Each field is parsed on its own: on several threads, as Arrow and numpy let go of
    # Python's lock while they work.
    tasks: dict[str, Callable[[], object]] = {
        "amount": lambda: parse_amounts(kept_columns_data[amount_index], options.decimal_comma),
        "original": lambda: _frame_of(kept_columns_data, headers),
    }
    if "date" in mapping.fields:
        tasks["date"] = lambda: parse_dates(kept_columns_data[mapping.fields["date"]], options.date_format)
    for field_name in TEXT_FIELDS:
        if field_name in mapping.fields:
            if field_name in _PLAIN_TEXT_FIELDS:
                make: Callable[..., object] = _trimmed_text
            else:
                make = partial(_trimmed_categorical, redaction=field_name == "supplier")
            sources = [kept_columns_data[i] for i in mapping.sources_of(field_name)]
            tasks[field_name] = partial(make, sources[0] if len(sources) == 1 else _joined_text(sources))
    # The supplier's redaction is worked out by this thread as soon as its categories are
    # known, while the reader's threads go on with the other fields.
    results = _run_tasks(tasks, first=("supplier", "amount", "date", "description"), then={"supplier": _with_redaction})
    tasks.clear()
    release_memory()

    lines = pd.DataFrame(index=pd.RangeIndex(len(kept_index)))
    lines["source_file"] = pd.Categorical.from_codes(np.zeros(len(kept_index), dtype=np.int8), categories=[file])
    if grid.sheet is not None:
        lines["source_sheet"] = pd.Categorical.from_codes(np.zeros(len(kept_index), dtype=np.int8), categories=[grid.sheet])
    lines["source_row"] = kept_rows

    amounts = results["amount"]
    lines["amount_pence"] = _integers(amounts.pence)
    bad = np.flatnonzero(amounts.invalid)
    problem_count += len(bad)
    problems += _problems(bad, kept_rows, kept_columns_data[amount_index], headers[amount_index], "amount", grid.sheet)

    date_format = None
    if "date" in mapping.fields:
        date_index = mapping.fields["date"]
        dates = results["date"]
        date_format = dates.date_format
        lines["date"] = _datetimes(dates.dates)
        bad = np.flatnonzero(dates.invalid)
        problem_count += len(bad)
        problems += _problems(bad, kept_rows, kept_columns_data[date_index], headers[date_index], "date", grid.sheet)
    else:
        lines["date"] = pd.Series(np.full(len(kept_index), np.datetime64("NaT"), dtype="datetime64[s]"))

    supplier_redacted = None
    for field_name in TEXT_FIELDS:
        if field_name in mapping.fields:
            result = results[field_name]
            if field_name == "supplier":
                result, supplier_redacted = result
            lines[field_name] = result
    redacted = supplier_redacted if supplier_redacted is not None else np.zeros(len(lines), dtype=bool)
    if "redaction_flag" in lines:
        redacted = redacted | redaction_flagged(lines["redaction_flag"])
    lines["redacted"] = redacted

    original = results["original"]
    skipped_index = np.flatnonzero(~keep)
    skipped_rows = np.concatenate([blank_rows, rows[skipped_index]])
    skipped_reasons = np.concatenate([np.full(len(blank_rows), _BLANK_CODE, dtype=np.int8), reasons[skipped_index]])
    order = np.argsort(skipped_rows, kind="stable")
    skipped = pd.DataFrame(
        {
            "sheet": [grid.sheet] * len(order),
            "row": skipped_rows[order],
            "reason": _REASONS[skipped_reasons[order]],
        }
    )
    info = TableInfo(
        sheet=grid.sheet,
        header_row=int(header_index + grid.first_row),
        mapping=mapping,
        lines=len(kept_index),
        date_format=date_format,
        decimal_comma=amounts.decimal_comma,
        dropped_columns=dropped_columns,
    )
    return _Table(info, lines, original, skipped, problems, problem_count)


# Text fields kept as text (pandas' `str`) rather than as a Categorical: nearly every line has
# its own transaction number, so a category per value would cost more than it saves.
_PLAIN_TEXT_FIELDS = frozenset({"transaction_id"})


def _run_tasks(
    tasks: dict[str, Callable[[], object]],
    first: tuple[str, ...] = (),
    then: dict[str, Callable[[object], object]] | None = None,
) -> dict[str, object]:
    """Each task's result, by name; run on the reader's threads, the tasks named in `first`
    (the longest) started first. `then[name]` is applied to a task's result by this thread,
    as soon as it is ready, while the other tasks run on."""
    then = then or {}
    workers = min(_workers(), len(tasks))
    if workers <= 1:
        results = {name: task() for name, task in tasks.items()}
        return {name: then[name](result) if name in then else result for name, result in results.items()}
    order = [name for name in first if name in tasks] + [name for name in tasks if name not in first]

    def run(name: str) -> object:
        result = tasks[name]()
        pa.default_memory_pool().release_unused()  # what the task freed, back (mimalloc's are per thread)
        return result

    pool = thread_pool()
    futures = {name: pool.submit(run, name) for name in order}
    results = {name: follow(futures[name].result()) for name, follow in then.items() if name in futures}
    return {name: results[name] if name in results else futures[name].result() for name in tasks}


def _kept_rows(columns: list[pa.ChunkedArray | pa.Array], keep: np.ndarray, index: np.ndarray) -> list:
    """The kept rows of each column: the columns themselves, or a slice of them (no copy)
    when the kept rows are one unbroken run, else their chunks as they are where every row
    of a chunk is kept and a filtered copy of the others, chunk by chunk on the reader's
    threads, each source chunk let go as its copy is made."""
    if len(index) == len(keep):
        return list(columns)
    if not len(index):
        return [column.slice(0, 0) for column in columns]
    if _one_run(index):
        return [column.slice(int(index[0]), len(index)) for column in columns]
    chunked = [column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column]) for column in columns]
    layout = [len(chunk) for chunk in chunked[0].chunks]
    if any([len(chunk) for chunk in column.chunks] != layout for column in chunked[1:]):
        chunked = [pa.chunked_array([column.combine_chunks()]) for column in chunked]  # one layout for all
        layout = [len(chunked[0])]
    columns.clear()
    types = [column.type for column in chunked]
    starts = np.cumsum([0, *layout])
    parts: list[list[pa.Array | None]] = [list(column.chunks) for column in chunked]
    del chunked

    def filter_chunk(number: int) -> list[pa.Array | None]:
        wanted = keep[starts[number] : starts[number + 1]]
        if wanted.all():
            return [part[number] for part in parts]
        if not wanted.any():
            return [None] * len(parts)
        mask = pa.array(wanted)
        # Copied where the reader keeps its table (see read._KEEP_POOL).
        taken = [pc.filter(part[number], mask, memory_pool=_KEEP_POOL) for part in parts]
        for part in parts:
            part[number] = None
        return taken

    filtered = map_threads(filter_chunk, len(layout))
    return [
        pa.chunked_array([chunk[position] for chunk in filtered if chunk[position] is not None], type=types[position])
        for position in range(len(types))
    ]


def _frame_of(columns: list[pa.ChunkedArray | pa.Array], headers: list[str]) -> pd.DataFrame:
    """The columns as a DataFrame of pandas' text (sharing them where they are large_string,
    as the reader's are)."""
    return pa.Table.from_arrays(columns, names=headers).to_pandas()


def _take_rows(column: pa.ChunkedArray | pa.Array, index: np.ndarray) -> pa.Array:
    """Rows `index` (sorted) of a column, taken from the chunks that hold them only."""
    if isinstance(column, pa.Array) or column.num_chunks == 1:
        array = column if isinstance(column, pa.Array) else column.chunk(0)
        return array.take(pa.array(index, type=pa.int64()))
    starts = np.cumsum([0] + [len(chunk) for chunk in column.chunks])
    which = np.searchsorted(starts, index, side="right") - 1
    parts = []
    for number in np.unique(which):
        local = index[which == number] - starts[number]
        parts.append(column.chunk(int(number)).take(pa.array(local, type=pa.int64())))
    return pa.concat_arrays(parts) if parts else pa.array([], type=column.type)


def _may_start_with(column: pa.ChunkedArray | pa.Array, first: str) -> np.ndarray:
    """Which texts of a column could start with `first` once trimmed and lower-cased: all but
    those starting with a printable ASCII character or `£` (which neither changes) other
    than `first` in lower case."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        if not len(chunk) or chunk.null_count or not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            parts.append(np.ones(len(chunk), dtype=bool))
            continue
        offsets = text_offsets(chunk)
        data_buffer = chunk.buffers()[2]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
        if not len(data):
            parts.append(np.ones(len(chunk), dtype=bool))
            continue
        starts = offsets[:-1]
        one, two = data.take(starts, mode="clip"), data.take(starts + 1, mode="clip")
        may = (offsets[1:] == starts) | ~(((one >= 0x21) & (one <= 0x7E)) | ((one == 0xC2) & (two == 0xA3)))
        if first:
            if "\x21" <= first <= "\x7e":
                may |= _LOWER[one] == ord(first)
            elif first == "\u00a3":
                may |= (one == 0xC2) & (two == 0xA3)
        parts.append(may)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[ord("A") : ord("Z") + 1] += 32


def _one_run(index: np.ndarray) -> bool:
    """Whether sorted row indices are one unbroken run (and not none)."""
    return bool(len(index)) and int(index[-1] - index[0]) + 1 == len(index)


def _integers(values: pa.Array) -> pd.arrays.IntegerArray:
    """An Arrow int64 array as pandas' Int64 (exact: never by way of floats)."""
    data = np.frombuffer(values.buffers()[1], dtype=np.int64, count=values.offset + len(values))[values.offset :]
    missing = values.is_null().to_numpy(zero_copy_only=False) if values.null_count else np.zeros(len(values), dtype=bool)
    return pd.arrays.IntegerArray(data.copy(), missing)


def _datetimes(days: pa.Array) -> pd.Series:
    """An Arrow date32 array as datetime64[s] (NaT where missing)."""
    count = len(days)
    if not count:
        return pd.Series(np.zeros(0, dtype="datetime64[s]"))
    values = np.frombuffer(days.buffers()[1], dtype=np.int32, count=days.offset + count)[days.offset :]
    seconds = values.astype(np.int64)
    seconds *= 86400
    stamps = seconds.view("datetime64[s]")
    if days.null_count:
        stamps[days.is_null().to_numpy(zero_copy_only=False)] = np.datetime64("NaT")
    return pd.Series(stamps)


# Reasons a row is not a spend line, by code (0: it is a line).
_REASONS = np.array(["", BLANK, REPEATED_HEADER, NO_AMOUNT, TOTALS, AMOUNT_ONLY, SUMMARY], dtype=object)
_BLANK_CODE, _REPEATED_CODE, _NO_AMOUNT_CODE, _TOTALS_CODE, _AMOUNT_ONLY_CODE, _SUMMARY_CODE = range(1, 7)


def _classify_rows(
    columns: list[pa.ChunkedArray | pa.Array],
    filled: list[np.ndarray],
    headers: list[str],
    mapping: ColumnMapping,
) -> np.ndarray:
    """The reason each row is not a spend line, as a code into _REASONS (0 for a spend line)."""
    count = len(filled[0]) if filled else 0
    reasons = np.zeros(count, dtype=np.int8)
    filled_count = np.zeros(count, dtype=np.int16)
    for column_filled in filled:
        filled_count += column_filled
    amount_index = mapping.fields["amount"]
    amount_filled = filled[amount_index]

    def mark(mask: np.ndarray, reason: int) -> None:
        reasons[(reasons == 0) & mask] = reason

    mark(filled_count == 0, _BLANK_CODE)
    header = headers[amount_index].strip().lower()
    # Only rows whose amount starts with the header's first character (or with a character
    # trimming or lower case could change) can repeat the header.
    search = np.flatnonzero((reasons == 0) & _may_start_with(columns[amount_index], header[:1]))
    if len(search):
        amount_text = pc.utf8_lower(pc.utf8_trim_whitespace(_take_rows(columns[amount_index], search)))
        repeated = np.zeros(count, dtype=bool)
        repeated[search] = pc.equal(amount_text, header).to_numpy(zero_copy_only=False)
        mark(repeated, _REPEATED_CODE)
    mark(~amount_filled, _NO_AMOUNT_CODE)

    date_filled = filled[mapping.fields["date"]] if "date" in mapping.fields else None
    id_filled = filled[mapping.fields["transaction_id"]] if "transaction_id" in mapping.fields else None
    # Totals rows carry no date and no transaction number; only such rows are searched for
    # a "Total" label, so a real line from "Total Gas & Power" or in "Recreation Total" stays.
    candidates = reasons == 0
    if date_filled is not None:
        candidates &= ~date_filled
    if id_filled is not None:
        candidates &= ~id_filled
    candidate_index = np.flatnonzero(candidates)
    if len(candidate_index):
        labelled = np.zeros(len(candidate_index), dtype=bool)
        for index, column in enumerate(columns):
            if index == amount_index:
                continue
            texts = _take_rows(column, candidate_index)
            labelled |= pc.match_substring_regex(texts, _TOTAL_LABEL).to_numpy(zero_copy_only=False)
        totals = np.zeros(count, dtype=bool)
        totals[candidate_index[labelled]] = True
        mark(totals, _TOTALS_CODE)
    mark((filled_count == 1) & amount_filled, _AMOUNT_ONLY_CODE)
    if date_filled is not None and id_filled is not None:
        lines_so_far = reasons == 0
        dated_share = date_filled[lines_so_far].mean() if lines_so_far.any() else 0.0
        if dated_share >= 0.9:
            mark(~date_filled & ~id_filled, _SUMMARY_CODE)
    return reasons


def _dictionary_encoded(column: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(distinct values, index of each row's value) of a text column."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.Array):
        return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    chunks = encoded.chunks
    if not chunks:
        return pa.array([], type=pa.string()), np.zeros(0, dtype=np.int32)
    # Arrow gives every chunk the same (final) dictionary; combine them if it ever does not.
    first = chunks[0].dictionary

    def shared(dictionary: pa.Array) -> bool:
        mine, theirs = dictionary.buffers(), first.buffers()
        return all(
            (a is None and b is None) or (a is not None and b is not None and a.address == b.address and a.size == b.size)
            for a, b in zip(mine, theirs)
        ) and dictionary.offset == first.offset and len(dictionary) == len(first)

    if not all(shared(chunk.dictionary) or chunk.dictionary.equals(first) for chunk in chunks[1:]):
        combined = encoded.combine_chunks()
        return combined.dictionary, combined.indices.to_numpy(zero_copy_only=False)
    return first, np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks])


def _joined_text(columns: list[pa.ChunkedArray | pa.Array]) -> pa.Array:
    """Several text columns as one, their trimmed non-blank values joined by " / " (blank
    where all are blank). Joined once per distinct combination of values, then spread back
    to the rows."""
    encoded = [_dictionary_encoded(column.fill_null("") if column.null_count else column) for column in columns]
    key = np.zeros(len(encoded[0][1]), dtype=np.int64)
    for dictionary, indices in encoded:
        key = key * max(len(dictionary), 1) + indices
    combinations, rows = np.unique(key, return_inverse=True)
    texts = [[(value or "").strip(_TRIMMED) for value in dictionary.to_pylist()] for dictionary, _ in encoded]
    codes = []
    remainder = combinations
    for dictionary, _ in reversed(encoded):
        remainder, code = np.divmod(remainder, max(len(dictionary), 1))
        codes.append(code)
    codes.reverse()
    joined = [" / ".join(t for t in (texts[i][c] for i, c in enumerate(combo)) if t) for combo in zip(*codes)]
    return pa.array(joined, type=encoded[0][0].type).take(pa.array(rows.astype(np.int64)))


def _trimmed_categorical(column: pa.ChunkedArray | pa.Array, redaction: bool = False) -> object:
    """A text column, trimmed, as a Categorical: each distinct value stored (and later
    matched) once, however many lines carry it. With `redaction`, also its categories as
    Arrow text and its codes, for _with_redaction."""
    if column.null_count:
        column = column.fill_null("")
    dictionary, indices = _dictionary_encoded(column)
    trimmed = pc.utf8_trim(dictionary, _TRIMMED)
    lengths = pc.binary_length(trimmed)
    if pc.sum(lengths) == pc.sum(pc.binary_length(dictionary)) and not pc.any(pc.equal(lengths, 0)).as_py():
        # Trimming changed nothing (and no value is blank): the distinct values are the
        # categories, in the order they first appear, and each row's index is its code.
        categories, codes = trimmed, indices
    else:
        # Values that trim to one are one category; a blank value is missing.
        categories, unique_codes = _dictionary_encoded(trimmed)
        unique_codes = unique_codes.astype(np.int32)
        blank = pc.index(categories, "").as_py()
        if blank >= 0:
            categories = pc.filter(categories, pc.not_equal(pc.binary_length(categories), 0))
            unique_codes = np.where(unique_codes == blank, -1, unique_codes - (unique_codes > blank))
        # In place where the indices are a copy of Arrow's (not a view of them).
        codes = np.take(unique_codes, indices, out=indices) if indices.flags.writeable else unique_codes[indices]
    categorical = pd.Categorical.from_codes(
        codes, categories=pd.Index(categories.to_numpy(zero_copy_only=False), dtype=object)
    )
    if not redaction:
        return categorical
    return categorical, categories, codes


def _with_redaction(result: tuple[pd.Categorical, pa.Array, np.ndarray]) -> tuple[pd.Categorical, np.ndarray]:
    """A supplier categorical (with its categories as Arrow text and its codes), and which
    lines' supplier says it was redacted."""
    categorical, categories, codes = result
    said = unique_suppliers_redacted(categories)
    if not said.any():
        return categorical, np.zeros(len(codes), dtype=bool)
    return categorical, said[codes] & (codes >= 0)


_TRIMMED = " \t\r\n\u00a0"
# First and last bytes of a text that may need trimming (0xC2 and 0xA0 begin and end U+00A0).
_TRIM_FIRST = np.zeros(256, dtype=bool)
_TRIM_FIRST[list(b" \t\r\n\xc2")] = True
_TRIM_LAST = np.zeros(256, dtype=bool)
_TRIM_LAST[list(b" \t\r\n\xa0")] = True


def _trimmed_text(column: pa.ChunkedArray | pa.Array) -> object:
    """A text column, trimmed, blanks missing, as pandas' `str` text: sharing the column's
    text where no value needs trimming (transaction numbers seldom do)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    return pd.array(pa.chunked_array([_trimmed_chunk(chunk) for chunk in chunks], type=column.type), dtype="str")


def _trimmed_chunk(chunk: pa.Array) -> pa.Array:
    if chunk.null_count or not len(chunk):
        return _trimmed_by_arrow(chunk)
    offsets = text_offsets(chunk)
    data = chunk.buffers()[2]
    lengths = np.diff(offsets)
    if data is None or not data.size:
        return _trimmed_by_arrow(chunk)
    data = np.frombuffer(data, dtype=np.uint8)
    present = lengths > 0
    first = data[np.minimum(offsets[:-1], len(data) - 1)]
    last = data[np.clip(offsets[1:] - 1, 0, len(data) - 1)]
    if (present & (_TRIM_FIRST[first] | _TRIM_LAST[last])).any():
        return _trimmed_by_arrow(chunk)
    if present.all():
        return chunk
    # Blank values become missing: a validity bitmap over the same offsets and text.
    valid = np.ones(chunk.offset + len(chunk), dtype=bool)
    valid[chunk.offset :] = present
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(chunk.type, len(chunk), [bitmap, *chunk.buffers()[1:]], offset=chunk.offset)


def _trimmed_by_arrow(chunk: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim(chunk, _TRIMMED)
    blank = pc.equal(pc.binary_length(trimmed), 0)
    return pc.if_else(blank, pa.scalar(None, trimmed.type), trimmed) if pc.any(blank).as_py() else trimmed


def _problems(
    bad: np.ndarray, rows: np.ndarray, column: pa.Array, header: str, field_name: str, sheet: str | None
) -> list[ValueProblem]:
    bad = bad[:MAX_PROBLEMS]
    texts = _take_rows(column, bad).to_pylist() if len(bad) else []
    return [ValueProblem(int(rows[i]), header, field_name, text, sheet) for i, text in zip(bad, texts)]


__all__ = ["Publication", "ReadOptions", "SpendcatError", "TableInfo", "ValueProblem", "read_publications"]
