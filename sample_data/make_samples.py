"""Recreate every file in sample_data/, byte for byte, with its truth.

    python sample_data/make_samples.py [OUTPUT_FOLDER]

Each file imitates the quirks of real publications (title rows, totals rows, encodings,
`£` signs, float noise, redaction spellings, trailing columns, workbooks with drifting
headers, archives). Suppliers, amounts and references are invented. The truth of each
file (its spend lines and their total in pence) is computed here from the lines as they
are generated, never by reading the file back with spendcat, so the tests that compare
spendcat against `truth.json` are a real check.

Everything is deterministic: a fixed random seed, fixed timestamps inside zip-based
formats (XLSX, ODS, zip) and in the gzip header.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZIP_TIME = (2024, 6, 1, 0, 0, 0)
FIXED_DATETIME = datetime(2024, 6, 1, 0, 0, 0)


# --- Lines and their truth -----------------------------------------------------------------


@dataclass
class Line:
    """One invented payment."""

    day: date
    supplier: str
    pence: int
    expense_type: str = ""
    expense_area: str = ""
    transaction_id: str = ""
    redacted: bool = False
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Sample:
    """One file written, with what a correct reader must find in it."""

    path: str
    quirks: str
    lines: list[Line]
    amount_column: str
    supplier_column: str

    @property
    def truth(self) -> dict[str, object]:
        return {
            "path": self.path,
            "data_rows": len(self.lines),
            "amount_pence_total": sum(line.pence for line in self.lines),
            "negative_rows": sum(line.pence < 0 for line in self.lines),
            "redacted_rows": sum(line.redacted for line in self.lines),
            "amount_column": self.amount_column,
            "supplier_column": self.supplier_column,
        }


# --- Money and date text in the styles publishers use --------------------------------------


def plain(pence: int) -> str:
    """`1234.56`, `-5.00`."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def short(pence: int) -> str:
    """`1139.5`, `1521`: what a spreadsheet writes when it drops trailing zeros."""
    text = plain(pence)
    return text.rstrip("0").rstrip(".") if "." in text else text


def commas(pence: int) -> str:
    """`1,234.56`, `-1,234.56`."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole:,}.{part:02d}"


def pounds(pence: int) -> str:
    """`£4,800.00`, `-£790.94` (the sign before the pound sign, as Manchester writes it)."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{commas(abs(pence))}"


def brackets(pence: int) -> str:
    """`(1,234.56)` for a negative, `1,234.56` otherwise (accounting style)."""
    return f"({commas(-pence)})" if pence < 0 else commas(pence)


def decimal_comma(pence: int) -> str:
    """`1.234,56`, `-45,00`."""
    return commas(pence).replace(",", "_").replace(".", ",").replace("_", ".")


def float_noise(pence: int, rng: random.Random) -> str:
    """The amount as a float sum prints it: `1225.1899999999998` for 122519 pence, when the
    sum of two parts lands beside the penny (as in a spreadsheet that added two cells)."""
    for _ in range(50):
        part = rng.randint(1, max(1, abs(pence) - 1)) * (1 if pence > 0 else -1)
        text = repr(part / 100 + (pence - part) / 100)
        if len(text.split(".")[-1]) > 6:
            exact = (Decimal(text) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            assert int(exact) == pence, (text, pence)
            return text
    return short(pence)


def excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


# --- Invented suppliers, by what they sell -----------------------------------------------

# (expense type, service area, suppliers, typical amount range in pounds)
SPEND_PATTERNS: list[tuple[str, str, list[str], tuple[int, int]]] = [
    (
        "Agency Staff",
        "Adult Social Care",
        ["Brightwork Recruitment Ltd", "Carewell Staffing Ltd", "Interim Minds LLP"],
        (600, 9000),
    ),
    (
        "Residential Care - Private",
        "Adult Social Care",
        [
            "Oakfield Care Homes Ltd",
            "Meadowbank Nursing Home",
            "Rosemary Court Care Ltd",
            "The Willows Residential Home",
        ],
        (1500, 14000),
    ),
    (
        "Home Care Services",
        "Adult Social Care",
        ["Helping Hands At Home Ltd", "Kindly Care Partnership", "Homeward Support CIC"],
        (800, 22000),
    ),
    ("Foster Care Payments", "Children's Services", [], (500, 4500)),
    (
        "Home to School Transport",
        "Children's Services",
        ["Borchester Taxis Ltd", "Little Bus Coaches Ltd", "Greenline Minibus Hire"],
        (700, 12000),
    ),
    (
        "Grants to Voluntary Organisations",
        "Communities",
        [
            "Felpersham Food Bank",
            "Loxley Barrett Youth Club",
            "Ambridge Village Hall Trust",
            "Citizens Advice Borsetshire",
        ],
        (500, 25000),
    ),
    (
        "Highways Maintenance",
        "Highways and Transport",
        ["Hollerton Surfacing Ltd", "Stoneway Civil Engineering Ltd", "Kerbside Signs & Lines Ltd"],
        (900, 85000),
    ),
    ("Street Lighting Energy", "Highways and Transport", ["Northgrid Energy Supply plc"], (3000, 40000)),
    (
        "Waste Disposal Contract",
        "Environment",
        ["Greenacre Waste Management Ltd", "Recyclo Materials Recovery Ltd"],
        (20000, 180000),
    ),
    ("Gas", "Property Services", ["Northgrid Energy Supply plc", "Heatwise Gas Ltd"], (500, 15000)),
    (
        "Electricity",
        "Property Services",
        ["Northgrid Energy Supply plc", "Brightspark Power Ltd"],
        (500, 30000),
    ),
    (
        "Building Repairs",
        "Property Services",
        ["A & B Roofing Services", "Penny Hassett Plumbing & Heating", "Darrington Joinery Ltd"],
        (500, 18000),
    ),
    (
        "Rents",
        "Property Services",
        ["Borchester Estates Ltd", "Underwood's Property Holdings"],
        (1200, 25000),
    ),
    (
        "Software Licences",
        "Digital Services",
        ["Cloudbridge Software Ltd", "Datapoint Systems UK Ltd", "Ledgerline Finance Software"],
        (800, 60000),
    ),
    ("IT Hardware", "Digital Services", ["Borsetshire Computer Supplies", "Techhaven Ltd"], (500, 24000)),
    (
        "Legal Fees",
        "Legal and Democratic Services",
        ["Hebden & Lloyd Solicitors", "Chambers of R. Tucker KC"],
        (600, 20000),
    ),
    (
        "Consultancy",
        "Chief Executive's Office",
        ["Westgate Advisory LLP", "Brookfield Consulting Ltd"],
        (2000, 45000),
    ),
    (
        "Advertising and Publications",
        "Communications",
        ["Redactive Publishing Ltd", "Borchester Echo Newspapers", "Felpersham Print Works"],
        (500, 6000),
    ),
    (
        "Catering Supplies",
        "Schools Catering",
        ["Ambridge Organic Dairy", "Grey Gables Wholesale Foods Ltd", "Bridge Farm Produce"],
        (500, 7000),
    ),
    (
        "Stationery",
        "Corporate Services",
        ["Paper Trail Office Supplies Ltd", "InkWell Stationers"],
        (500, 3000),
    ),
    ("Training", "Human Resources", ["Skillsbridge Training Ltd", "Lakey Hill Learning CIC"], (500, 8000)),
    ("Business Rates", "Corporate Services", ["Felpersham City Council"], (1000, 50000)),
    ("Pension Contributions", "Human Resources", ["Borsetshire Pension Fund"], (50000, 400000)),
    ("Payments to Individuals", "Children's Services", [], (500, 3000)),
]
# What publishers write in place of the supplier name of a person.
REDACTIONS = [
    "REDACTED - personal data",
    "Redacted",
    "REDACTED PERSONAL DATA",
    "Personal Data Redacted",
]
BODY = "Borsetshire County Council"


def invent_lines(
    rng: random.Random, count: int, year: int, month: int, *, redactions: list[str] | None = None
) -> list[Line]:
    """`count` payments in one month, sorted by date, with a few credits and redactions."""
    redactions = redactions or REDACTIONS
    first = date(year, month, 1)
    days = [first + timedelta(d) for d in range(31) if (first + timedelta(d)).month == month]
    weekdays = [d for d in days if d.weekday() < 5]
    lines = []
    for _ in range(count):
        expense_type, area, suppliers, (low, high) = rng.choice(SPEND_PATTERNS)
        if suppliers:
            supplier, redacted = rng.choice(suppliers), False
        else:
            supplier, redacted = rng.choice(redactions), True
        pence = rng.randint(low * 100, high * 100)
        if rng.random() < 0.15:
            pence = pence // 100 * 100  # whole pounds are common
        if rng.random() < 0.04:
            pence = -rng.randint(5000, min(high, 3000) * 100)  # credit notes
        lines.append(Line(rng.choice(weekdays), supplier, pence, expense_type, area, redacted=redacted))
    lines.sort(key=lambda line: line.day)
    return lines


# --- Writing -------------------------------------------------------------------------------


def csv_text(rows: list[list[object]], delimiter: str = ",", line_end: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    writer.writerows([["" if cell is None else str(cell) for cell in row] for row in rows])
    return buffer.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """The same archive with every member's timestamp fixed (so the bytes never change)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving here, whatever the workbook says.
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-06-01T00:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()


# --- The samples -----------------------------------------------------------------------------


def council_month(out: Path) -> Sample:
    """The main bundled example: a month of a county council's spend over £500."""
    rng = random.Random(202405)
    lines = invent_lines(rng, 320, 2024, 5)
    supplier_ids: dict[str, str] = {}
    header = [
        "Body Name",
        "Body",
        "Service Area",
        "Expense Type",
        "Payment Date",
        "Transaction Number",
        "Net Amount",
        "Irrecoverable VAT",
        "Supplier Name",
        "Supplier ID",
        "Capital or Revenue",
        "Purpose",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines, start=1):
        line.transaction_id = f"PAY{240500000 + number * 7}"
        supplier_id = (
            ""
            if line.redacted
            else supplier_ids.setdefault(line.supplier, str(100200 + 17 * len(supplier_ids)))
        )
        capital = (
            "Capital"
            if line.expense_type in ("Highways Maintenance", "IT Hardware") and rng.random() < 0.5
            else "Revenue"
        )
        vat = (
            plain(rng.randint(1, 40) * 100)
            if line.expense_type == "Catering Supplies" and rng.random() < 0.2
            else "0.00"
        )
        purpose = (
            f"{line.expense_type} - {line.day:%B %Y}"
            if line.pence > 0
            else f"Credit note - {line.expense_type.lower()}"
        )
        rows.append(
            [
                BODY,
                "E1234",
                line.expense_area,
                line.expense_type,
                line.day.strftime("%d/%m/%Y"),
                line.transaction_id,
                plain(line.pence),
                vat,
                line.supplier,
                supplier_id,
                capital,
                purpose,
            ]
        )
    (out / "council-spend-2024-05.csv").write_text(csv_text(rows, line_end="\r\n"), encoding="utf-8")
    return Sample(
        "council-spend-2024-05.csv",
        "The main example: a realistic month (320 lines) in the Local Government Transparency Code layout; "
        "UTF-8, CRLF; credit notes; redacted individuals in several spellings; `Redactive Publishing Ltd` is a real supplier, not a redaction.",
        lines,
        "Net Amount",
        "Supplier Name",
    )


def title_rows_and_total(out: Path) -> Sample:
    """Like Lambeth: a report title and parameters above the header, a Total row, blank rows."""
    rng = random.Random(2012)
    lines = invent_lines(rng, 40, 2024, 6)
    header = [
        "Body",
        "Department",
        "Supplier Name",
        "Invoice Creation Date",
        "Invoice Nett Amount",
        "Subj Description",
    ]
    title = [
        ["Borsetshire Invoices Over Specified Nett Amount", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["Report Date:\u2020 02/07/2024\u2020 09:41:07", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["Parameters: ", "", "", "", "", ""],
        ["Invoice Approval Date From:\u2020 01-JUN-2024", "", "", "", "", ""],
        ["Invoice Approval Date To:\u2020\u2020\u2020 30-JUN-2024", "", "", "", "", ""],
        ["Invoice Threshold Nett Amt:\u2020\u2020 500", "", "", "", "", ""],
        ["", "", "", "", "", ""],
    ]
    lines = [line for line in lines if line.pence > 0]  # this report lists invoices only
    body = [
        [
            "Borsetshire",
            line.expense_area,
            line.supplier,
            line.day.strftime("%d/%m/%Y"),
            short(line.pence) if line.pence % 100 == 0 and rng.random() < 0.5 else commas(line.pence),
            line.expense_type.upper(),
        ]
        for line in lines
    ]
    total = sum(line.pence for line in lines)
    tail = [
        ["", "", "", "", "", ""],
        ["Total", "\u2020 \u2020 \u2020  ", "", "", commas(total), ""],
        ["", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["", "\u2020 \u2020 \u2020  ", "", "", "", ""],
    ]
    (out / "title-rows-and-total.csv").write_text(csv_text(title + [header] + body + tail), encoding="utf-8")
    return Sample(
        "title-rows-and-total.csv",
        'Like Lambeth: 9 title/parameter rows, header on row 10; `"1,534.24"`; a `Total` row equal to the sum of the lines; '
        "blank rows and a junk row after it; stray `†` characters in title and total rows.",
        lines,
        "Invoice Nett Amount",
        "Supplier Name",
    )


def windows_1252_pounds(out: Path) -> Sample:
    """Like Manchester: Windows-1252, `£4,800.00` and `-£790.94`, dates `01.04.2015`."""
    rng = random.Random(2015)
    lines = invent_lines(rng, 60, 2024, 4)
    lines[3].supplier = "Café Rouge Catering Ltd"
    lines[7].supplier = "O’Brien’s Removals"
    lines[11].pence = -79094
    header = [
        "Body Name",
        "Service Area",
        "Expenses Type",
        "Invoice Payment Date",
        "Transaction Number",
        "Net Amount",
        "Supplier Name",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        rows.append(
            [
                BODY,
                line.expense_area,
                line.expense_type,
                line.day.strftime("%d.%m.%Y"),
                4200510000 + number * 3,
                pounds(line.pence),
                line.supplier,
            ]
        )
    (out / "windows-1252-pound-signs.csv").write_bytes(csv_text(rows, line_end="\r\n").encode("cp1252"))
    return Sample(
        "windows-1252-pound-signs.csv",
        'Like Manchester: Windows-1252 (`£` is byte A3, `’` is 92); amounts `"£4,800.00"` and `-£790.94`; dates `01.04.2024`.',
        lines,
        "Net Amount",
        "Supplier Name",
    )


def utf8_bom_float_noise(out: Path) -> Sample:
    """Like Devon: UTF-8 with BOM, `2024-12-02 00:00:00`, float noise, REDACTED UNDER DP ACT."""
    rng = random.Random(202412)
    lines = invent_lines(rng, 80, 2024, 12, redactions=["REDACTED UNDER DP ACT"])
    header = [
        "Body",
        "Name of Body",
        "Date",
        "Transaction Number",
        "Invoice Number",
        "Amount",
        "Supplier Name",
        "Supplier ID",
        "Vat Reg No",
        "Expense Area",
        "Expense Type",
        "Expense Code",
        "Creditor Type",
    ]
    rows: list[list[object]] = [header]
    noisy = 0
    for number, line in enumerate(lines):
        amount = float_noise(line.pence, rng) if number % 3 == 0 else short(line.pence)
        noisy += "99999" in amount or "00000" in amount
        invoice = "REDACTED UNDER DP ACT" if line.redacted else f"INV{rng.randint(10000000, 99999999)}"
        line.transaction_id = f"BCCPAY{40000000 + number}"
        rows.append(
            [
                18,
                "Borsetshire County Council",
                f"{line.day:%Y-%m-%d} 00:00:00",
                line.transaction_id,
                invoice,
                amount,
                line.supplier,
                520000 + number,
                "",
                line.expense_area,
                line.expense_type,
                5700 + number % 40,
                "INDV" if line.redacted else "LTD",
            ]
        )
    assert noisy >= 10, noisy
    (out / "utf8-bom-float-noise.csv").write_bytes(
        b"\xef\xbb\xbf" + csv_text(rows, line_end="\n").encode("utf-8")
    )
    return Sample(
        "utf8-bom-float-noise.csv",
        "Like Devon: UTF-8 with BOM; dates `2024-12-02 00:00:00`; a third of the amounts carry float noise such as "
        "`1225.1899999999998` (round to the penny); `REDACTED UNDER DP ACT`.",
        lines,
        "Amount",
        "Supplier Name",
    )


def trailing_columns_summary_rows(out: Path) -> Sample:
    """Like Tameside: 24 empty trailing columns, padded values, a redaction flag column, blank
    rows, and pivot summary rows with no transaction number or date."""
    rng = random.Random(2014)
    lines = invent_lines(rng, 50, 2024, 9)
    header = [
        "Inv Transaction",
        "Supplier Name",
        "Headserv Name",
        "Stratdir Name",
        "Account Description ",
        "Redact Name",
        "Paid Date",
        "Sum of Inv Amount",
    ]
    padding = [""] * 24
    rows: list[list[object]] = [header + padding]
    for number, line in enumerate(lines):
        line.transaction_id = str(731400 + number // 4)
        supplier, flag = line.supplier, ""
        if line.redacted:
            supplier, flag = "", "Redacted Supplier"
        elif number % 9 == 4:
            # A sole trader, named on purpose and flagged so: not a redaction.
            line.supplier = supplier = rng.choice(["MRS P HOLLIS", "J TUCKER", "W GRUNDY", "E ARCHER"])
            flag = "Business Payment"
        rows.append(
            [
                line.transaction_id,
                supplier,
                line.expense_area,
                line.expense_area + " Directorate",
                line.expense_type + " ",
                flag,
                line.day.strftime("%d/%m/%y"),
                commas(line.pence) + " ",
            ]
            + padding
        )
    rows += [[""] * 32 for _ in range(30)]
    rows.append(
        [
            " ",
            "BORSETSHIRE BENEFIT PAYMENTS",
            "Exchequer",
            "Director of Finance",
            "Housing Benefit Payments",
            "",
            "",
            "6,204,118.35 ",
        ]
        + padding
    )
    rows.append(
        [
            "",
            "HOLLERTON RECRUITMENT GROUP",
            "Multiple Heads of Service",
            "Multiple Strategic Directorates",
            "",
            "",
            "",
            "74,390.12 ",
        ]
        + padding
    )
    rows.append(
        [
            "",
            "CARE PACKAGE PAYMENTS",
            "Multiple Heads of Service",
            "Multiple Strategic Directorates",
            "",
            "",
            "",
            "402,557.60 ",
        ]
        + padding
    )
    rows += [[""] * 32 for _ in range(5)]
    (out / "trailing-columns-summary-rows.csv").write_text(csv_text(rows, line_end="\r\n"), encoding="utf-8")
    return Sample(
        "trailing-columns-summary-rows.csv",
        'Like Tameside: 24 empty trailing columns; trailing spaces in a header and in values (`"5,303.57 "`); dates `24/09/24`; '
        "redaction = blank supplier + `Redacted Supplier` in the `Redact Name` flag column (`Business Payment` there, on named sole traders, is not a redaction); "
        "35 blank rows; 3 summary rows with no transaction number or date (not lines).",
        lines,
        "Sum of Inv Amount",
        "Supplier Name",
    )


def snake_case_junk_last_row(out: Path) -> Sample:
    """Like Oxford: snake_case headers, space-padded supplier names, a junk last row."""
    rng = random.Random(2014_01)
    lines = invent_lines(rng, 45, 2024, 2, redactions=["Redacted personal data"])
    header = [
        "body_name",
        "organisational_unit",
        "expenditure_category",
        "expenditure_code",
        "paid_date",
        "trans_no",
        "amount",
        "caporrev",
        "supplier_id",
        "supplier_name",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        line.transaction_id = f"5301{number:04d}_1"
        padded = line.supplier.upper().ljust(50) if rng.random() < 0.5 else line.supplier.upper() + " "
        rows.append(
            [
                BODY,
                line.expense_area,
                line.expense_type,
                f"K{9500 + number}",
                line.day.strftime("%d/%m/%Y"),
                line.transaction_id,
                plain(line.pence),
                "Revenue",
                f"2000{number:04d}",
                padded,
            ]
        )
    rows.append(["", "", "xxx", "", "", "", "", "", "", ""])
    (out / "snake-case-junk-last-row.csv").write_text(csv_text(rows), encoding="utf-8")
    return Sample(
        "snake-case-junk-last-row.csv",
        "Like Oxford: snake_case header (`paid_date`, `trans_no`, `supplier_name`); supplier names padded with spaces to 50 "
        "characters; `Redacted personal data`; a junk last row `,,xxx,,,,,,,`.",
        lines,
        "amount",
        "supplier_name",
    )


def hmt_25k_camelcase(out: Path) -> Sample:
    """Like EPSRC/BIS: the HM Treasury £25k template with CamelCase headers, foreign
    currency lines, `Personal Expense, Name Witheld`, trailing blank rows."""
    rng = random.Random(25000)
    lines = invent_lines(rng, 70, 2024, 7, redactions=["Personal Expense, Name Witheld"])
    header = [
        "DepartmentFamily",
        "Entity",
        "Date",
        "ExpenseType",
        "ExpenseArea",
        "Supplier",
        "TransactionNumber",
        "Amount",
        "InvoiceCurrencyUnit",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        line.transaction_id = str(61004000 + number * 2)
        currency = "EUR" if number % 23 == 5 else ("CAD" if number == 40 else "GBP")
        family = "DSIT" if number < 60 else ""  # the family is left blank on the last lines, as published
        rows.append(
            [
                family,
                "Borsetshire Research Council",
                line.day.strftime("%d/%m/%Y"),
                line.expense_type,
                line.expense_area,
                line.supplier,
                line.transaction_id,
                short(line.pence),
                currency,
            ]
        )
    rows += [[""] * 9 for _ in range(12)]
    (out / "hmt-25k-camelcase.csv").write_text(csv_text(rows, line_end="\r\n"), encoding="utf-8")
    return Sample(
        "hmt-25k-camelcase.csv",
        "Like EPSRC and BIS: the HM Treasury template in CamelCase (`ExpenseType`, `TransactionNumber`, `InvoiceCurrencyUnit`); "
        "a few EUR/CAD lines (summed as published); `Personal Expense, Name Witheld`; 12 trailing blank rows.",
        lines,
        "Amount",
        "Supplier",
    )


def semicolon_decimal_comma(out: Path) -> Sample:
    """A CSV from a continental-locale spreadsheet: `;` between fields, `1.234,56` amounts."""
    rng = random.Random(1234)
    lines = invent_lines(rng, 30, 2024, 3)
    header = ["Supplier Name", "Payment Date", "Expense Type", "Amount", "Reference"]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        line.transaction_id = f"R{number + 1:05d}"
        rows.append(
            [
                line.supplier,
                line.day.strftime("%d-%m-%Y"),
                line.expense_type,
                decimal_comma(line.pence),
                line.transaction_id,
            ]
        )
    (out / "semicolon-decimal-comma.csv").write_text(csv_text(rows, delimiter=";"), encoding="utf-8")
    return Sample(
        "semicolon-decimal-comma.csv",
        "Semicolon-delimited with decimal commas (`1.234,56`, `-45,00`) and dates `01-03-2024`.",
        lines,
        "Amount",
        "Supplier Name",
    )


def tab_delimited(out: Path) -> Sample:
    """Like Leeds (as a tab export): `26-Sep-13` dates, two kinds of REDACTED, a totals row
    holding only the amount."""
    rng = random.Random(2013)
    lines = invent_lines(
        rng, 55, 2024, 9, redactions=["REDACTED PERSONAL DATA", "REDACTED COMMERCIAL CONFIDENTIALITY"]
    )
    header = [
        "Body",
        "BodyName",
        "ServiceLabel",
        "ServiceDivisionLabel",
        "ExpenditureCategory",
        "DetailedExpenditureType",
        "DetailedExpenditureCode",
        "DatePaid",
        "TransactionNumber",
        "NetAmount",
        "CapitalOrRevenue",
        "SupplierName",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines, start=1):
        line.transaction_id = f"2409-{number:05d}"
        rows.append(
            [
                "http://statistics.data.gov.uk/doc/local-authority/00XX",
                BODY,
                line.expense_area,
                "Operations",
                "Supplies and Services",
                line.expense_type,
                200 + number % 30,
                line.day.strftime("%d-%b-%y"),
                line.transaction_id,
                short(line.pence),
                "R",
                line.supplier,
            ]
        )
    rows.append([""] * 9 + [plain(sum(line.pence for line in lines)), "", ""])
    (out / "tab-delimited.tsv").write_text(csv_text(rows, delimiter="\t"), encoding="utf-8")
    return Sample(
        "tab-delimited.tsv",
        "Like Leeds, tab-delimited: CamelCase headers (`DatePaid`, `NetAmount`); dates `26-Sep-24`; `REDACTED PERSONAL DATA` "
        "and `REDACTED COMMERCIAL CONFIDENTIALITY`; a last row holding only the total amount.",
        lines,
        "NetAmount",
        "SupplierName",
    )


def cr_line_endings(out: Path) -> Sample:
    """Like Hyndburn, saved by an old Mac: CR-only line ends, Windows-1252 `Net Amount(£)`,
    two-digit years, purchase-card lines."""
    rng = random.Random(21)
    lines = invent_lines(rng, 35, 2024, 2)
    header = [
        "Service Cost Centre",
        "Account Detail",
        "Description",
        "HBC ref no",
        "Name",
        "Payment date",
        "Net Amount(£)",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        line.transaction_id = f"P-CARD - FEB 24/{number}"
        rows.append(
            [
                line.expense_area.upper(),
                line.expense_type.upper(),
                f"{line.expense_type.upper()} FEB",
                line.transaction_id,
                line.supplier.upper(),
                line.day.strftime("%d/%m/%y"),
                short(line.pence),
            ]
        )
    rows += [[""] * 7 for _ in range(20)]
    (out / "cr-line-endings.csv").write_bytes(csv_text(rows, line_end="\r").encode("cp1252"))
    return Sample(
        "cr-line-endings.csv",
        "Like Hyndburn, saved with CR-only line ends: Windows-1252 header `Net Amount(£)`; supplier column headed `Name`; "
        "dates `17/02/24`; 20 trailing blank rows.",
        lines,
        "Net Amount(£)",
        "Name",
    )


def newline_in_quoted_cell(out: Path) -> Sample:
    """Messy headers, a duplicate and an unnamed column, and descriptions that run over
    several lines inside quotes."""
    rng = random.Random(77)
    lines = invent_lines(rng, 25, 2024, 8)
    header = [
        "Paid Date",
        "Trans No",
        "Supplier",
        "Expenditure Catergory",
        "Description",
        "Description",
        "",
        "Invoice Value    (GBP)",
    ]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        line.transaction_id = f"T{9000 + number}"
        if number % 4 == 1:
            description = f"{line.expense_type}\nOrder ref {rng.randint(1000, 9999)}\r\nsee attached"
        else:
            description = line.expense_type
        rows.append(
            [
                line.day.strftime("%d/%m/%Y"),
                line.transaction_id,
                line.supplier,
                line.expense_type,
                description,
                f"Cost centre {number % 7}",
                f"GL{number % 5}",
                commas(line.pence),
            ]
        )
    (out / "newline-in-quoted-cell.csv").write_text(csv_text(rows), encoding="utf-8")
    return Sample(
        "newline-in-quoted-cell.csv",
        "Descriptions with newlines inside quoted cells (source rows follow records, not text lines); headers "
        "`Expenditure Catergory` (sic), `Invoice Value    (GBP)`, a duplicated `Description` and an unnamed column holding codes.",
        lines,
        "Invoice Value    (GBP)",
        "Supplier",
    )


def utf16_bom(out: Path) -> Sample:
    """Excel's "Unicode Text" export: UTF-16 little-endian with a BOM, tab-delimited."""
    rng = random.Random(16)
    lines = invent_lines(rng, 30, 2024, 10)
    lines[2].supplier = "Zürich Ökologie GmbH"
    lines[5].supplier = "Łódź Ceramics Sp. z o.o."
    header = ["Supplier", "Date", "Expense Type", "Amount £", "Transaction Number"]
    rows: list[list[object]] = [header]
    for number, line in enumerate(lines):
        line.transaction_id = str(700000 + number)
        rows.append(
            [
                line.supplier,
                line.day.strftime("%d/%m/%Y"),
                line.expense_type,
                pounds(line.pence),
                line.transaction_id,
            ]
        )
    (out / "utf16-bom.txt").write_bytes(
        b"\xff\xfe" + csv_text(rows, delimiter="\t", line_end="\r\n").encode("utf-16-le")
    )
    return Sample(
        "utf16-bom.txt",
        "UTF-16 LE with BOM, tab-delimited (Excel's Unicode Text); `Amount £` header; `£` amounts; characters outside Windows-1252.",
        lines,
        "Amount £",
        "Supplier",
    )


def workbook_two_months(out: Path) -> Sample:
    """An XLSX with a sheet per month (the header drifting between them) and a notes sheet
    that looks like a table."""
    from openpyxl import Workbook

    rng = random.Random(4)
    april = invent_lines(rng, 40, 2024, 4)
    may = invent_lines(rng, 45, 2024, 5)
    book = Workbook()
    first = book.active
    first.title = "April 2024"
    first.append(["Payment Date", "Transaction Number", "Supplier Name", "Expense Type", "Net Amount"])
    for number, line in enumerate(april):
        line.transaction_id = str(880000 + number)
        first.append(
            [
                datetime.combine(line.day, datetime.min.time()),
                880000 + number,
                line.supplier,
                line.expense_type,
                line.pence / 100,
            ]
        )
    second = book.create_sheet("May 2024")
    second.append(["Payments over £500 - May 2024"])
    second.append([])
    second.append(["Supplier", "Date Paid", "Reference", "Expenses Type", "Service Area", "Amount"])
    for number, line in enumerate(may):
        # Some exports shift midnight to 01:00 (summer time); transaction numbers mix numbers and text.
        paid = datetime.combine(line.day, datetime.min.time()) + timedelta(hours=1 if number % 2 else 0)
        reference: object = 990000 + number if number % 3 else f"CN-{990000 + number}"
        line.transaction_id = str(reference)
        second.append(
            [line.supplier, paid, reference, line.expense_type, line.expense_area, line.pence / 100]
        )
    second.append([])
    second.append(["Total", None, None, None, None, sum(line.pence for line in may) / 100])
    notes = book.create_sheet("Notes")
    notes.append(["Field", "Meaning"])
    notes.append(["Supplier", "Who was paid; names of individuals are redacted"])
    notes.append(["Amount", "Net amount paid, excluding recoverable VAT"])
    notes.append(["Date Paid", "The date the payment left the council's account"])
    book.properties.created = FIXED_DATETIME
    book.properties.modified = FIXED_DATETIME
    buffer = io.BytesIO()
    book.save(buffer)
    (out / "workbook-two-months.xlsx").write_bytes(normalise_zip(buffer.getvalue()))
    return Sample(
        "workbook-two-months.xlsx",
        "XLSX, sheets `April 2024` and `May 2024` (header on row 1, then on row 3 below a title, with renamed and reordered "
        "columns) and a `Notes` sheet describing the fields (not a table of spend); real date cells, some at 01:00; "
        "numeric and text transaction numbers; a `Total` row on the May sheet.",
        april + may,
        "Net Amount",
        "Supplier Name",
    )


def card_spend_xls(out: Path) -> Sample:
    """Like Birmingham: an old XLS of purchase-card spend, dates as Excel serial numbers,
    original-currency and billing amounts, masked card numbers."""
    import xlwt

    rng = random.Random(2020)
    lines = invent_lines(rng, 60, 2024, 4)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Card Spend April 2024")
    header = [
        "TRANS DATE",
        "TRANS CR/DB",
        "CARD NUMBER",
        "MERCHANT NAME",
        "TRANS CAC DESC 1",
        "DIRECTORATE",
        "ORIGINAL GROSS AMT",
        "ORIGINAL CUR",
        "BILLING GROSS AMT",
        "BILLING CUR CODE",
    ]
    for column, text in enumerate(header):
        sheet.write(0, column, text)
    for row, line in enumerate(lines, start=1):
        line.pence = line.pence // 10  # card spend is small
        foreign = row % 17 == 3
        original = round(line.pence * 1.17) if foreign else line.pence
        values = [
            excel_serial(line.day),
            "C" if line.pence < 0 else "D",
            f"************{rng.randint(1000, 9999)}",
            line.supplier.upper(),
            line.expense_type,
            line.expense_area,
            original / 100,
            "EUR" if foreign else "GBP",
            line.pence / 100,
            "GBP",
        ]
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    (out / "card-spend-serial-dates.xls").write_bytes(buffer.getvalue())
    return Sample(
        "card-spend-serial-dates.xls",
        "Like Birmingham: old XLS (BIFF8) of purchase-card spend; dates as Excel serial numbers; `ORIGINAL GROSS AMT` in the "
        "card's currency (a few EUR) beside `BILLING GROSS AMT` in GBP (the amount); masked card numbers; refunds negative.",
        lines,
        "BILLING GROSS AMT",
        "MERCHANT NAME",
    )


def quarter_ods(out: Path) -> Sample:
    """An ODS (LibreOffice) quarter: text amounts with `£`, a Grand Total row."""
    import pandas as pd

    rng = random.Random(3)
    lines = invent_lines(rng, 24, 2024, 1) + invent_lines(rng, 24, 2024, 2) + invent_lines(rng, 24, 2024, 3)
    records = []
    for number, line in enumerate(lines):
        line.transaction_id = f"Q1-{number:04d}"
        records.append(
            {
                "Payment Date": datetime.combine(line.day, datetime.min.time()),
                "Transaction Ref": line.transaction_id,
                "Payee": line.supplier,
                "Expense Category": line.expense_type,
                "Amount Paid": pounds(line.pence) if number % 2 else line.pence / 100,
            }
        )
    records.append(
        {
            "Payment Date": None,
            "Transaction Ref": "",
            "Payee": "Grand Total",
            "Expense Category": "",
            "Amount Paid": sum(line.pence for line in lines) / 100,
        }
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        pd.DataFrame(records).to_excel(writer, sheet_name="Q1 2024", index=False)
    data = normalise_zip(buffer.getvalue())
    (out / "quarter-spend.ods").write_bytes(data)
    return Sample(
        "quarter-spend.ods",
        "ODS (OpenDocument): a quarter on one sheet; supplier column `Payee`; amounts alternately numbers and text `£1,234.56`; "
        "a `Grand Total` row.",
        lines,
        "Amount Paid",
        "Payee",
    )


def csv_named_xls(out: Path) -> Sample:
    """A CSV that a publisher named `.xls` (its bytes decide, not its name)."""
    rng = random.Random(99)
    lines = invent_lines(rng, 20, 2024, 11)
    rows: list[list[object]] = [["Supplier Name", "Date", "Amount", "Expense Type"]]
    for line in lines:
        rows.append([line.supplier, line.day.strftime("%d/%m/%Y"), plain(line.pence), line.expense_type])
    (out / "csv-named-as.xls").write_text(csv_text(rows), encoding="utf-8")
    return Sample(
        "csv-named-as.xls",
        "A plain UTF-8 CSV published with an `.xls` name.",
        lines,
        "Amount",
        "Supplier Name",
    )


def archives(out: Path) -> list[Sample]:
    """A CSV inside a zip (with macOS litter beside it) and a CSV gzipped."""
    rng = random.Random(6)
    june = invent_lines(rng, 30, 2024, 6)
    rows: list[list[object]] = [
        ["Supplier Name", "Payment Date", "Net Amount", "Expense Type", "Transaction Number"]
    ]
    for number, line in enumerate(june):
        line.transaction_id = str(60000 + number)
        rows.append(
            [
                line.supplier,
                line.day.strftime("%d/%m/%Y"),
                commas(line.pence),
                line.expense_type,
                line.transaction_id,
            ]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("spend-2024-06.csv", csv_text(rows).encode("utf-8")),
            ("__MACOSX/._spend-2024-06.csv", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "),
        ):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    (out / "zipped-month.zip").write_bytes(buffer.getvalue())

    july = invent_lines(rng, 30, 2024, 7)
    rows = [["Supplier Name", "Payment Date", "Net Amount", "Expense Type"]]
    for line in july:
        rows.append([line.supplier, line.day.strftime("%d/%m/%Y"), plain(line.pence), line.expense_type])
    (out / "gzipped-month.csv.gz").write_bytes(gzip.compress(csv_text(rows).encode("utf-8"), mtime=0))
    return [
        Sample(
            "zipped-month.zip",
            "A zip holding one CSV (`spend-2024-06.csv`) and a `__MACOSX/` resource file that is not a publication.",
            june,
            "Net Amount",
            "Supplier Name",
        ),
        Sample("gzipped-month.csv.gz", "A gzipped CSV.", july, "Net Amount", "Supplier Name"),
    ]


WRITERS = [
    council_month,
    title_rows_and_total,
    windows_1252_pounds,
    utf8_bom_float_noise,
    trailing_columns_summary_rows,
    snake_case_junk_last_row,
    hmt_25k_camelcase,
    semicolon_decimal_comma,
    tab_delimited,
    cr_line_endings,
    newline_in_quoted_cell,
    utf16_bom,
    workbook_two_months,
    card_spend_xls,
    quarter_ods,
    csv_named_xls,
    archives,
]


def readme(samples: list[Sample]) -> str:
    rows = "\n".join(
        f"| `{s.path}` | {s.truth['data_rows']} | {s.truth['amount_pence_total']} | {s.truth['redacted_rows']} | `{s.amount_column}` | {s.quirks} |"
        for s in samples
    )
    return f"""# Sample publications

Small spend publications that spendcat writes itself, each imitating quirks of real files
(see `docs/DECISIONS.md` and DESIGN.md, "Reading real publications"). Every supplier,
amount and reference is invented; no line is copied from a real publication.

`make_samples.py` recreates them all, byte for byte (fixed seeds and timestamps):

    python sample_data/make_samples.py

It also writes this README and `truth.json`, in the shape of the real-data truth file:
for each file its `path`, the number of spend lines (`data_rows`) and their exact total in
pence (`amount_pence_total`), plus `negative_rows`, `redacted_rows`, `amount_column` and
`supplier_column`. The truth is computed from the lines as generated, never by reading the
files back. The tests (`tests/test_publication.py`) hold spendcat to it, file by file and
line by line (amount, date, supplier, redaction, source row), and check that the committed
files are exactly what the script writes.

`council-spend-2024-05.csv` is the main bundled example: a realistic month of a county
council's spend over £500.

| file | lines | total (pence) | redacted | amount column | quirks |
|---|---|---|---|---|---|
{rows}
"""


def main(out: Path = HERE) -> list[Sample]:
    out.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []
    for writer in WRITERS:
        made = writer(out)
        samples.extend(made if isinstance(made, list) else [made])
    (out / "truth.json").write_text(
        json.dumps([s.truth for s in samples], indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "README.md").write_text(readme(samples), encoding="utf-8")
    return samples


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
