"""Reading whole publications: every sample against its truth, line by line; what is skipped
and why; source rows; the user's overrides; errors that name the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE_DATA, read_one, sample_truth

from spendcat.errors import BadOption, NoSpendTable, SpendcatError, UnreadableFile
from spendcat.publication import (
    AMOUNT_ONLY,
    BLANK,
    NO_AMOUNT,
    REPEATED_HEADER,
    SUMMARY,
    TOTALS,
    read_publications,
)

TRUTH = sample_truth()
TRUTH_BY_PATH = {entry["path"]: entry for entry in TRUTH}


def skipped_rows(publication) -> list[tuple[int, str]]:
    return [
        (int(row), reason) for row, reason in zip(publication.skipped["row"], publication.skipped["reason"])
    ]


# --- The samples against their truth -----------------------------------------------------------


def test_every_sample_file_has_a_truth_entry() -> None:
    on_disk = {p.name for p in SAMPLE_DATA.iterdir() if p.is_file()} - {"README.md", "truth.json", "make_samples.py"}
    assert on_disk == set(TRUTH_BY_PATH)
    assert TRUTH_BY_PATH["council-spend-2024-05.csv"]["data_rows"] >= 200


@pytest.mark.parametrize("entry", TRUTH, ids=[e["path"] for e in TRUTH])
def test_sample_lines_and_pence_equal_truth(entry: dict) -> None:
    publications = read_publications(SAMPLE_DATA / entry["path"])
    assert sum(p.line_count for p in publications) == entry["data_rows"]
    assert sum(p.amount_pence for p in publications) == entry["amount_pence_total"]
    assert sum(p.redacted_lines for p in publications) == entry["redacted_rows"]
    assert sum(int((p.lines["amount_pence"] < 0).sum()) for p in publications) == entry["negative_rows"]
    first = publications[0]
    assert first.columns["amount"] == entry["amount_column"].strip()
    assert first.columns["supplier"] == entry["supplier_column"]
    assert all(p.problem_count == 0 for p in publications)


def test_samples_are_what_make_samples_writes(generated_samples: tuple[Path, dict]) -> None:
    """The committed files are in step with the generator, byte for byte."""
    out, _ = generated_samples
    for name in [*TRUTH_BY_PATH, "truth.json", "README.md"]:
        assert (out / name).read_bytes() == (SAMPLE_DATA / name).read_bytes(), name


@pytest.mark.parametrize("entry", TRUTH, ids=[e["path"] for e in TRUTH])
def test_sample_line_by_line(entry: dict, generated_samples: tuple[Path, dict]) -> None:
    """Each line read is the line generated, in order: amount, date, supplier, redaction."""
    _, samples = generated_samples
    expected = samples[entry["path"]].lines
    [publication] = read_publications(SAMPLE_DATA / entry["path"])
    lines = publication.lines
    assert lines["amount_pence"].tolist() == [line.pence for line in expected]
    assert [d.date() for d in lines["date"]] == [line.day for line in expected]
    assert lines["redacted"].tolist() == [line.redacted for line in expected]
    for read_supplier, line in zip(lines["supplier"], expected):
        if pd.isna(read_supplier):
            assert line.redacted  # a blank supplier, flagged as redacted (Tameside)
        else:
            assert read_supplier.upper() == line.supplier.upper()
    if "transaction_id" in lines and all(line.transaction_id for line in expected):
        assert lines["transaction_id"].astype(str).tolist() == [line.transaction_id for line in expected]


# --- source_row is the row a spreadsheet shows ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("newline-in-quoted-cell.csv", "utf-8", ","),
        ("title-rows-and-total.csv", "utf-8", ","),
        ("cr-line-endings.csv", "cp1252", ","),
        ("trailing-columns-summary-rows.csv", "utf-8", ","),
        ("utf16-bom.txt", "utf-16", "\t"),
        ("council-spend-2024-05.csv", "utf-8", ","),
    ],
)
def test_csv_source_row_is_the_record_number(name: str, encoding: str, delimiter: str) -> None:
    path = SAMPLE_DATA / name
    records = list(
        csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter)
    )
    publication = read_one(path)
    amount_header = publication.columns["amount"]
    supplier_header = publication.columns["supplier"]
    for row, amount, supplier in zip(
        publication.lines["source_row"],
        publication.original[amount_header],
        publication.original[supplier_header],
    ):
        record = records[row - 1]
        assert amount in record and supplier in record


def test_duplicate_and_unnamed_columns_are_kept_under_distinct_names() -> None:
    publication = read_one(SAMPLE_DATA / "newline-in-quoted-cell.csv")
    assert list(publication.original.columns) == [
        "Paid Date",
        "Trans No",
        "Supplier",
        "Expenditure Catergory",
        "Description",
        "Description (2)",
        "column_7",
        "Invoice Value    (GBP)",
    ]
    assert publication.columns["description"] == "Description"  # the leftmost of the two
    assert publication.columns["expense_type"] == "Expenditure Catergory"
    assert publication.original["column_7"].str.startswith("GL").all()
    assert publication.tables[0].mapping.unmapped == ["Description (2)", "column_7"]


def test_newline_in_a_cell_does_not_shift_source_rows() -> None:
    publication = read_one(SAMPLE_DATA / "newline-in-quoted-cell.csv")
    assert publication.lines["source_row"].tolist() == list(range(2, 2 + publication.line_count))
    descriptions = publication.original["Description"]
    assert descriptions.str.contains("\n").sum() >= 5


def test_xlsx_source_row_is_the_sheet_row() -> None:
    from openpyxl import load_workbook

    book = load_workbook(SAMPLE_DATA / "workbook-two-months.xlsx", read_only=True)
    publication = read_one(SAMPLE_DATA / "workbook-two-months.xlsx")
    supplier_column = {"April 2024": 3, "May 2024": 1}
    for sheet, row, supplier in zip(
        publication.lines["source_sheet"], publication.lines["source_row"], publication.lines["supplier"]
    ):
        assert book[sheet].cell(row=row, column=supplier_column[sheet]).value == supplier
    assert publication.lines["source_row"].iloc[0] == 2
    assert publication.lines.loc[publication.lines["source_sheet"] == "May 2024", "source_row"].iloc[0] == 4


# --- Skipped rows, with reasons --------------------------------------------------------------


def test_title_rows_total_and_junk() -> None:
    publication = read_one(SAMPLE_DATA / "title-rows-and-total.csv")
    assert publication.tables[0].header_row == 10
    assert publication.lines["source_row"].tolist() == list(range(11, 49))
    assert skipped_rows(publication) == [(49, BLANK), (50, TOTALS), (51, BLANK), (52, BLANK), (53, NO_AMOUNT)]


def test_summary_rows_trailing_columns_and_redaction_flag() -> None:
    publication = read_one(SAMPLE_DATA / "trailing-columns-summary-rows.csv")
    info = publication.tables[0]
    assert info.dropped_columns == 24
    assert list(publication.original.columns) == [
        "Inv Transaction",
        "Supplier Name",
        "Headserv Name",
        "Stratdir Name",
        "Account Description",
        "Redact Name",
        "Paid Date",
        "Sum of Inv Amount",
    ]
    skipped = skipped_rows(publication)
    assert [row for row, reason in skipped if reason == SUMMARY] == [82, 83, 84]
    assert [row for row, reason in skipped if reason == BLANK] == list(range(52, 82)) + list(range(85, 90))
    flagged = publication.lines["redaction_flag"]
    assert publication.lines.loc[flagged == "Redacted Supplier", "redacted"].all()
    assert publication.lines.loc[flagged == "Business Payment", "supplier"].notna().all()
    assert not publication.lines.loc[flagged == "Business Payment", "redacted"].any()


def test_amount_only_totals_row() -> None:
    publication = read_one(SAMPLE_DATA / "tab-delimited.tsv")
    assert skipped_rows(publication) == [(57, AMOUNT_ONLY)]
    assert publication.delimiter == "\t"


def test_junk_last_row_and_padded_suppliers() -> None:
    publication = read_one(SAMPLE_DATA / "snake-case-junk-last-row.csv")
    assert skipped_rows(publication) == [(47, NO_AMOUNT)]
    assert not publication.lines["supplier"].str.endswith(" ").any()
    # The original columns keep the text exactly as published.
    assert publication.original["supplier_name"].str.endswith(" ").all()
    assert publication.lines["supplier"].cat.categories.str.len().max() < 50


def test_grand_total_in_ods_and_totals_in_workbook() -> None:
    assert skipped_rows(read_one(SAMPLE_DATA / "quarter-spend.ods")) == [(74, TOTALS)]
    workbook = read_one(SAMPLE_DATA / "workbook-two-months.xlsx")
    assert list(zip(workbook.skipped["sheet"], workbook.skipped["row"], workbook.skipped["reason"])) == [
        ("May 2024", 49, BLANK),
        ("May 2024", 50, TOTALS),
    ]


def test_totals_label_needs_a_row_without_date_or_reference(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "Supplier,Date,Trans No,Amount\n"
        "Total Gas & Power,01/05/2024,T1,100.00\n"  # a real supplier
        "Recreation Total,02/05/2024,T2,50.00\n"
        "Sub-total,,,150.00\n"
        "Grand Total,,,150.00\n"
        ",,,150.00\n"
        "Supplier,Date,Trans No,Amount\n"  # a second month pasted below the first
        "Acme Ltd,03/05/2024,T3,1.00\n"
    )
    publication = read_one(path)
    assert publication.lines["supplier"].tolist() == ["Total Gas & Power", "Recreation Total", "Acme Ltd"]
    assert publication.amount_pence == 15100
    assert skipped_rows(publication) == [(4, TOTALS), (5, TOTALS), (6, AMOUNT_ONLY), (7, REPEATED_HEADER)]


def test_rows_without_date_are_lines_when_the_file_has_few_dates(write_file: Callable[..., Path]) -> None:
    # Only a file that dates (nearly) every line has "summary rows" without date and reference.
    path = write_file("Supplier,Date,Reference,Amount\nA,,,1.00\nB,,,2.00\nC,01/05/2024,R1,3.00\n")
    assert read_one(path).line_count == 3


# --- Values that cannot be parsed ------------------------------------------------------------


def test_unparseable_amount_is_reported_with_row_and_column_never_zeroed(
    write_file: Callable[..., Path],
) -> None:
    path = write_file(
        "Title\n\nSupplier,Date,Net Amount\nA,01/05/2024,10.00\nB,02/05/2024,TBC\nC,03/05/2024,1e5\nD,04/05/2024,2.50\n"
    )
    publication = read_one(path)
    assert publication.line_count == 4
    assert publication.lines["amount_pence"].tolist()[:1] == [1000]
    assert publication.lines["amount_pence"].isna().tolist() == [False, True, True, False]
    assert publication.amount_pence == 1250
    assert publication.problem_count == 2
    assert [(p.row, p.column, p.field, p.text) for p in publication.problems] == [
        (5, "Net Amount", "amount", "TBC"),
        (6, "Net Amount", "amount", "1e5"),
    ]


def test_unparseable_date_is_reported(write_file: Callable[..., Path]) -> None:
    path = write_file("Supplier,Paid Date,Amount\nA,01/05/2024,1\nB,31/02/2024,2\nC,,3\n")
    publication = read_one(path)
    assert [(p.row, p.column, p.field, p.text) for p in publication.problems] == [
        (3, "Paid Date", "date", "31/02/2024")
    ]
    assert publication.lines["date"].isna().tolist() == [False, True, True]
    assert publication.amount_pence == 600


def test_workbook_sheet_problems_name_the_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "June"
    book.active.append(["Supplier", "Amount"])
    book.active.append(["A", "n/a"])
    book.active.append(["B", 5])
    path = tmp_path / "june.xlsx"
    book.save(path)
    publication = read_one(path)
    assert [(p.sheet, p.row, p.column, p.text) for p in publication.problems] == [
        ("June", 2, "Amount", "n/a")
    ]
    assert publication.amount_pence == 500


# --- Lines and their columns ---------------------------------------------------------------------


def test_lines_frame_shape_and_types() -> None:
    publication = read_one(SAMPLE_DATA / "council-spend-2024-05.csv")
    lines = publication.lines
    assert str(lines["amount_pence"].dtype) == "Int64"
    assert str(lines["date"].dtype).startswith("datetime64")
    assert lines["redacted"].dtype == bool
    assert set(lines["source_file"]) == {str(SAMPLE_DATA / "council-spend-2024-05.csv")}
    assert {
        "body",
        "supplier",
        "supplier_id",
        "expense_type",
        "expense_area",
        "transaction_id",
        "vat",
        "capital_revenue",
        "description",
    } <= set(lines)
    assert len(publication.original) == publication.line_count
    assert list(publication.original.columns)[:3] == ["Body Name", "Body", "Service Area"]
    assert publication.date_range == (date(2024, 5, 1), date(2024, 5, 31))
    assert publication.format == "csv" and publication.encoding == "utf-8" and publication.delimiter == ","


def test_redactive_publishing_is_a_supplier_not_a_redaction() -> None:
    lines = read_one(SAMPLE_DATA / "council-spend-2024-05.csv").lines
    redactive = lines[lines["supplier"] == "Redactive Publishing Ltd"]
    assert len(redactive) > 0 and not redactive["redacted"].any()


def test_workbook_header_drift_and_notes_sheet() -> None:
    publication = read_one(SAMPLE_DATA / "workbook-two-months.xlsx")
    april, may = publication.tables
    assert (april.sheet, april.header_row, may.sheet, may.header_row) == ("April 2024", 1, "May 2024", 3)
    assert (
        april.mapping.as_dict()["supplier"] == "Supplier Name"
        and may.mapping.as_dict()["supplier"] == "Supplier"
    )
    assert april.mapping.as_dict()["amount"] == "Net Amount" and may.mapping.as_dict()["amount"] == "Amount"
    assert "Notes" in publication.skipped_sheets
    assert publication.sheets == ["April 2024", "May 2024"]
    # Datetimes at 01:00 (summer time) are the date they fall on.
    assert (publication.lines["date"].dt.hour == 0).all()
    # Text fields stay categorical across sheets (one category set for the workbook).
    for field_name in ("supplier", "expense_type", "source_sheet"):
        assert isinstance(publication.lines[field_name].dtype, pd.CategoricalDtype), field_name
    # Transaction numbers are text: nearly one per line, a category each would cost more than it saves.
    assert publication.lines["transaction_id"].dtype == pd.StringDtype(na_value=np.nan)
    assert publication.lines["expense_area"].isna().sum() == april.lines  # only May names a service area
    # Original columns of both sheets are kept side by side.
    assert {"Supplier Name", "Supplier", "Net Amount", "Amount"} <= set(publication.original.columns)


def test_excel_serial_dates_in_xls() -> None:
    publication = read_one(SAMPLE_DATA / "card-spend-serial-dates.xls")
    assert publication.tables[0].date_format == "excel-serial"
    assert publication.date_range[0].month == 4 and publication.date_range[1].month == 4
    assert publication.columns["currency"] == "BILLING CUR CODE"


def test_xls_with_date_cells(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")

    book = xlwt.Workbook()
    sheet = book.add_sheet("Spend")
    style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for column, text in enumerate(["Date", "Supplier", "Amount"]):
        sheet.write(0, column, text)
    sheet.write(1, 0, date(2024, 5, 1), style)
    sheet.write(1, 1, "Acme Ltd")
    sheet.write(1, 2, 12.5)
    path = tmp_path / "dated.xls"
    book.save(str(path))
    publication = read_one(path)
    assert publication.lines["date"].dt.date.tolist() == [date(2024, 5, 1)]
    assert publication.amount_pence == 1250


def test_zip_member_is_named() -> None:
    publication = read_one(SAMPLE_DATA / "zipped-month.zip")
    assert publication.file == f"{SAMPLE_DATA / 'zipped-month.zip'}!spend-2024-06.csv"


# --- The user's overrides --------------------------------------------------------------------


def test_header_row_override(write_file: Callable[..., Path]) -> None:
    path = write_file("Report,,\nPaid to,When,Sum\nAcme Ltd,01/05/2024,10.00\n")
    with pytest.raises(NoSpendTable):
        read_one(path)
    publication = read_one(
        path, header_row=2, columns={"amount": "Sum", "supplier": "Paid to", "date": "When"}
    )
    assert publication.tables[0].header_row == 2
    assert publication.columns == {"date": "When", "supplier": "Paid to", "amount": "Sum"}
    assert publication.lines["source_row"].tolist() == [3]
    assert publication.amount_pence == 1000


def test_header_row_override_agrees_with_the_guess() -> None:
    guessed = read_one(SAMPLE_DATA / "title-rows-and-total.csv")
    told = read_one(SAMPLE_DATA / "title-rows-and-total.csv", header_row=10)
    assert told.amount_pence == guessed.amount_pence and told.line_count == guessed.line_count


def test_header_row_out_of_range(write_file: Callable[..., Path]) -> None:
    path = write_file("Supplier,Amount\nA,1\n")
    with pytest.raises(BadOption, match="--header-row 9") as caught:
        read_one(path, header_row=9)
    assert caught.value.file == str(path)


def test_column_override(write_file: Callable[..., Path]) -> None:
    path = write_file("Vendor Name,Payee,Amount,Other Amount\nAcme Ltd,Someone Else,10.00,99.00\n")
    publication = read_one(path, columns={"supplier": "Payee", "amount": "Other Amount"})
    assert publication.columns["supplier"] == "Payee"
    assert publication.lines["supplier"].tolist() == ["Someone Else"]
    assert publication.amount_pence == 9900


def test_column_override_errors_name_the_file(write_file: Callable[..., Path]) -> None:
    path = write_file("Supplier,Amount\nA,1\n")
    with pytest.raises(BadOption, match="no such header") as caught:
        read_one(path, columns={"supplier": "Vendor"})
    assert caught.value.file == str(path)
    with pytest.raises(BadOption, match="unknown field"):
        read_one(path, columns={"nonsense": "Supplier"})


def test_sheet_override() -> None:
    publication = read_one(SAMPLE_DATA / "workbook-two-months.xlsx", sheet="May 2024")
    assert publication.sheets == ["May 2024"]
    assert publication.line_count == 45
    assert publication.tables[0].header_row == 3


def test_sheet_override_unknown_sheet() -> None:
    with pytest.raises(BadOption, match="no such sheet.*'April 2024', 'May 2024', 'Notes'"):
        read_one(SAMPLE_DATA / "workbook-two-months.xlsx", sheet="June 2024")
    with pytest.raises(BadOption, match="not a workbook"):
        read_one(SAMPLE_DATA / "council-spend-2024-05.csv", sheet="May")


def test_date_format_override(write_file: Callable[..., Path]) -> None:
    path = write_file("Supplier,Date,Amount\nA,05/06/2024,1\n")
    assert read_one(path).lines["date"].dt.date.tolist() == [date(2024, 6, 5)]
    assert read_one(path, date_format="%m/%d/%Y").lines["date"].dt.date.tolist() == [date(2024, 5, 6)]


def test_decimal_comma_override(write_file: Callable[..., Path]) -> None:
    path = write_file("Supplier;Amount\nA;1.234\nB;2,5\n")
    assert read_one(path, decimal_comma=True).lines["amount_pence"].tolist() == [123400, 250]


def test_a_second_service_column_joins_the_expense_area(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "ServiceLabel,ServiceDivisionLabel,SupplierName,NetAmount\n"
        "City Development, Highways ,Acme Ltd,10.00\n"
        "Adult Social Care,,Care Co,20.00\n"
        "  ,Libraries,Books Ltd,5.00\n"
        "City Development,Highways,Acme Ltd,1.00\n"
    )
    publication = read_one(path)
    assert publication.columns["expense_area"] == "ServiceLabel + ServiceDivisionLabel"
    assert publication.lines["expense_area"].tolist() == [
        "City Development / Highways", "Adult Social Care", "Libraries", "City Development / Highways",
    ]
    # The original columns are all kept, as published.
    assert publication.original.to_dict("list") == {
        "ServiceLabel": ["City Development", "Adult Social Care", "  ", "City Development"],
        "ServiceDivisionLabel": [" Highways ", "", "Libraries", "Highways"],
        "SupplierName": ["Acme Ltd", "Care Co", "Books Ltd", "Acme Ltd"],
        "NetAmount": ["10.00", "20.00", "5.00", "1.00"],
    }
    told = read_one(path, columns={"expense_area": "ServiceLabel"})
    assert told.columns["expense_area"] == "ServiceLabel"
    assert told.lines["expense_area"].tolist()[:2] == ["City Development", "Adult Social Care"]
    assert pd.isna(told.lines["expense_area"].iloc[2])


def test_a_line_with_both_service_columns_blank_has_no_expense_area(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "ServiceLabel,ServiceDivisionLabel,SupplierName,NetAmount\n"
        "City Development,Highways,Acme Ltd,10.00\n"
        " ,,Blank Ltd,1.00\n"
        "Adult Social Care,Older People,Care Co,20.00\n"
    )
    area = read_one(path).lines["expense_area"]
    assert area.tolist()[0] == "City Development / Highways"
    assert pd.isna(area.iloc[1])
    assert area.tolist()[2] == "Adult Social Care / Older People"


# --- Errors name the file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", UnreadableFile, "empty file"),
        (b"\x00\x01\x02\x03binary\x00junk" * 50, UnreadableFile, "binary"),
        (b"Supplier,Description\nAcme Ltd,Paper\n", NoSpendTable, "amount"),
        (b"Just a note\nwith no table in it\n", NoSpendTable, "amount"),
    ],
)
def test_errors_name_the_file(
    write_file: Callable[..., Path], content: bytes, error: type, message: str
) -> None:
    path = write_file(content)
    with pytest.raises(error, match=message) as caught:
        read_publications(path)
    assert isinstance(caught.value, SpendcatError)
    assert str(path) in str(caught.value)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    with pytest.raises(UnreadableFile, match="no such file") as caught:
        read_publications(path)
    assert caught.value.file == str(path)


def test_header_override_without_an_amount_column(write_file: Callable[..., Path]) -> None:
    path = write_file("Supplier,Description\nAcme Ltd,Paper\n")
    with pytest.raises(NoSpendTable, match="no amount column") as caught:
        read_one(path, header_row=1)
    assert caught.value.file == str(path) and caught.value.row == 1


def test_workbook_without_any_spend_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Contents"])
    book.create_sheet("Notes").append(["Field", "Meaning"])
    path = tmp_path / "notes.xlsx"
    book.save(path)
    with pytest.raises(NoSpendTable) as caught:
        read_publications(path)
    assert str(path) in str(caught.value)


def test_header_only_file_has_no_lines(write_file: Callable[..., Path]) -> None:
    publication = read_one(write_file("Supplier,Date,Amount\n"))
    assert publication.line_count == 0 and publication.amount_pence == 0
    assert publication.date_range == (None, None)


# --- Read in pieces ---------------------------------------------------------------------------


def test_a_file_read_in_pieces_reads_as_one(write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # Blank rows are left out by the reader as it reads the pieces; with the totals, summary
    # and repeated header rows found afterwards they are reported in row order all the same.
    from spendcat import read

    lines = ["Spend over £500", "Date,Transaction,Supplier,Amount"]
    for i in range(3000):
        lines.append(f"{1 + i % 28:02d}/05/2024,T{i},  Supplier {i % 40}  ,{i}.{i % 100:02d}")
        if i % 97 == 5:
            lines.append(",,,")
        if i % 501 == 9:
            lines.append(" , \u00a0,,")
        if i % 1000 == 999:
            lines.append("Date,Transaction,Supplier,Amount")
    lines += [",,Total,123.00", ",,,5.00", ",,Summary,9.00", ",,,"]
    path = write_file("\r\n".join(lines) + "\r\n")
    with monkeypatch.context() as patch:
        patch.setattr(read, "_PIECE_BYTES", 1 << 30)
        whole = read_one(path)
    monkeypatch.setattr(read, "_PIECE_BYTES", 2000)
    pieced = read_one(path)
    assert pieced.lines.equals(whole.lines) and pieced.original.equals(whole.original)
    assert pieced.skipped.equals(whole.skipped)
    assert pieced.line_count == 3000
    reasons = dict(skipped_rows(pieced))
    assert list(reasons) == sorted(reasons)
    assert set(reasons.values()) == {BLANK, REPEATED_HEADER, TOTALS, AMOUNT_ONLY, SUMMARY}
    assert pieced.lines["transaction_id"].tolist()[:2] == ["T0", "T1"]
    assert pieced.lines["supplier"].iloc[0] == "Supplier 0"


def test_transaction_numbers_are_text_trimmed_and_blank_is_missing(write_file: Callable[..., Path]) -> None:
    path = write_file("Date,Transaction Number,Supplier,Amount\n01/05/2024, T1 ,A,1\n02/05/2024,,B,2\n03/05/2024,T3,C,3\n")
    transaction = read_one(path).lines["transaction_id"]
    assert transaction.dtype == pd.StringDtype(na_value=np.nan)
    assert transaction.tolist()[0] == "T1" and pd.isna(transaction.iloc[1]) and transaction.iloc[2] == "T3"
    untrimmed = read_one(write_file("Date,Transaction Number,Supplier,Amount\n01/05/2024,T1,A,1\n02/05/2024,,B,2\n", name="b.csv"))
    assert untrimmed.lines["transaction_id"].isna().tolist() == [False, True]
