"""Write the `spendcat check` samples: a clean publication per profile, and for each check a
copy of the clean one with exactly that defect (`<check-id>.csv`). Every name, amount and
reference is invented.

    python sample_data/check/make_check_samples.py

`tests/test_check.py` runs each file and holds the committed files to this script.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = [
    "Body Name", "Service Area", "Expense Type", "Payment Date", "Transaction Number",
    "Net Amount", "Irrecoverable VAT", "Supplier Name", "Supplier ID", "Description",
]
BODY = "Borsetshire County Council"
LINES = [
    [BODY, "Adult Social Care", "Residential Care - Private", "02/05/2024", "PAY2405001", "1,250.00", "0.00", "Oakfield Care Homes Ltd", "100101", "Residential care placement May 2024"],
    [BODY, "Highways", "Road Maintenance", "03/05/2024", "PAY2405002", "12,000.50", "0.00", "Tarmac Roads Plc", "100102", "Resurfacing of Mill Lane"],
    [BODY, "Children's Services", "Foster Care Payments", "07/05/2024", "PAY2405003", "845.00", "0.00", "REDACTED PERSONAL DATA", "", "Foster care allowance May 2024"],
    [BODY, "Corporate Services", "ICT Software Licences", "09/05/2024", "PAY2405004", "4,320.00", "0.00", "Northgate Software Ltd", "100104", "Annual licence renewal"],
    [BODY, "Environment", "Waste Disposal", "14/05/2024", "PAY2405005", "23,876.12", "0.00", "Greenway Recycling Ltd", "100105", "Landfill gate fees April 2024"],
    [BODY, "Corporate Services", "Legal Fees", "16/05/2024", "PAY2405006", "2,100.00", "0.00", "Harbour Chambers LLP", "100106", "Counsel's fees, planning inquiry"],
    [BODY, "Adult Social Care", "Home Care", "21/05/2024", "PAY2405007", "3,150.75", "0.00", "Brightside Home Care Ltd", "100107", "Home care services May 2024"],
    [BODY, "Highways", "Street Lighting Energy", "28/05/2024", "PAY2405008", "6,780.40", "0.00", "Northern Power Supply Plc", "100108", "Street lighting electricity May 2024"],
]

Table = tuple[list[str], list[list[str]]]


def _clean() -> Table:
    return list(HEADER), [list(line) for line in LINES]


def _set(table: Table, line: int, column: str, value: str) -> Table:
    header, lines = table
    lines[line][header.index(column)] = value
    return table


def _drop(table: Table, column: str) -> Table:
    header, lines = table
    index = header.index(column)
    return [h for i, h in enumerate(header) if i != index], [[v for i, v in enumerate(line) if i != index] for line in lines]


def _rename(table: Table, column: str, new: str) -> Table:
    header, lines = table
    header[header.index(column)] = new
    return header, lines


def _add_column(table: Table, column: str, values: list[str]) -> Table:
    header, lines = table
    return [*header, column], [[*line, value] for line, value in zip(lines, values)]


def _append(table: Table, line: list[str]) -> Table:
    header, lines = table
    return header, [*lines, line]


def _one_payment_many_lines(table: Table) -> Table:
    # Lines of one payment share its number (as Manchester and EPSRC publish them).
    table = _set(table, 7, "Transaction Number", "PAY2405007")
    return _set(table, 7, "Supplier Name", "Brightside Home Care Ltd")


# Each check's defect, applied to the clean table. The comment says what makes it a defect.
DEFECTS: dict[str, tuple[str, Callable[[Table], Table]]] = {
    "required-column-missing": ("no department or service area column", lambda t: _drop(t, "Service Area")),
    "required-column-unrecognised": ("the service area under a header spendcat does not recognise (`Team`)", lambda t: _rename(t, "Service Area", "Team")),
    "recommended-column-missing": ("no irrecoverable VAT column", lambda t: _drop(t, "Irrecoverable VAT")),
    "required-value-blank": ("a line with a blank service area", lambda t: _set(t, 3, "Service Area", "")),
    "purpose-missing": ("a line with no expense type and no description", lambda t: _set(_set(t, 1, "Expense Type", ""), 1, "Description", "")),
    "purpose-repeats-supplier": (
        "a line whose only purpose is the supplier's name",
        lambda t: _set(_set(t, 3, "Expense Type", "Northgate Software"), 3, "Description", "NORTHGATE SOFTWARE LTD"),
    ),
    "purpose-vague": (
        "lines whose only purpose is `Miscellaneous` or a ledger code",
        lambda t: _set(_set(_set(_set(t, 1, "Expense Type", "Miscellaneous"), 1, "Description", "Sundries"), 4, "Expense Type", "5710"), 4, "Description", ""),
    ),
    "amount-unparseable": ("an amount typed with a letter O for a zero", lambda t: _set(t, 5, "Net Amount", "2,1O0.00")),
    "below-threshold": ("a £120 line in a £500 publication (information: many publish all)", lambda t: _set(t, 2, "Net Amount", "120.00")),
    "zero-amount": ("a £0.00 line", lambda t: _set(t, 6, "Net Amount", "0.00")),
    "credit-note": ("a credit note of -£750.00 (information)", lambda t: _set(t, 6, "Net Amount", "-750.00")),
    "date-unparseable": ("a date that is not a date (31 February)", lambda t: _set(t, 4, "Payment Date", "31/02/2024")),
    "date-in-future": ("a payment dated 2099", lambda t: _set(t, 6, "Payment Date", "21/05/2099")),
    "date-outside-period": ("a March line in a May file (with --period 2024-05)", lambda t: _set(t, 6, "Payment Date", "21/03/2024")),
    "date-outside-inferred-period": ("a March line in a May file (no --period: information)", lambda t: _set(t, 6, "Payment Date", "21/03/2024")),
    "duplicate-line": ("a line published twice, in a file whose numbers name one line each", lambda t: _append(t, list(t[1][3]))),
    "repeated-line": (
        "identical lines of one payment whose number spans several lines (information)",
        lambda t: _append(_one_payment_many_lines(t), list(_one_payment_many_lines(t)[1][6])),
    ),
    "transaction-number-reused": ("one transaction number, one date, two suppliers", lambda t: _set(_set(t, 5, "Transaction Number", "PAY2405004"), 5, "Payment Date", "09/05/2024")),
    "transaction-number-shared": (
        "one batch number on three suppliers' lines (information)",
        lambda t: _set(_set(_set(t, 0, "Transaction Number", "RUN2405"), 1, "Transaction Number", "RUN2405"), 3, "Transaction Number", "RUN2405"),
    ),
    "supplier-looks-personal": ("a private individual named as the supplier, not redacted", lambda t: _set(_set(t, 6, "Supplier Name", "Mrs J Smith"), 6, "Supplier ID", "100199")),
    "email-address": ("an e-mail address in a description", lambda t: _set(t, 4, "Description", "Gate fees - queries to jane.doe@example.org")),
    "phone-number": ("a telephone number in a description", lambda t: _set(t, 4, "Description", "Gate fees - call 01632 960123")),
    "bank-details": ("a sort code and account number in a description", lambda t: _set(t, 4, "Description", "Paid to sort code 12-34-56 account 12345678")),
    "card-number": ("an unmasked card number in a description", lambda t: _set(t, 4, "Description", "Paid by card 4539 1488 0343 6467")),
    "redaction-spellings": ("two spellings of a personal-data redaction", lambda t: _append(t, [BODY, "Children's Services", "Foster Care Payments", "29/05/2024", "PAY2405009", "845.00", "0.00", "Name withheld", "", "Foster care allowance May 2024"])),
    "redaction-flag-with-name": (
        "a redaction flag set on a line whose supplier is still named",
        lambda t: _add_column(t, "Redacted", ["N", "N", "Y", "N", "N", "N", "Y", "N"]),
    ),
    "supplier-name-variants": ("one supplier in two spellings (information)", lambda t: _set(t, 7, "Supplier Name", "NORTHGATE SOFTWARE LIMITED")),
    "supplier-id-several-names": ("one supplier id on two different suppliers", lambda t: _set(t, 7, "Supplier ID", "100104")),
    "company-number-invalid": (
        "a company number that cannot be valid",
        lambda t: _add_column(t, "Company Number", ["01234567", "SC123456", "", "1234567X", "OC301234", "", "NI012345", "02366995"]),
    ),
    "charity-number-invalid": (
        "a charity number that cannot be valid",
        lambda t: _add_column(t, "Charity Number", ["", "", "", "", "1123456", "SC012345", "12345", ""]),
    ),
    "vat-number-invalid": (
        "a VAT number failing HMRC's check digits",
        lambda t: _add_column(t, "VAT Registration Number", ["GB999999973", "GB123456789", "", "GB 100 0000 34", "", "", "", "GD001"]),
    ),
}

HMT_HEADER = ["Department family", "Entity", "Date", "Expense type", "Expense area", "Supplier", "Transaction number", "Amount", "Description"]
HMT_LINES = [
    ["Department for Widgets", "Department for Widgets", "03/06/2024", "Consultancy", "Strategy Directorate", "Meridian Advisory Ltd", "9100231", "48,500.00", "Review of widget standards"],
    ["Department for Widgets", "Department for Widgets", "03/06/2024", "Consultancy", "Analysis Directorate", "Meridian Advisory Ltd", "9100231", "12,250.00", "Review of widget standards"],
    ["Department for Widgets", "Widget Standards Agency", "11/06/2024", "Rent", "Estates", "Crown Estate Properties Ltd", "9100245", "126,000.00", "Quarterly rent, Leeds office"],
    ["Department for Widgets", "Widget Standards Agency", "18/06/2024", "Grant", "Innovation Programme", "University of Borchester", "9100262", "250,000.00", "Research grant instalment"],
    ["Department for Widgets", "Department for Widgets", "25/06/2024", "IT Services", "Digital Directorate", "Cloudline Systems Plc", "9100277", "31,420.80", "Hosting services June 2024"],
]

CARD_HEADER = ["Transaction Date", "Directorate", "Merchant Name", "Merchant Category", "Amount", "VAT", "Card Number", "Transaction Reference"]
CARD_LINES = [
    ["04/04/2024", "Neighbourhoods", "Trainline", "Rail travel", "110.00", "0.00", "************6062", "C240401"],
    ["08/04/2024", "Schools", "Office Depot UK Ltd", "Stationery", "64.99", "10.83", "************9474", "C240402"],
    ["12/04/2024", "Adult Social Care", "Premier Inn Hotels", "Hotels", "89.00", "14.83", "************6062", "C240403"],
    ["19/04/2024", "Schools", "Amazon Business EU", "Books and educational supplies", "35.47", "0.00", "************1187", "C240404"],
    ["26/04/2024", "Finance and Governance", "Royal Mail Group Ltd", "Postage", "47.50", "0.00", "************9474", "C240405"],
]


def render(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table[0])
    writer.writerows(table[1])
    return out.getvalue()


def samples() -> dict[str, str]:
    """File name -> CSV text, for every sample."""
    files = {
        "clean.csv": render(_clean()),
        "clean-hmt-25k.csv": render((list(HMT_HEADER), [list(line) for line in HMT_LINES])),
        "clean-card.csv": render((list(CARD_HEADER), [list(line) for line in CARD_LINES])),
    }
    for check_id, (_, make) in DEFECTS.items():
        files[f"{check_id}.csv"] = render(make(_clean()))
    return files


def readme() -> str:
    rows = "\n".join(f"| `{check_id}.csv` | {what} |" for check_id, (what, _) in DEFECTS.items())
    return f"""# Samples for `spendcat check`

Written by `make_check_samples.py` (run it to recreate them; the tests compare). Every name,
amount and reference is invented.

`clean.csv` is a month of a county council's spend over £500 (the `lgtc-500` profile) that
trips no check at warning or above; `clean-hmt-25k.csv` and `clean-card.csv` do the same for
the other two profiles. Each other file is `clean.csv` with exactly one defect, named after
the check that finds it:

| file | the defect |
|---|---|
{rows}
"""


def main(out: Path = HERE) -> list[Path]:
    written = []
    for name, text in {**samples(), "README.md": readme()}.items():
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
