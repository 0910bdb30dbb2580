"""Property tests: random publications written in the styles real publishers use, read back.

Whatever the encoding, delimiter, line ending, amount style, date style, title rows, blank
rows and totals row, the lines read are the lines written, in order, to the penny, each with
its supplier, date and source row; everything else is skipped with a reason.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spendcat.publication import read_publications
from spendcat.values import parse_amounts, parse_dates


def _commas(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole:,}.{part:02d}"


def _plain(pence: int) -> str:
    return _commas(pence).replace(",", "")


def _short(pence: int) -> str:
    text = _plain(pence)
    return text.rstrip("0").rstrip(".")


# Each style as publishers write it; the sign conventions are theirs.
DOT_STYLES = {
    "plain": _plain,  # 1234.56
    "short": _short,  # 1139.5, 1521
    "commas": _commas,  # "1,234.56"
    "pounds": lambda p: ("-" if p < 0 else "") + "£" + _commas(abs(p)),  # -£790.94
    "brackets": lambda p: f"({_commas(-p)})" if p < 0 else _commas(p),  # (1,234.56)
    "padded": lambda p: f" {_commas(p)} ",  # " 2,010.00 "
    "trailing_minus": lambda p: _commas(abs(p)) + ("-" if p < 0 else ""),  # 1,234.56-
    "float_noise": lambda p: f"{p / 100:.17g}",  # 1225.1899999999998
}
DECIMAL_COMMA_STYLES = {
    "decimal_comma": lambda p: _commas(p).replace(",", "_").replace(".", ",").replace("_", "."),  # 1.234,56
}
DATE_STYLES = [
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d.%m.%Y",
    "%Y-%m-%d 00:00:00",
    "%d-%m-%Y",
    "%d %B %Y",
    "excel",
]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
LINE_ENDS = ["\n", "\r\n", "\r"]
PENCE = st.integers(min_value=-5_000_000_00, max_value=50_000_000_00)
_TRIM = " \t\r\n\u00a0"


def _format_date(day: date, style: str) -> str:
    if style == "excel":
        return str((day - date(1899, 12, 30)).days)
    return day.strftime(style)


def _supplier_text(encoding: str) -> st.SearchStrategy[str]:
    special = st.sampled_from(
        [",", ";", "\t", '"', "'", "\n", "\r\n", "&", "£", "(", ")", "-", "/", " ", "  ", "\u00a0"]
    )
    if encoding == "cp1252":
        letters = st.characters(codec="cp1252", categories=("L", "N", "P", "S", "Zs"))
    else:
        letters = st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\ufeff")
    return st.lists(st.one_of(letters, special), max_size=30).map("".join)


def _csv_text(rows: list[list[str]], delimiter: str, line_end: str) -> str:
    """CSV as spreadsheets write it: a field is quoted when it holds the delimiter, a quote
    or any line break (Python's csv module leaves `\n` bare when the line end is `\r`)."""

    def field(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(delimiter.join(field(cell) for cell in row) + line_end for row in rows)


@dataclass
class Written:
    data: bytes
    pence: list[int]
    suppliers: list[str | None]
    dates: list[date]
    line_rows: list[int]
    other_rows: list[int]  # rows below the header that are not lines


@st.composite
def publications(draw: st.DrawFn) -> Written:
    encoding = draw(st.sampled_from(ENCODINGS))
    decimal_comma = draw(st.integers(0, 4)) == 0
    delimiter = draw(st.sampled_from([";", ","] if decimal_comma else [",", ";", "\t"]))
    line_end = draw(st.sampled_from(LINE_ENDS))
    styles = DECIMAL_COMMA_STYLES if decimal_comma else DOT_STYLES
    style_names = draw(st.lists(st.sampled_from(sorted(styles)), min_size=1, max_size=4, unique=True))
    date_style = draw(st.sampled_from(DATE_STYLES))
    with_reference = draw(st.booleans())

    header = ["Supplier Name", "Payment Date", "Net Amount"] + (
        ["Transaction Number"] if with_reference else []
    )
    width = len(header)
    rows: list[list[str]] = []
    for title in draw(
        st.lists(
            st.sampled_from(["Payments over £500", "", "Report run: 01/06/2024 09:15", "Parameters:"]),
            max_size=4,
        )
    ):
        rows.append([title] + [""] * (width - 1))
    rows.append(header)
    header_row = len(rows)

    count = draw(st.integers(min_value=0, max_value=25))
    suppliers_text = _supplier_text(encoding)
    written = Written(b"", [], [], [], [], [])
    for number in range(count):
        while draw(st.integers(0, 9)) == 0:  # blank rows here and there
            rows.append([] if draw(st.booleans()) else [""] * width)
            written.other_rows.append(len(rows))
        pence = draw(PENCE)
        supplier = draw(suppliers_text)
        day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
        amount = styles[draw(st.sampled_from(style_names))](pence)
        row = [supplier, _format_date(day, date_style), amount] + (
            [f"T{number:05d}"] if with_reference else []
        )
        rows.append(row)
        written.pence.append(pence)
        written.suppliers.append(supplier.strip(_TRIM) or None)
        written.dates.append(day)
        written.line_rows.append(len(rows))
    total = sum(written.pence)
    fmt = styles[style_names[0]]
    ending = draw(st.sampled_from(["none", "total", "grand", "amount_only"]))
    if ending != "none":
        rows.append([""] * width)
        written.other_rows.append(len(rows))
        label = {"total": "Total", "grand": "Grand Total", "amount_only": ""}[ending]
        rows.append([label, "", fmt(total)] + ([""] if with_reference else []))
        written.other_rows.append(len(rows))
    for _ in range(draw(st.integers(0, 3))):
        rows.append([""] * width)
        written.other_rows.append(len(rows))

    written.data = _csv_text(rows, delimiter, line_end).encode(encoding)
    if encoding == "cp1252":
        # Windows-1252 bytes that happen to be valid UTF-8 are read as UTF-8 (by design:
        # real UK files never do this); such draws say nothing about the reader.
        try:
            written.data.decode("utf-8")
            assume(written.data.isascii())
        except UnicodeDecodeError:
            pass
    written.other_rows = [r for r in written.other_rows if r > header_row]
    return written


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(publications())
def test_lines_read_are_lines_written(written: Written) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spend.csv"
        path.write_bytes(written.data)
        [publication] = read_publications(path)
    lines = publication.lines
    assert lines["amount_pence"].tolist() == written.pence
    assert publication.amount_pence == sum(written.pence)
    assert lines["source_row"].tolist() == written.line_rows
    assert [None if pd.isna(s) else s for s in lines["supplier"].tolist()] == written.suppliers
    assert [d.date() for d in lines["date"]] == written.dates
    assert sorted(int(r) for r in publication.skipped["row"]) == written.other_rows
    assert publication.problem_count == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(PENCE, min_size=1, max_size=20), st.sampled_from(sorted(DOT_STYLES)))
def test_every_dot_style_parses_back_to_the_penny(pence: list[int], style: str) -> None:
    texts = [DOT_STYLES[style](p) for p in pence]
    assert parse_amounts(pa.array(texts)).pence.to_pylist() == pence


@settings(max_examples=50, deadline=None)
@given(st.lists(PENCE, min_size=1, max_size=20))
def test_decimal_comma_parses_back_to_the_penny(pence: list[int]) -> None:
    texts = [DECIMAL_COMMA_STYLES["decimal_comma"](p) for p in pence]
    assert parse_amounts(pa.array(texts), decimal_comma=True).pence.to_pylist() == pence


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.dates(min_value=date(1970, 1, 1), max_value=date(2068, 12, 31)), min_size=1, max_size=10),
    st.sampled_from(DATE_STYLES),
)
def test_dates_parse_back(days: list[date], style: str) -> None:
    parsed = parse_dates(pa.array([_format_date(d, style) for d in days]))
    assert parsed.dates.to_pylist() == days


def test_styles_cover_what_real_files_hold() -> None:
    assert DOT_STYLES["pounds"](-79094) == "-£790.94"
    assert DOT_STYLES["brackets"](-123456) == "(1,234.56)"
    assert DOT_STYLES["padded"](201000) == " 2,010.00 "
    assert DECIMAL_COMMA_STYLES["decimal_comma"](123456) == "1.234,56"
    assert _format_date(date(2013, 9, 26), "%d-%b-%y") == "26-Sep-13"
    assert _format_date(date(2020, 4, 1), "excel") == "43922"
