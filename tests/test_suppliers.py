"""Supplier names: normalisation, exact and fuzzy matching with bands and margin."""

from __future__ import annotations

import pandas as pd
import pytest

from spendcat.rules import Matching, SupplierEntry
from spendcat.suppliers import SupplierDirectory, normalise_name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("HAYS SPECIALIST RECRUITMENT LTD", "hays specialist recruitment"),
        ("Hays Specialist Recruitment Limited", "hays specialist recruitment"),
        ("  The Hays Specialist Recruitment Ltd. ", "hays specialist recruitment"),
        ("Marks & Spencer PLC", "marks and spencer"),
        ("Café Nero Group Ltd", "cafe nero group"),
        ("J Smith T/A Smith's Plumbing", "smiths plumbing"),
        ("Brook Street (UK) Limited", "brook street"),
        ("SAP (UK)", "sap"),
        ("Telefonica UK", "telefonica"),
        ("Age UK Lambeth", "age uk lambeth"),
        ("DWF LLP", "dwf"),
        ("Limited Edition Prints Ltd", "limited edition prints"),
    ],
)
def test_normalise_name(name: str, key: str) -> None:
    assert normalise_name(name) == key


def plain(series: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in series]


def directory(entries: list[tuple[str, str]], **matching: int) -> SupplierDirectory:
    return SupplierDirectory(
        [(SupplierEntry(name=n, category=c), "test") for n, c in entries], Matching(**matching)
    )


def test_exact_match_after_normalisation() -> None:
    found = directory([("Hays Specialist Recruitment Limited", "workforce.agency")]).match(
        pd.Series(["HAYS SPECIALIST RECRUITMENT LTD", "Nobody Ltd"])
    )
    assert plain(found["method"]) == ["exact", None]
    assert plain(found["category"]) == ["workforce.agency", None]


def test_fuzzy_bands_accept_review_reject() -> None:
    entries = [("Tarmac Trading Limited", "highways.maintenance")]
    names = pd.Series(["Tarmac Tradng Ltd", "Tarmac Trade Co", "Totally Different Ltd"])
    found = directory(entries, accept=90, review=75, margin=5).match(names)
    assert plain(found["method"]) == ["fuzzy", "fuzzy", None]
    assert found["score"].iloc[0] >= 90 and not found["weak"].iloc[0]
    assert 75 <= found["score"].iloc[1] < 90 and found["weak"].iloc[1]


def test_runner_up_of_another_category_within_margin_is_weak() -> None:
    entries = [("Acme Care Services", "social_care.home_care"), ("Acme Car Services", "transport.fleet")]
    found = directory(entries, accept=80, review=70, margin=10).match(pd.Series(["Acme Cair Services"]))
    assert found["weak"].iloc[0]
    assert found["runner_up"].iloc[0] in {"social_care.home_care", "transport.fleet"}


def test_one_name_under_two_categories_is_weak() -> None:
    found = directory([("Capita", "ict.services"), ("CAPITA LTD", "professional.consultancy")]).match(pd.Series(["Capita Limited"]))
    assert found["method"].iloc[0] == "exact" and found["weak"].iloc[0]


def test_company_number_outranks_the_name() -> None:
    entries = [(SupplierEntry(name="Acme Holdings", category="ict.services", company_number="1234567"), "t")]
    found = SupplierDirectory(entries, Matching()).match(pd.Series(["Something Else"]), pd.Series(["01234567"]))
    assert found["method"].iloc[0] == "company"
    assert found["category"].iloc[0] == "ict.services"
