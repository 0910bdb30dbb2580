"""Read a publication: find its header, keep its spend lines, parse their values.

`read_publications(path)` is the reader every command stands on. It returns, for each file
(or each file inside an archive), a `Publication`: the spend lines in input order with their
canonical fields and provenance (`lines`), every original column beside them (`original`),
and an account of everything it did not take as a line (`skipped`) or could not parse
(`problems`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from spendcat.columns import TEXT_FIELDS, ColumnMapping, find_header_row, map_columns
from spendcat.errors import BadOption, NoSpendTable, SpendcatError
from spendcat.read import Grid, Source, grids_of, open_sources
from spendcat.values import parse_amounts, parse_dates, redacted_suppliers

# Reasons a row is not a spend line, as `inspect` reports them.
BLANK = "blank row"
REPEATED_HEADER = "repeated header row"
NO_AMOUNT = "no amount (junk or note row)"
TOTALS = "totals row"
AMOUNT_ONLY = "only an amount (a total)"
SUMMARY = "no date or transaction number (a summary row)"

_NOT_BLANK = "[^\\s\u00a0]"
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
    grid_table, row_numbers = grid.body(header_index)
    header_cells = [str(v) for v in grid_table.slice(0, 1).to_pylist()[0].values()] if grid_table.num_rows else []
    body = grid_table.slice(1)
    rows = row_numbers[1:] + (grid.first_row - 1)
    not_blank = [pc.match_substring_regex(body.column(i), _NOT_BLANK).to_numpy(zero_copy_only=False) for i in range(body.num_columns)]

    # Columns with no header and nothing in them are padding (some files carry dozens).
    kept_columns = [i for i in range(body.num_columns) if (i < len(header_cells) and header_cells[i].strip()) or not_blank[i].any()]
    dropped_columns = body.num_columns - len(kept_columns)
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
    columns = [body.column(i) for i in kept_columns]
    filled = [not_blank[i] for i in kept_columns]
    reasons = _classify_rows(columns, filled, headers, mapping)

    keep = reasons == ""
    kept_index = np.flatnonzero(keep)
    kept_columns_data = [_take(col, kept_index, len(keep)) for col in columns]
    kept_rows = rows[kept_index]

    lines = pd.DataFrame(index=pd.RangeIndex(len(kept_index)))
    lines["source_file"] = pd.Categorical.from_codes(np.zeros(len(kept_index), dtype=np.int8), categories=[file])
    if grid.sheet is not None:
        lines["source_sheet"] = pd.Categorical.from_codes(np.zeros(len(kept_index), dtype=np.int8), categories=[grid.sheet])
    lines["source_row"] = kept_rows
    problems: list[ValueProblem] = []
    problem_count = 0

    amount_index = mapping.fields["amount"]
    amounts = parse_amounts(kept_columns_data[amount_index], options.decimal_comma)
    lines["amount_pence"] = pd.array(amounts.pence.to_numpy(zero_copy_only=False), dtype="Int64")
    bad = np.flatnonzero(amounts.invalid)
    problem_count += len(bad)
    problems += _problems(bad, kept_rows, kept_columns_data[amount_index], headers[amount_index], "amount", grid.sheet)

    date_format = None
    if "date" in mapping.fields:
        date_index = mapping.fields["date"]
        dates = parse_dates(kept_columns_data[date_index], options.date_format)
        date_format = dates.date_format
        lines["date"] = pd.Series(dates.dates.cast(pa.timestamp("s")).to_numpy(zero_copy_only=False), dtype="datetime64[s]")
        bad = np.flatnonzero(dates.invalid)
        problem_count += len(bad)
        problems += _problems(bad, kept_rows, kept_columns_data[date_index], headers[date_index], "date", grid.sheet)
    else:
        lines["date"] = pd.Series(np.full(len(kept_index), np.datetime64("NaT"), dtype="datetime64[s]"))

    for field_name in TEXT_FIELDS:
        if field_name in mapping.fields:
            lines[field_name] = _trimmed_categorical(kept_columns_data[mapping.fields[field_name]])
    supplier = lines["supplier"] if "supplier" in lines else pd.Series([None] * len(lines), dtype=object)
    flag = lines["redaction_flag"] if "redaction_flag" in lines else None
    lines["redacted"] = redacted_suppliers(supplier, flag)

    original = pa.Table.from_arrays(kept_columns_data, names=headers).to_pandas()
    skipped_index = np.flatnonzero(~keep)
    skipped = pd.DataFrame(
        {
            "sheet": [grid.sheet] * len(skipped_index),
            "row": rows[skipped_index],
            "reason": reasons[skipped_index],
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


def _take(column: pa.ChunkedArray, index: np.ndarray, total: int) -> pa.Array:
    """Rows `index` of a column; a slice (no copy) when they are one unbroken run."""
    if len(index) == total:
        return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if len(index) and index[-1] - index[0] + 1 == len(index):
        sliced = column.slice(int(index[0]), len(index))
        return sliced.combine_chunks() if isinstance(sliced, pa.ChunkedArray) else sliced
    taken = column.take(pa.array(index))
    return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken


def _classify_rows(
    columns: list[pa.Array], filled: list[np.ndarray], headers: list[str], mapping: ColumnMapping
) -> np.ndarray:
    """The reason each row is not a spend line, or "" for a spend line."""
    count = len(filled[0]) if filled else 0
    reasons = np.full(count, "", dtype=object)
    filled_count = np.sum(filled, axis=0) if filled else np.zeros(0, dtype=int)
    amount_index = mapping.fields["amount"]
    amount_filled = filled[amount_index]

    def mark(mask: np.ndarray, reason: str) -> None:
        reasons[(reasons == "") & mask] = reason

    mark(filled_count == 0, BLANK)
    amount_text = pc.utf8_lower(pc.utf8_trim_whitespace(columns[amount_index]))
    repeated = pc.equal(amount_text, headers[amount_index].strip().lower()).to_numpy(zero_copy_only=False)
    mark(repeated, REPEATED_HEADER)
    mark(~amount_filled, NO_AMOUNT)

    date_filled = filled[mapping.fields["date"]] if "date" in mapping.fields else None
    id_filled = filled[mapping.fields["transaction_id"]] if "transaction_id" in mapping.fields else None
    # Totals rows carry no date and no transaction number; only such rows are searched for
    # a "Total" label, so a real line from "Total Gas & Power" or in "Recreation Total" stays.
    candidates = np.ones(count, dtype=bool)
    if date_filled is not None:
        candidates &= ~date_filled
    if id_filled is not None:
        candidates &= ~id_filled
    candidates &= reasons == ""
    candidate_index = np.flatnonzero(candidates)
    if len(candidate_index):
        labelled = np.zeros(len(candidate_index), dtype=bool)
        for index, column in enumerate(columns):
            if index == amount_index:
                continue
            texts = column.take(pa.array(candidate_index))
            labelled |= pc.match_substring_regex(texts, _TOTAL_LABEL).to_numpy(zero_copy_only=False)
        totals = np.zeros(count, dtype=bool)
        totals[candidate_index[labelled]] = True
        mark(totals, TOTALS)
    mark((filled_count == 1) & amount_filled, AMOUNT_ONLY)
    if date_filled is not None and id_filled is not None:
        lines_so_far = reasons == ""
        dated_share = date_filled[lines_so_far].mean() if lines_so_far.any() else 0.0
        if dated_share >= 0.9:
            mark(~date_filled & ~id_filled, SUMMARY)
    return reasons


def _trimmed_categorical(column: pa.Array) -> pd.Categorical:
    """A text column, trimmed, as a Categorical: each distinct value stored (and later
    matched) once, however many lines carry it."""
    encoded = pc.dictionary_encode(column)
    dictionary = pc.utf8_trim(encoded.dictionary, " \t\r\n\u00a0").to_numpy(zero_copy_only=False)
    dictionary = np.where(dictionary == "", None, dictionary)
    unique_codes, categories = pd.factorize(dictionary, use_na_sentinel=True)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    codes = unique_codes[indices] if len(unique_codes) else np.full(len(indices), -1)
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def _problems(
    bad: np.ndarray, rows: np.ndarray, column: pa.Array, header: str, field_name: str, sheet: str | None
) -> list[ValueProblem]:
    bad = bad[:MAX_PROBLEMS]
    texts = column.take(pa.array(bad, type=pa.int64())).to_pylist() if len(bad) else []
    return [ValueProblem(int(rows[i]), header, field_name, text, sheet) for i, text in zip(bad, texts)]


__all__ = ["Publication", "ReadOptions", "ValueProblem", "TableInfo", "read_publications", "SpendcatError"]
