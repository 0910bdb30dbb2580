"""Money to exact pence, dates in every published format, redaction in every spelling."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendcat.values import (
    EXCEL_SERIAL,
    REDACTED_SUPPLIER,
    _parse_amounts_fully,
    parse_amounts,
    parse_dates,
    redacted_suppliers,
    unique_suppliers_redacted,
    uses_decimal_comma,
)


def pence_of(*texts: str, decimal_comma: bool | None = None) -> list[int | None]:
    return parse_amounts(pa.array(list(texts)), decimal_comma).pence.to_pylist()


# --- Money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1234.56", 123456),
        ("750", 75000),
        ("1139.5", 113950),
        ("1,534.24", 153424),  # Lambeth, quoted in the CSV
        ("£4,800.00", 480000),  # Manchester
        ("-£790.94", -79094),
        ("-£2,536.00", -253600),
        ("£-5.00", -500),  # the sign after the pound sign
        ("(1,234.56)", -123456),  # accounting brackets
        ("(£12.00)", -1200),
        ("£(12.00)", -1200),
        ("1,234.56-", -123456),  # trailing minus (SAP exports)
        ("100.00CR", -10000),
        ("100.00 cr", -10000),
        (" 2,010.00 ", 201000),  # padded (Tameside)
        ("5,303.57 ", 530357),
        ("\u00a01,000.00\u00a0", 100000),  # no-break spaces from Excel
        ("£ 1 234.56", 123456),
        ("+7.25", 725),
        ("- 5.00", -500),
        ("\u22125.00", -500),  # a typographic minus
        ("\u2013 12.00", -1200),  # an en dash
        (".5", 50),
        ("5.", 500),
        ("0", 0),
        ("-0.00", 0),
        ("1,000,000", 100000000),
        ("GBP 12.50", 1250),
        ("12.50 GBP", 1250),
        ("999999999999.99", 99999999999999),
        ("123456789012345", 12345678901234500),
    ],
)
def test_amount_styles(text: str, pence: int) -> None:
    assert pence_of(text) == [pence]


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1225.1899999999998", 122519),  # Devon's float noise
        ("0.30000000000000004", 30),
        ("14013.260000000002", 1401326),
        ("-652.8000000000001", -65280),
        ("593.89999999999998", 59390),
    ],
)
def test_float_noise_rounds_to_the_penny(text: str, pence: int) -> None:
    assert pence_of(text) == [pence]


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("2.675", 268),
        ("0.125", 13),
        ("-0.125", -13),
        ("0.005", 1),
        ("0.0049999", 0),
        ("1.0050", 101),
        ("1.00499", 100),
    ],
)
def test_rounding_is_half_up_on_the_decimal_text_not_the_float(text: str, pence: int) -> None:
    # float("2.675") is 2.67499999...; spendcat rounds the published decimal, not a float.
    assert pence_of(text) == [pence]


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "n/a",
        "1e5",
        "1.5E+03",
        "12.3.4",
        "--5",
        "(5",
        "-(5)",
        "1,2,3",
        "1,23",
        "1234,567.00",
        "£",
        "-",
        "()",
        "12 34 56x",
        "TBC",
    ],
)
def test_unparseable_amount_is_flagged_never_zeroed(text: str) -> None:
    parsed = parse_amounts(pa.array(["10.00", text, "20.00"]))
    assert parsed.pence.to_pylist() == [1000, None, 2000]
    assert parsed.invalid.tolist() == [False, True, False]


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_blank_amount_is_empty_but_not_a_problem(text: str) -> None:
    parsed = parse_amounts(pa.array(["1.00", text]))
    assert parsed.pence.to_pylist() == [100, None]
    assert parsed.invalid.tolist() == [False, False]


def test_null_amount_is_empty_but_not_a_problem() -> None:
    parsed = parse_amounts(pa.array(["1.00", None]))
    assert parsed.pence.to_pylist() == [100, None]
    assert not parsed.invalid.any()


def test_decimal_comma_column() -> None:
    texts = ["1.234,56", "-45,00", "(1.000,00)", "12,5", "500", "€ 2.000.000,01"]
    parsed = parse_amounts(pa.array(texts))
    assert parsed.decimal_comma
    assert parsed.pence.to_pylist() == [123456, -4500, -100000, 1250, 50000, 200000001]


def test_decimal_comma_is_decided_for_the_whole_column() -> None:
    # One dot decimal anywhere and `1,234` is a thousands separator.
    assert not uses_decimal_comma(pa.array(["1,234", "5.50"]))
    assert pence_of("1,234", "5.50") == [123400, 550]
    assert uses_decimal_comma(pa.array(["1.234,56", "7,00"]))
    assert not uses_decimal_comma(pa.array(["1,234.56", "7.00"]))


def test_decimal_comma_override() -> None:
    assert pence_of("1,5", decimal_comma=True) == [150]
    assert pence_of("1.234", decimal_comma=True) == [123400]
    assert pence_of("1.234", decimal_comma=False) == [123]


def test_a_dot_decimal_in_a_decimal_comma_column_is_reported() -> None:
    parsed = parse_amounts(pa.array(["1.234,56", "12.5"]), decimal_comma=True)
    assert parsed.pence.to_pylist() == [123456, None]
    assert parsed.invalid.tolist() == [False, True]


def test_amounts_accept_chunked_columns() -> None:
    parsed = parse_amounts(pa.chunked_array([["1.00"], ["2.00", "x"]]).combine_chunks())
    assert parsed.pence.to_pylist() == [100, 200, None]


# --- Dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["26-Sep-13", "04-SEP-13"], [date(2013, 9, 26), date(2013, 9, 4)]),  # Leeds
        (["01.04.2015", "30.04.2015"], [date(2015, 4, 1), date(2015, 4, 30)]),  # Manchester
        (["2024-12-02 00:00:00", "2024-12-24 00:00:00"], [date(2024, 12, 2), date(2024, 12, 24)]),  # Devon
        (["17/02/21", "30/03/21"], [date(2021, 2, 17), date(2021, 3, 30)]),  # Hyndburn
        (["24/09/14", "01/09/14"], [date(2014, 9, 24), date(2014, 9, 1)]),  # Tameside
        (["21/01/2014", "25/03/2014"], [date(2014, 1, 21), date(2014, 3, 25)]),
        (["43922", "43951"], [date(2020, 4, 1), date(2020, 4, 30)]),  # Excel serials as text
        (["45413.0", "45414.5"], [date(2024, 5, 1), date(2024, 5, 2)]),  # with a fraction of a day
        (["2025-07-01 01:00:00", "2025-08-29 01:00:00"], [date(2025, 7, 1), date(2025, 8, 29)]),  # Lancashire
        (["2015-04-01T00:00:00", "2015-04-02T00:00:00Z"], [date(2015, 4, 1), date(2015, 4, 2)]),
        (["01/02/2015 00:00", "02/02/2015 12:30"], [date(2015, 2, 1), date(2015, 2, 2)]),
        (["01/02/2015 10:15:00 AM", "02/02/2015 3:30 PM"], [date(2015, 2, 1), date(2015, 2, 2)]),
        (["01/02/2015 3:30 p.m."], [date(2015, 2, 1)]),
        (
            ["2015-04-02T00:00:00.000Z", "2015-04-03T00:00:00+01:00"],
            [date(2015, 4, 2), date(2015, 4, 3)],
        ),  # API timestamps
        (["01-JUN-2012", "30-Jun-2012"], [date(2012, 6, 1), date(2012, 6, 30)]),
        (["01-04-2015", "30-04-2015"], [date(2015, 4, 1), date(2015, 4, 30)]),
        (["1 April 2015", "30 April 2015"], [date(2015, 4, 1), date(2015, 4, 30)]),
        (["1 Apr 2015", "30 Apr 15"], [date(2015, 4, 1), date(2015, 4, 30)]),
        (["2015/04/01"], [date(2015, 4, 1)]),
        (["20150401"], [date(2015, 4, 1)]),
    ],
)
def test_date_formats(texts: list[str], expected: list[date]) -> None:
    parsed = parse_dates(pa.array(texts))
    assert parsed.dates.to_pylist() == expected
    assert not parsed.invalid.any()


def test_excel_serial_format_is_named() -> None:
    assert parse_dates(pa.array(["43922"])).date_format == EXCEL_SERIAL


def test_day_first_before_month_first() -> None:
    parsed = parse_dates(pa.array(["05/06/2015", "07/06/2015"]))
    assert parsed.date_format == "%d/%m/%Y"
    assert parsed.dates.to_pylist() == [date(2015, 6, 5), date(2015, 6, 7)]


def test_month_first_only_when_no_day_first_format_fits() -> None:
    parsed = parse_dates(pa.array(["06/13/2015", "06/05/2015"]))
    assert parsed.date_format == "%m/%d/%Y"
    assert parsed.dates.to_pylist() == [date(2015, 6, 13), date(2015, 6, 5)]


def test_date_format_override() -> None:
    parsed = parse_dates(pa.array(["05/06/2015"]), "%m/%d/%Y")
    assert parsed.dates.to_pylist() == [date(2015, 5, 6)]


def test_unparseable_dates_are_flagged_blanks_are_not() -> None:
    parsed = parse_dates(pa.array(["01/04/2015", "junk", "", "31/02/2015", None, "  "]))
    assert parsed.dates.to_pylist() == [date(2015, 4, 1), None, None, None, None, None]
    assert parsed.invalid.tolist() == [False, True, False, True, False, False]


def test_a_value_in_another_format_is_still_read() -> None:
    # A workbook column of date cells with one typed in as text, or a serial left unformatted.
    parsed = parse_dates(pa.array(["2024-05-01 00:00:00", "02/05/2024", "45415", "2024-05-06"]))
    assert parsed.dates.to_pylist() == [
        date(2024, 5, 1),
        date(2024, 5, 2),
        date(2024, 5, 3),
        date(2024, 5, 6),
    ]
    assert not parsed.invalid.any()


def test_a_stray_reference_in_a_date_column_is_not_a_serial() -> None:
    parsed = parse_dates(pa.array(["01/05/2024", "12345"]))
    assert parsed.dates.to_pylist() == [date(2024, 5, 1), None]
    assert parsed.invalid.tolist() == [False, True]


def test_all_blank_date_column() -> None:
    parsed = parse_dates(pa.array(["", ""]))
    assert parsed.dates.to_pylist() == [None, None]
    assert parsed.date_format is None
    assert not parsed.invalid.any()


# --- Redaction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "supplier",
    [
        "REDACTED",
        "Redacted",
        "Redacted personal data",  # Oxford
        "REDACTED PERSONAL DATA",  # Leeds
        "REDACTED COMMERCIAL CONFIDENTIALITY",  # Leeds
        "REDACTED UNDER DP ACT",  # Devon
        "Personal Expense, Name Witheld",  # BIS, misspelt as published
        "Name Withheld",
        "Supplier name withheld",
        "Personal Data",
        "Personal Information",
        "REDACTED - personal data",
        "*** REDACTED ***",
        "[redacted]",
        "Redaction applied",
        "Name removed",
        "Private Individual",
        "Individual",
        "Third Party",
        "Commercially Sensitive",
        "Commercial in confidence - commercial confidentiality",
    ],
)
def test_redaction_spellings(supplier: str) -> None:
    assert redacted_suppliers(pd.Series([supplier])).tolist() == [True]


@pytest.mark.parametrize(
    "supplier",
    [
        "Redactive Publishing Ltd",
        "Redactive Publishing Limited",
        "Personal Data Solutions Ltd",
        "Third Party Logistics Ltd",
        "Individual Care Services",
        "Withernsea Town Council",
        "Hays Specialist Recruitment Limited",
        "",
        "REDACT",
    ],
)
def test_not_redactions(supplier: str) -> None:
    assert redacted_suppliers(pd.Series([supplier])).tolist() == [False]


def test_blank_supplier_without_a_flag_is_not_marked() -> None:
    assert redacted_suppliers(pd.Series([None, ""], dtype=object)).tolist() == [False, False]


def test_redaction_flag_column() -> None:
    supplier = pd.Series(["", "Acme Ltd", "", "W Davenport", "B", "C", "D"], dtype=object)
    flag = pd.Series(
        ["Redacted Supplier", "", None, "Business Payment", "Y", "No", "Personal data"], dtype=object
    )
    # Tameside: `Redacted Supplier` on redacted lines, `Business Payment` on named sole traders.
    assert redacted_suppliers(supplier, flag).tolist() == [True, False, False, False, True, False, True]


@pytest.mark.parametrize(
    "flag", ["Not redacted", "Unredacted", "Non-personal", "N", "No", "0", "FALSE", "-", "Business Payment"]
)
def test_redaction_flag_values_that_say_no(flag: str) -> None:
    assert redacted_suppliers(pd.Series(["Acme Ltd"]), pd.Series([flag])).tolist() == [False]


@pytest.mark.parametrize(
    "flag", ["Y", "yes", "TRUE", "1", "x", "Redacted", "Redacted Supplier", "Withheld", "Personal data"]
)
def test_redaction_flag_values_that_say_yes(flag: str) -> None:
    assert redacted_suppliers(pd.Series([""]), pd.Series([flag])).tolist() == [True]


def test_redaction_is_decided_once_per_distinct_supplier() -> None:
    supplier = pd.Series(["REDACTED", "Acme Ltd"] * 5000, dtype="category")
    marked = redacted_suppliers(supplier)
    assert marked.sum() == 5000 and marked[0] and not marked[1]


# --- Plain amounts, read from the bytes ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("12,345", 1234500),
        ("123,456.7", 12345670),
        ("-£999,999.99", -99999999),
        ("99999999", 9999999900),
        ("99999999.99", 9999999999),
        ("100000000", 10000000000),  # nine digits: past the plain shape, read by the full rules
        ("1,234,567.89", 123456789),
        ("£0.5", 50),
        ("-0", 0),
        ("007", 700),
        ("£", None),
        ("-£", None),
        ("-", None),
        ("£.50", 50),
        (",123", None),
        ("1,2345", None),
        ("1234,567", None),
        ("12.345", 1235),
        ("1.2.3", None),
        ("£-5", -500),
        ("5£", 500),
        ("\u00a3\u00a3", None),
    ],
)
def test_plain_and_nearly_plain_amounts(text: str, pence: int | None) -> None:
    assert pence_of(text) == [pence]
    assert pence_of("x", text, "1.00") == [None, pence, 100]  # beside other rows, and after a bad one


def test_plain_amounts_in_a_decimal_comma_column_are_read_with_decimal_commas() -> None:
    assert pence_of("1,234", "12,50") == [123, 1250]
    assert pence_of("1,234", decimal_comma=True) == [123]
    assert pence_of("1,234", decimal_comma=False) == [123400]


def test_plain_amounts_from_a_slice_of_a_column() -> None:
    column = pa.array(["x", "1,234.56", "", "-£7.5", "y"])
    parsed = parse_amounts(column.slice(1, 3))
    assert parsed.pence.to_pylist() == [123456, None, -750]
    assert parsed.invalid.tolist() == [False, False, False]


_AMOUNT_PIECES = ["0", "1", "5", "9", ",", ".", "-", "£", "(", ")", " ", "a", "00", ",000", ".00", "\u00a0", "CR", "\u2212"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_AMOUNT_PIECES), max_size=9).map("".join), min_size=1, max_size=40))
def test_the_fast_reading_agrees_with_the_full_rules(texts: list[str]) -> None:
    for decimal_comma in (None, False, True):
        fast = parse_amounts(pa.array(texts), decimal_comma)
        full = _parse_amounts_fully(pa.array(texts), decimal_comma)
        assert fast.pence.to_pylist() == full.pence.to_pylist()
        assert fast.invalid.tolist() == full.invalid.tolist()
        assert fast.decimal_comma == full.decimal_comma


def test_redaction_screening_agrees_with_the_full_search() -> None:
    # Distinct suppliers are screened for keywords before the full search; non-ASCII text
    # (where case folding goes beyond ASCII: `ſ` is an `s` to Python) is always searched.
    suppliers = [
        "PERſONAL DATA",
        "Redaction Café",
        "Ré Redacted",
        "Acme Ltd",
        "Third  Party",
        "private\u00a0individual",
        "REDACTED\u2013Personal",
        "Witheld",
        "Data Protection",
    ]
    expected = [bool(REDACTED_SUPPLIER.search(s)) for s in suppliers]
    assert redacted_suppliers(pd.Series(suppliers, dtype=object)).tolist() == expected
    assert redacted_suppliers(pd.Series(pd.Categorical(suppliers))).tolist() == expected
    assert unique_suppliers_redacted(pa.array(suppliers)).tolist() == expected
    assert unique_suppliers_redacted(pd.Index([1, "Redacted"], dtype=object)).tolist() == [False, True]


def test_large_and_chunked_text_reads_the_same() -> None:
    # The reader's columns are large_string (pandas' own), in chunks.
    texts = ["1,234.56", " 7 ", "", "x", "£5", "(3.00)"]
    dates = ["01/05/2024", " 02/05/2024", "", "02/05/2024 ", "nope", "03/05/2024"]
    expected = parse_amounts(pa.array(texts))
    expected_dates = parse_dates(pa.array(dates))
    for make in (
        lambda v: pa.array(v, type=pa.large_string()),
        lambda v: pa.chunked_array([v[:2], v[2:]], type=pa.large_string()),
        lambda v: pa.chunked_array([v[:3], v[3:]], type=pa.string()),
    ):
        parsed = parse_amounts(make(texts))
        assert parsed.pence.to_pylist() == expected.pence.to_pylist()
        assert parsed.invalid.tolist() == expected.invalid.tolist()
        read_dates = parse_dates(make(dates))
        assert read_dates.dates.to_pylist() == expected_dates.dates.to_pylist()
        assert read_dates.invalid.tolist() == expected_dates.invalid.tolist() == [False, False, False, False, True, False]
