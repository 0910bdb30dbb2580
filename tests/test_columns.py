"""Header detection and the mapping of messy published headers onto canonical fields."""

from __future__ import annotations

import pytest

from spendcat.columns import CANONICAL_FIELDS, find_header_row, map_columns, normalise_header, score_header
from spendcat.errors import BadOption


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("Net Amount(£)", "net amount"),
        ("Invoice Value    (GBP)", "invoice value"),
        (" Amount ", "amount"),
        ("Amount £", "amount"),
        ("DatePaid", "date paid"),
        ("NetAmount", "net amount"),
        ("TransactionNumber", "transaction number"),
        ("InvoiceCurrencyUnit", "invoice currency unit"),
        ("trans_no", "trans no"),
        ("supplier_name", "supplier name"),
        ("VATRegNo", "vat reg no"),
        ("BILLING GROSS AMT", "billing gross amt"),
        ("Account Description ", "account description"),
        ("GBP", "gbp"),
    ],
)
def test_normalise_header(header: str, normalised: str) -> None:
    assert normalise_header(header) == normalised


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Expenditure Catergory", "expense_type"),  # misspelt as published
        (" Amount ", "amount"),
        ("Net Amount(£)", "amount"),
        ("Invoice Value    (GBP)", "amount"),
        ("Invoice Nett Amount", "amount"),
        ("Sum of Inv Amount", "amount"),
        ("BILLING GROSS AMT", "amount"),
        ("NetAmount", "amount"),
        ("amount", "amount"),
        ("Amount £", "amount"),
        ("Supplier Name", "supplier"),
        ("supplier_name", "supplier"),
        ("SupplierName", "supplier"),
        ("MERCHANT NAME", "supplier"),
        ("Beneficiary", "supplier"),
        ("Payee", "supplier"),
        ("Vendor Name", "supplier"),
        ("Payment Date", "date"),
        ("paid_date", "date"),
        ("DatePaid", "date"),
        ("Invoice Payment Date", "date"),
        ("Date of Payment", "date"),
        ("Effective Date", "date"),
        ("TRANS DATE", "date"),
        ("Transaction Number", "transaction_id"),
        ("trans_no", "transaction_id"),
        ("TransactionNumber", "transaction_id"),
        ("Inv Transaction", "transaction_id"),
        ("Expense Type", "expense_type"),
        ("Expenses Type", "expense_type"),
        ("ExpenseType", "expense_type"),
        ("DetailedExpenditureType", "expense_type"),
        ("Account Description ", "expense_type"),
        ("Subj Description", "expense_type"),
        ("Expense Area", "expense_area"),
        ("Service Area", "expense_area"),
        ("ServiceLabel", "expense_area"),
        ("organisational_unit", "expense_area"),
        ("Directorate", "expense_area"),
        ("Body Name", "body"),
        ("body_name", "body"),
        ("Irrecoverable VAT", "vat"),
        ("Capital or Revenue", "capital_revenue"),
        ("caporrev", "capital_revenue"),
        ("CapitalOrRevenue", "capital_revenue"),
        ("Redact Name", "redaction_flag"),
        ("InvoiceCurrencyUnit", "currency"),
        ("Vat Reg No", "vat_number"),
        ("Supplier ID", "supplier_id"),
        ("Supplier Post Code", "postcode"),
        ("Contract Number", "contract_number"),
    ],
)
def test_messy_header_maps_to_its_field(header: str, field: str) -> None:
    assert map_columns([header, "Something Else Entirely"]).fields.get(field) == 0


def test_every_header_serves_one_field_and_every_field_one_header() -> None:
    headers = [
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
    mapping = map_columns(headers)
    assert mapping.as_dict() == {
        "body": "Body Name",
        "date": "Payment Date",
        "transaction_id": "Transaction Number",
        "supplier": "Supplier Name",
        "supplier_id": "Supplier ID",
        "expense_type": "Expense Type",
        "expense_area": "Service Area",
        "description": "Purpose",
        "amount": "Net Amount",
        "vat": "Irrecoverable VAT",
        "capital_revenue": "Capital or Revenue",
    }
    assert len(set(mapping.fields.values())) == len(mapping.fields)
    assert mapping.unmapped == ["Body"]
    assert list(mapping.as_dict()) == [f for f in CANONICAL_FIELDS if f in mapping.fields]


def test_hmt_template_in_camel_case() -> None:
    headers = [
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
    mapping = map_columns(headers).as_dict()
    assert mapping["amount"] == "Amount"
    assert mapping["supplier"] == "Supplier"
    assert mapping["expense_type"] == "ExpenseType"
    assert mapping["expense_area"] == "ExpenseArea"
    assert mapping["transaction_id"] == "TransactionNumber"
    assert mapping["currency"] == "InvoiceCurrencyUnit"
    assert mapping["body"] in ("Entity", "DepartmentFamily")


def test_billing_amount_beats_original_currency_amount() -> None:
    headers = [
        "TRANS DATE",
        "MERCHANT NAME",
        "ORIGINAL GROSS AMT",
        "ORIGINAL CUR",
        "BILLING GROSS AMT",
        "BILLING CUR CODE",
    ]
    assert map_columns(headers).as_dict()["amount"] == "BILLING GROSS AMT"


def test_net_beats_gross_and_vat_is_never_the_amount() -> None:
    mapping = map_columns(["VAT Amount", "Gross Amount", "Net Amount", "Supplier"]).as_dict()
    assert mapping["amount"] == "Net Amount"
    assert mapping["vat"] == "VAT Amount"


def test_vat_registration_number_is_not_vat() -> None:
    mapping = map_columns(["Supplier", "Amount", "VAT Registration Number"]).as_dict()
    assert mapping["vat_number"] == "VAT Registration Number"
    assert "vat" not in mapping


def test_supplier_codes_are_not_the_supplier() -> None:
    mapping = map_columns(["Supplier ID", "Supplier Type", "Supplier Name", "Amount"]).as_dict()
    assert mapping["supplier"] == "Supplier Name"
    assert mapping["supplier_id"] == "Supplier ID"


def test_duplicate_headers_the_leftmost_wins() -> None:
    # The reader renames duplicates `Amount (2)`, unnamed columns `column_N`.
    mapping = map_columns(["Supplier", "Amount", "Amount (2)", "column_4"])
    assert mapping.as_dict() == {"supplier": "Supplier", "amount": "Amount"}
    assert mapping.unmapped == ["Amount (2)", "column_4"]


def test_headers_are_stripped() -> None:
    mapping = map_columns([" Supplier Name ", " Amount "])
    assert mapping.headers == ("Supplier Name", "Amount")
    assert mapping.header_of("amount") == "Amount"
    assert mapping.header_of("date") is None


def test_override_wins_over_the_guess() -> None:
    mapping = map_columns(["Vendor Name", "Payee", "Amount"], {"supplier": "Payee"})
    assert mapping.as_dict()["supplier"] == "Payee"
    assert mapping.overridden == frozenset({"supplier"})


def test_override_matches_header_case_and_padding_insensitively() -> None:
    mapping = map_columns(["Paid", " Value "], {"amount": "  VALUE", "date": "paid"})
    assert mapping.as_dict() == {"date": "Paid", "amount": "Value"}


def test_override_unknown_field() -> None:
    with pytest.raises(BadOption, match="unknown field 'nonsense'"):
        map_columns(["Supplier", "Amount"], {"nonsense": "Supplier"})


def test_override_unknown_header() -> None:
    with pytest.raises(BadOption, match="no such header"):
        map_columns(["Supplier", "Amount"], {"supplier": "Vendor"})


def test_nonsense_headers_map_to_nothing() -> None:
    assert map_columns(["xyzzy", "12345", "", "Lorem ipsum dolor"]).fields == {}
    assert score_header("amount", "") == 0
    assert score_header("amount", "2024") == 0


# --- Finding the header row ---------------------------------------------------------------


def test_header_on_the_first_row() -> None:
    rows = [["Supplier", "Date", "Amount"], ["Acme Ltd", "01/05/2024", "10.00"]]
    assert find_header_row(rows) == 0


def test_header_below_title_and_parameter_rows() -> None:
    rows = [
        ["Lambeth Invoices Over Specified Nett Amount", "", "", "", ""],
        ["", "", "", "", ""],
        ["Report Date: 02/07/2012 16:59:18", "", "", "", ""],
        ["Parameters: ", "", "", "", ""],
        ["Invoice Threshold Nett Amt: 500", "", "", "", ""],
        ["Amount threshold", "500", "", "", ""],
        ["Body", "Department", "Supplier Name", "Invoice Creation Date", "Invoice Nett Amount"],
        ["Lambeth", "Adults", "170 Community Project", "08/06/2012", "1,534.24"],
    ]
    assert find_header_row(rows) == 6


def test_header_after_blank_rows_and_a_long_note() -> None:
    note = "This file lists every payment over £500 made by the council, in line with the transparency code."
    rows = [
        [],
        [""],
        [note, ""],
        ["Payee", "Date Paid", "Amount", "Reference"],
        ["A", "01/01/2024", "1", "X1"],
    ]
    assert find_header_row(rows) == 3


def test_the_row_naming_most_fields_wins() -> None:
    rows = [["Amount", "Supplier"], ["Amount", "Supplier", "Payment Date", "Expense Type"]]
    assert find_header_row(rows) == 1


def test_no_header_without_an_amount() -> None:
    assert find_header_row([["Supplier", "Date", "Description"], ["Acme", "01/01/2024", "Paper"]]) is None
    assert find_header_row([]) is None
    assert find_header_row([["Amount"]]) is None  # one label is not a header


def test_a_prefixed_reference_number_is_the_transaction() -> None:
    # Hyndburn's `HBC ref no`: the council's initials before a reference-number phrase.
    headers = ["Payment date", "HBC ref no", "Name", "Net Amount(£)"]
    assert map_columns(headers).as_dict()["transaction_id"] == "HBC ref no"
    assert score_header("transaction_id", "Payment Reference No") >= 60


@pytest.mark.parametrize("header", ["TRANS CR/DB", "TRANS TAX DESC", "TRANS CAC CODE 1", "Supplier Ref", "Contract Ref"])
def test_other_references_and_trans_prefixed_columns_are_not_the_transaction(header: str) -> None:
    # Card exports start every column with TRANS; a supplier's reference is not the payment's.
    headers = ["TRANS DATE", "MERCHANT NAME", "Supplier ID", "Contract Number", "BILLING GROSS AMT", header]
    assert "transaction_id" not in map_columns(headers).as_dict()


def test_a_service_or_directorate_column_is_the_expense_area() -> None:
    assert map_columns(["Supplier", "Amount", "Service Provided By"]).as_dict()["expense_area"] == "Service Provided By"
    assert map_columns(["Supplier", "Amount", "Directorate Name"]).as_dict()["expense_area"] == "Directorate Name"


# --- A second service column joins the expense area ----------------------------------------------


def test_a_service_division_column_joins_the_expense_area() -> None:
    mapping = map_columns(["ServiceLabel", "ServiceDivisionLabel", "SupplierName", "NetAmount"])
    assert mapping.fields["expense_area"] == 0
    assert mapping.extra == {"expense_area": (1,)}
    assert mapping.sources_of("expense_area") == (0, 1)
    assert mapping.sources_of("supplier") == (2,)
    assert mapping.sources_of("date") == ()
    assert mapping.header_of("expense_area") == "ServiceLabel"
    assert mapping.as_dict() == {
        "supplier": "SupplierName",
        "expense_area": "ServiceLabel + ServiceDivisionLabel",
        "amount": "NetAmount",
    }
    assert mapping.unmapped == []


def test_head_of_service_is_the_area_and_the_strategic_directorate_joins_it() -> None:
    for headers in (["Headserv Name", "Stratdir Name", "Supplier", "Amount"], ["Stratdir Name", "Headserv Name", "Supplier", "Amount"]):
        mapping = map_columns(headers)
        assert mapping.header_of("expense_area") == "Headserv Name"
        assert [mapping.headers[i] for i in mapping.sources_of("expense_area")] == ["Headserv Name", "Stratdir Name"]
        assert mapping.as_dict()["expense_area"] == "Headserv Name + Stratdir Name"
        assert mapping.unmapped == []


@pytest.mark.parametrize("other", ["Department", "Department Name", "Cost Centre Code"])
def test_a_department_or_code_column_does_not_join_the_expense_area(other: str) -> None:
    mapping = map_columns([other, "Expense Area", "Supplier", "Amount"])
    assert mapping.as_dict()["expense_area"] == "Expense Area"
    assert mapping.extra == {}
    assert mapping.sources_of("expense_area") == (1,)
    assert mapping.unmapped == [other]


def test_an_expense_area_override_joins_nothing() -> None:
    headers = ["ServiceLabel", "ServiceDivisionLabel", "SupplierName", "NetAmount"]
    mapping = map_columns(headers, {"expense_area": "ServiceLabel"})
    assert mapping.extra == {}
    assert mapping.as_dict()["expense_area"] == "ServiceLabel"
    assert mapping.unmapped == ["ServiceDivisionLabel"]
    # Overriding another field leaves the join as guessed.
    assert map_columns(headers, {"supplier": "SupplierName"}).as_dict()["expense_area"] == "ServiceLabel + ServiceDivisionLabel"


def test_erp_exports_name_the_ledger_account_and_the_reason_apart() -> None:
    # A card export from an ERP: the GL account is the expense type, the cardholder's
    # reason is the description; an SAP export's fund centre is the service.
    card = ["Card Transaction Date", "Merchant Name", "Merchant Category Code Description", "Transaction Amount",
            "Cost Centre", "GL Description", "Reason for Purchase"]
    fields = {name: card[i] for name, i in map_columns(card).fields.items()}
    assert fields["expense_type"] == "GL Description" and fields["description"] == "Reason for Purchase"
    sap = ["Posting Date", "Vendor", "Account Name", "Fund Centre Name", "Value", "Doc No"]
    fields = {name: sap[i] for name, i in map_columns(sap).fields.items()}
    assert fields == {"date": "Posting Date", "supplier": "Vendor", "expense_type": "Account Name",
                      "expense_area": "Fund Centre Name", "amount": "Value", "transaction_id": "Doc No"}


def test_a_supplier_classification_says_what_kind_of_business_was_paid() -> None:
    # A fire authority's export classifies each supplier by what it sells
    # ("EXT, ADAPT, IMPROV, ETC", "PUBLICATION OF INFORMATION"): the same evidence as a
    # card's merchant category, and not the supplier's legal form (supplier_type).
    headers = ["Transaction Date", "Transaction Number", "Supplier Name", "Expenditure Category",
               "Supplier Classification", "Amount"]
    fields = {name: headers[i] for name, i in map_columns(headers).fields.items()}
    assert fields["merchant_category"] == "Supplier Classification"
    assert fields["expense_type"] == "Expenditure Category"
    assert "supplier_type" not in fields
