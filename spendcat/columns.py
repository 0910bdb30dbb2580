"""Find the header row of a publication and map its columns onto spendcat's canonical fields.

Publishers name the same field dozens of ways (`Supplier Name`, `SupplierName`,
`supplier_name`, `Beneficiary`, `MERCHANT NAME`), misspell them (`Expenditure Catergory`),
pad them (` Amount `) and decorate them (`Net Amount(£)`, `Invoice Value    (GBP)`). Headers are
normalised, then scored against each field's synonyms; every header goes to at most one field
and every field takes its best-scoring header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from spendcat.errors import BadOption

# Canonical fields, in the order they are reported, with their synonyms (normalised form)
# and a score for each: higher wins when several headers could be the same field.
SYNONYMS: dict[str, dict[str, int]] = {
    "body": {
        "body name": 100, "name of body": 100, "organisation name": 98, "organisation": 95,
        "entity": 95, "organisation label": 95, "body": 90, "department family": 85,
        "council": 80, "authority": 80, "local authority": 85,
    },
    "date": {
        "payment date": 100, "paid date": 100, "date paid": 100, "date of payment": 100,
        "invoice payment date": 100, "transaction date": 98, "trans date": 98,
        "date of transaction": 98, "effective date": 95, "date": 95, "pay date": 98,
        "payment run date": 95, "posting date": 90, "cheque date": 90, "invoice paid date": 100,
        "invoice date": 85, "invoice creation date": 85, "trans date time": 90,
        "transaction posting date": 90,
    },
    "transaction_id": {
        "transaction number": 100, "transaction no": 100, "trans no": 100,
        "transaction id": 100, "transaction reference": 98, "transaction ref": 98,
        "transaction": 95, "trans ref": 95, "reference": 90, "reference number": 90,
        "ref no": 88, "ref": 85, "payment reference": 92, "document number": 88,
        "voucher number": 88, "inv transaction": 90, "invoice number": 80, "invoice no": 80,
        "invoice reference": 80, "payment number": 90, "payment id": 90,
        "doc no": 85, "document no": 88, "doc number": 85, "voucher no": 88, "journal number": 85,
    },
    "supplier": {
        "supplier name": 100, "supplier": 100, "beneficiary name": 100, "beneficiary": 100,
        "vendor name": 100, "vendor": 98, "payee name": 100, "payee": 98,
        "merchant name": 100, "merchant": 95, "creditor name": 98, "creditor": 90,
        "recipient name": 95, "recipient": 90, "supplier beneficiary": 95, "trader name": 95,
        "name": 70, "company name": 90, "organisation paid": 90,
    },
    "supplier_id": {
        "supplier id": 100, "supplier number": 100, "supplier no": 100, "supplier code": 100,
        "supplier ref": 98, "supplier reference": 98, "vendor id": 100, "vendor number": 100,
        "vendor code": 100, "creditor number": 98, "creditor id": 98, "creditor code": 98,
        "beneficiary id": 98, "beneficiary other id": 95, "payee id": 95,
    },
    "expense_type": {
        "expense type": 100, "expenses type": 100, "expenditure type": 80,
        "detailed expenditure type": 100, "expenditure category": 95, "expense category": 95,
        "expenses category": 95, "account description": 95, "account name": 90,
        "subjective description": 95, "subj description": 95, "subjective": 90,
        "subjective name": 95, "expense description": 90, "expenditure description": 90,
        "account detail": 88, "account": 75, "cost category": 88, "spend category": 88,
        "category": 80, "nominal description": 90, "ledger description": 88,
        "type of expenditure": 95, "category internal name": 90, "expense head": 88,
        "detail expense type": 95, "proclass label": 85, "cpv label": 80,
        # ERP general-ledger names: Oracle and SAP exports, Agresso/Unit4.
        "gl description": 92, "gl account description": 95, "gl account name": 95,
        "general ledger description": 95, "general ledger account": 90, "nominal account": 88,
        "account code description": 95, "expenditure account code description": 95,
        "expenditure account": 90, "cost element": 88, "cost element name": 92,
        "cost element description": 92, "commitment item": 85, "commitment item name": 90,
        "subjective code description": 95, "subjective analysis": 90,
    },
    "expense_area": {
        "expense area": 100, "service area": 100, "service": 90, "directorate": 95,
        "department": 85, "service label": 95, "service division label": 85,
        "cost centre": 92, "cost centre name": 95, "cost centre description": 95,
        "organisational unit": 95, "service cost centre": 92, "division": 85,
        "portfolio": 85, "business unit": 90, "service area name": 100,
        "department name": 88, "responsible unit": 88, "service category label": 90,
        "expense area name": 100, "cost center": 90, "head of service": 93,
        "headserv name": 93, "headserv": 90, "strategic directorate": 88, "stratdir name": 86,
        "fund centre": 90, "fund centre name": 93, "fund center": 88, "profit centre": 85,
        "profit centre name": 88, "service expenditure analysis": 95, "bvacop": 85,
        "bvacop description": 90,
    },
    "description": {
        "description": 100, "purpose": 100, "narrative": 98, "details": 90,
        "transaction description": 98, "summary of purpose": 100, "line description": 95,
        "invoice description": 95, "item description": 95, "payment description": 95,
        "purpose of expenditure": 100, "comments": 70, "detail": 85, "invoice line description": 95,
        "reason for purchase": 98, "reason for expenditure": 98, "reason for spend": 95,
        "purchase description": 95, "goods description": 95, "expenditure purpose": 98,
        "spend purpose": 95,
    },
    "merchant_category": {
        "merchant category": 100, "mcc": 100, "merchant category code": 100,
        "mcc description": 100, "merchant category description": 100, "merchant type": 95,
        "merchant category name": 100, "mcc code": 98,
        "supplier classification": 85,
    },
    "amount": {
        "amount": 100, "net amount": 100, "nett amount": 100, "amount gbp": 100,
        "value": 92, "invoice value": 95, "net value": 95, "total": 80, "amount paid": 100,
        "payment amount": 100, "invoice amount": 95, "line amount": 95,
        "invoice nett amount": 100, "invoice net amount": 100, "sum of inv amount": 95,
        "transaction amount": 98, "billing gross amt": 90, "billing amount": 95,
        "gross amount": 85, "amount excl vat": 100, "amount excluding vat": 100,
        "net": 85, "spend": 85, "value gbp": 95, "total amount": 92, "paid amount": 100,
        "net amount gbp": 100, "amount net": 100, "amount in sterling": 100,
        "sum of amount": 95, "sum of net amount": 95, "inv amount": 95,
    },
    "vat": {
        "irrecoverable vat": 100, "irrecoverable vat amount": 100, "vat": 95,
        "vat amount": 95, "tax amount": 90, "trans tax amt": 90, "vat amt": 95,
        "non recoverable vat": 100,
    },
    "capital_revenue": {
        "capital or revenue": 100, "caporrev": 100, "cap or rev": 100, "capital revenue": 100,
        "revenue capital": 100, "revenue or capital": 100, "cap rev": 100, "capex opex": 90,
    },
    "company_number": {
        "company number": 100, "companies house number": 100,
        "company registration number": 100, "companies house registration number": 100,
        "company reg no": 100, "company no": 95, "crn": 85, "supplier company number": 100,
    },
    "charity_number": {
        "charity number": 100, "charity commission number": 100,
        "charity registration number": 100, "charity no": 100, "registered charity number": 100,
    },
    "vat_number": {
        "vat number": 100, "vat registration number": 100, "vat reg no": 100,
        "vat registration no": 100, "supplier vat number": 100, "vat no": 100,
        "vat reg number": 100, "vat registration": 95,
    },
    "postcode": {
        "postcode": 100, "supplier postcode": 100, "supplier post code": 100, "post code": 100,
        "supplier postal code": 95,
    },
    "supplier_type": {
        "supplier type": 100, "creditor type": 95, "beneficiary type": 95, "vendor type": 95,
        "supplier category": 85,
    },
    "contract_number": {
        "contract number": 100, "contract reference": 100, "contract ref": 100,
        "contract id": 100, "contract no": 100, "contract ref no": 100,
    },
    "project_code": {"project code": 100, "project number": 95, "project": 85},
    "currency": {
        "currency": 100, "invoice currency unit": 95, "currency code": 100,
        "billing cur code": 90, "billing currency": 95, "invoice currency": 95,
    },
    "redaction_flag": {
        "redact name": 100, "redacted": 100, "redaction": 100, "redaction flag": 100,
        "redact": 95, "personal data": 85, "redacted y n": 100,
    },
    "card_transaction": {"card transaction": 100, "gpc": 80},
}

CANONICAL_FIELDS: tuple[str, ...] = tuple(SYNONYMS)
TEXT_FIELDS: tuple[str, ...] = tuple(f for f in CANONICAL_FIELDS if f not in ("date", "amount"))

# A header that merely contains one of these words still says something about its field.
_KEYWORDS: tuple[tuple[str, frozenset[str], int], ...] = (
    ("amount", frozenset({"amount", "amt", "nett"}), 70),
    ("date", frozenset({"date"}), 65),
    ("supplier", frozenset({"supplier", "beneficiary", "vendor", "payee", "merchant"}), 65),
    ("expense_type", frozenset({"expense", "expenditure", "subjective"}), 60),
    ("expense_area", frozenset({"directorate", "service", "department"}), 60),
    ("description", frozenset({"description", "narrative", "purpose"}), 60),
    ("vat_number", frozenset({"vat"}), 0),  # placeholder, handled below
)
# A header ending in one of these names the transaction's own reference even after a prefix
# of the publisher's (`HBC ref no`), unless it says whose reference it is (`Supplier Ref`).
# Not a bare `trans` word: card exports start every column with it (`TRANS TAX DESC`).
_TRANSACTION_ENDINGS: tuple[str, ...] = (
    "ref", "ref no", "ref number", "reference", "reference no", "reference number",
    "transaction", "transaction id", "transaction no", "transaction number", "transaction ref",
    "transaction reference", "trans no", "trans ref",
)
_NOT_THE_TRANSACTION = frozenset(
    {
        "supplier", "vendor", "creditor", "payee", "beneficiary", "merchant", "customer", "contract",
        "company", "charity", "vat", "project", "card", "account", "order", "po", "purchase",
        "cost", "budget", "ledger", "tax",
    }
)
_LONG_SYNONYMS = {f: [s for s in synonyms if len(s) >= 5] for f, synonyms in SYNONYMS.items()}
_MIN_SCORE = 60
# A second service, division or cost-centre column joins expense_area at this score; a
# department or body column names the publisher, not the service.
_EXTRA_AREA_SCORE = 85
_NOT_AN_AREA = frozenset({"department", "body", "entity", "organisation", "organization", "authority", "council", "code", "id", "number", "no"})
_HEADER_SCAN_ROWS = 60


def normalise_header(header: str) -> str:
    """`Net Amount(£)` -> `net amount`, `DatePaid` -> `date paid`, `trans_no` -> `trans no`."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = text.lower().replace("£", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = text.split()
    kept = [w for w in words if w not in ("gbp", "sterling")]
    return " ".join(kept or words)


def _keyword_score(field_name: str, norm: str) -> int:
    words = set(norm.split())
    if field_name == "description" and "desc" in words:
        # Card and ledger exports abbreviate (`TRANS CAC DESC 1`); a tax or code
        # description is not the purpose.
        return 0 if words & {"tax", "vat", "currency", "cur", "card"} else 60
    if field_name == "amount":
        if words & {"vat", "tax"}:
            return 0
        if words & {"currency", "cur", "rate", "code", "number", "no"}:
            return 0
        if words & {"amount", "amt", "nett", "value"}:
            score = 70
            if "original" in words:
                score -= 30
            if words & {"net", "nett"}:
                score += 5
            return score
        return 0
    if field_name == "vat":
        if "vat" in words and not words & {"reg", "registration", "number", "no", "rate"}:
            return 65
        if "tax" in words and words & {"amt", "amount"}:
            return 65
        return 0
    if field_name == "vat_number":
        if "vat" in words and words & {"reg", "registration", "number", "no"}:
            return 80
        return 0
    if field_name == "currency":
        if words & {"currency", "cur"}:
            return 40 if "original" in words else 65
        return 0
    if field_name == "redaction_flag":
        return 80 if words & {"redact", "redacted", "redaction"} else 0
    if field_name == "supplier" and words & {"id", "code", "number", "no", "ref", "type", "postcode"}:
        return 0
    if field_name == "transaction_id":
        if words & _NOT_THE_TRANSACTION:
            return 0
        return 60 if any(norm == end or norm.endswith(" " + end) for end in _TRANSACTION_ENDINGS) else 0
    if field_name == "date" and "date" in words:
        return 75 if words & {"paid", "payment", "pay"} else 65
    for keyword_field, keywords, score in _KEYWORDS:
        if keyword_field == field_name and words & keywords:
            return score
    return 0


@lru_cache(maxsize=65536)
def _normalised(header: str) -> str | None:
    """normalise_header, once per header; None for one that can name no field."""
    norm = normalise_header(header)
    if not norm or len(norm) > 60 or not re.search("[a-z]", norm):
        return None
    return norm


# Each field's synonyms without their spaces (`TransactionNumber`), the first of any that
# collide kept, as a search in order would find it.
_SQUASHED_SYNONYMS: dict[str, dict[str, int]] = {}
for _field, _synonyms in SYNONYMS.items():
    _SQUASHED_SYNONYMS[_field] = {}
    for _synonym, _score in _synonyms.items():
        _SQUASHED_SYNONYMS[_field].setdefault(_synonym.replace(" ", ""), _score)
_ALL_LONG_SYNONYMS = sorted({s for synonyms in _LONG_SYNONYMS.values() for s in synonyms})


@lru_cache(maxsize=65536)
def _near_some_synonym(norm: str) -> bool:
    """Whether any field's synonym is close enough to `norm` to count (one search for all
    fields, rather than one per field for every cell of every row scanned for a header)."""
    return process.extractOne(norm, _ALL_LONG_SYNONYMS, scorer=fuzz.ratio, score_cutoff=90) is not None


@lru_cache(maxsize=65536)
def score_header(field_name: str, header: str) -> int:
    """How well one header fits one canonical field, 0 to 100."""
    norm = _normalised(header)
    if norm is None:
        return 0
    synonyms = SYNONYMS[field_name]
    if norm in synonyms:
        return synonyms[norm]
    squashed = _SQUASHED_SYNONYMS[field_name].get(norm.replace(" ", ""))
    if squashed is not None:
        return squashed
    best = 0
    if len(norm) >= 5 and _near_some_synonym(norm):
        # Misspelt headers (`Expenditure Catergory`) still name their field.
        close = process.extractOne(norm, _LONG_SYNONYMS[field_name], scorer=fuzz.ratio, score_cutoff=90)
        if close is not None:
            best = synonyms[close[0]] - 5
    return max(best, _keyword_score(field_name, norm))


@dataclass(frozen=True)
class ColumnMapping:
    """Which original column each canonical field comes from (by position in the header)."""

    headers: tuple[str, ...]
    fields: dict[str, int] = field(default_factory=dict)
    overridden: frozenset[str] = frozenset()
    # Further columns whose text joins the field's own (`expense_area` only): a file with a
    # service and a division column says most about the purpose with both.
    extra: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def header_of(self, field_name: str) -> str | None:
        index = self.fields.get(field_name)
        return None if index is None else self.headers[index]

    def sources_of(self, field_name: str) -> tuple[int, ...]:
        """The columns a field's value comes from: its own, then any joined to it."""
        index = self.fields.get(field_name)
        return () if index is None else (index, *self.extra.get(field_name, ()))

    @property
    def unmapped(self) -> list[str]:
        used = set(self.fields.values()).union(*self.extra.values())
        return [h for i, h in enumerate(self.headers) if i not in used]

    def as_dict(self) -> dict[str, str]:
        return {
            f: " + ".join(self.headers[j] for j in self.sources_of(f))
            for f in sorted(self.fields, key=CANONICAL_FIELDS.index)
        }


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> ColumnMapping:
    """Map headers to canonical fields; `overrides` (field -> header) win over any guess."""
    overrides = overrides or {}
    fields: dict[str, int] = {}
    taken: set[int] = set()
    clean = [h.strip() for h in headers]
    for field_name, wanted in overrides.items():
        if field_name not in SYNONYMS:
            raise BadOption(
                f"--column names unknown field {field_name!r}; fields are: {', '.join(CANONICAL_FIELDS)}"
            )
        matches = [i for i, h in enumerate(clean) if h.lower() == wanted.strip().lower()]
        if not matches:
            raise BadOption(f"--column {field_name}={wanted!r}: no such header; headers are: {clean}")
        fields[field_name] = matches[0]
        taken.add(matches[0])
    candidates = []
    for index, header in enumerate(clean):
        if index in taken:
            continue
        for field_name in CANONICAL_FIELDS:
            if field_name in fields:
                continue
            score = score_header(field_name, header)
            if score >= _MIN_SCORE:
                # Ties go to the leftmost header, as publishers put the main column first.
                candidates.append((-score, index, CANONICAL_FIELDS.index(field_name), field_name))
    for _, index, _, field_name in sorted(candidates):
        if field_name in fields or index in taken:
            continue
        fields[field_name] = index
        taken.add(index)
    extra: dict[str, tuple[int, ...]] = {}
    if "expense_area" in fields and "expense_area" not in overrides:
        joined = tuple(
            i for i, h in enumerate(clean)
            if i not in taken and score_header("expense_area", h) >= _EXTRA_AREA_SCORE
            and not set(normalise_header(h).split()) & _NOT_AN_AREA
        )
        if joined:
            extra["expense_area"] = joined
    return ColumnMapping(headers=tuple(clean), fields=fields, overridden=frozenset(overrides), extra=extra)


def header_score(cells: list[str]) -> tuple[int, int]:
    """(has an amount column, number of cells that name a field) for a candidate header row."""
    named = [c for c in cells if c and c.strip()]
    if len(named) < 2:
        return (0, 0)
    mapping = map_columns(cells)
    # A header's cells are short labels; a title or data row is long text or numbers.
    if sum(len(c) > 60 for c in named) > len(named) // 2:
        return (0, 0)
    return (int("amount" in mapping.fields), len(mapping.fields))


def find_header_row(rows: list[list[str]]) -> int | None:
    """Index of the header among the first rows of a table, or None when none names an amount.

    The header is the row naming the most canonical fields, among rows that name an amount;
    title, parameter and blank rows above it name few or none.
    """
    best_index, best_score = None, (0, 0)
    for index, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        score = header_score(row)
        if score[0] and score[1] >= 2 and score > best_score:
            best_index, best_score = index, score
    return best_index
