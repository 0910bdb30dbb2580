"""Check publications against the rules they are published under: `spendcat check`.

Every check is a small declarative class with a stable `id`, a `severity`, a `title`, a
one-line `explanation` and the `profiles` it belongs to; its `find` method returns `Hits`
(the lines it found, with a message each). The engine turns hits into `Finding`s (file, row,
column, message) and counts them per check. The Rich table, JSON, JUnit XML, GitHub
annotations and `--list-checks` are all renderings of the same `CHECKS` list and results.

Like the rest of spendcat, checks work per distinct value (a text field's categories, a
column's factorised uniques) and broadcast the answer back to lines with the codes; nothing
loops over lines in Python where the answer depends only on the value.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from spendcat.columns import normalise_header
from spendcat.errors import BadOption, SpendcatError
from spendcat.publication import Publication, ReadOptions, read_publications
from spendcat.suppliers import normalise_names
from spendcat.values import REDACTED_SUPPLIER, redacted_suppliers

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
RANK = {"info": 1, "warning": 2, "error": 3}
DEFAULT_KEEP = 100  # findings kept (listed) per check and file; counts are always complete

# --- Profiles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """A field a profile asks for: any of `fields` (canonical) satisfies it, or a header
    matching `headers`; `hint` finds unrecognised columns that may hold it."""

    name: str
    label: str
    fields: tuple[str, ...]
    hint: str
    headers: str | None = None


def _req(name: str, label: str, fields: tuple[str, ...], hint: str, headers: str | None = None) -> Requirement:
    return Requirement(name, label, fields, hint, headers)


_DATE = _req("date", "payment date", ("date",), r"\b(date|paid|posted|period)\b")
_SUPPLIER = _req("supplier", "beneficiary (supplier name)", ("supplier",), r"\b(name|supplier|payee|vendor|merchant|beneficiary|creditor|recipient|trader)\b")
_AREA = _req(
    "expense_area",
    "department or service area",
    ("expense_area",),
    r"\b(serv|service|services|dir|directorate|dept|department|division|unit|cost cent(re|er)|portfolio|area|team|section|headserv|stratdir)\b",
)
_AMOUNT = _req("amount", "amount", ("amount",), r"\b(amount|value|net|gross)\b")
_PURPOSE = _req(
    "purpose",
    "summary of purpose (expense type or description)",
    ("expense_type", "description"),
    r"\b(desc|description|category|purpose|detail|narrative|subjective|account|expense|expenditure|nominal|ledger)\b",
)
_CARD_PURPOSE = _req(
    "purpose",
    "summary of purpose (expense type, description or merchant category)",
    ("expense_type", "description", "merchant_category"),
    _PURPOSE.hint,
)
_VAT = _req("vat", "irrecoverable VAT", ("vat",), r"\b(vat|tax)\b")
_TRANSACTION = _req("transaction_id", "transaction number", ("transaction_id",), r"\b(trans|transaction|ref|reference|number|no|id|invoice|document|voucher)\b")
_MERCHANT_CATEGORY = _req("merchant_category", "merchant category", ("merchant_category",), r"\b(mcc|merchant|category)\b")
_HMT_FAMILY = _req(
    "department_family",
    "department family",
    (),
    r"\b(department|dept|family)\b",
    headers=r"^(department family|dept family|department|departmental family|parent department)$",
)
_HMT_ENTITY = _req("entity", "entity (body)", ("body",), r"\b(entity|body|organisation|organization)\b")
_HMT_TYPE = _req("expense_type", "expense type", ("expense_type",), _PURPOSE.hint)
_HMT_DESCRIPTION = _req("description", "description", ("description",), r"\b(desc|description|purpose|narrative|detail|comments?)\b")


@dataclass(frozen=True)
class Profile:
    """A publishing regime: the fields it requires and recommends, its threshold."""

    id: str
    title: str
    explanation: str
    required: tuple[Requirement, ...]
    recommended: tuple[Requirement, ...]
    threshold_pence: int | None
    purpose_fields: tuple[str, ...]

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(check for check in CHECKS if self.id in check.profiles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "explanation": self.explanation,
            "required": [r.label for r in self.required],
            "recommended": [r.label for r in self.recommended],
            "threshold_pence": self.threshold_pence,
            "checks": [c.id for c in self.checks],
        }


PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile(
            "lgtc-500",
            "Local Government Transparency Code 2015: expenditure over £500",
            "English councils, fire, police and other local bodies: every item over £500 with date, "
            "department, beneficiary, summary of purpose, amount and irrecoverable VAT",
            (_DATE, _AREA, _SUPPLIER, _PURPOSE, _AMOUNT),
            (_VAT, _TRANSACTION),
            50000,
            ("expense_type", "description"),
        ),
        Profile(
            "hmt-25k",
            "HM Treasury: central government spending over £25,000",
            "departments and their arm's-length bodies: Department family, Entity, Date, Expense type, "
            "Expense area, Supplier, Transaction number, Amount and Description on every line",
            (_HMT_FAMILY, _HMT_ENTITY, _DATE, _HMT_TYPE, _AREA, _SUPPLIER, _TRANSACTION, _AMOUNT, _HMT_DESCRIPTION),
            (),
            2500000,
            ("expense_type", "description"),
        ),
        Profile(
            "card",
            "Government Procurement Card transactions",
            "every card transaction, of any value, with date, department, merchant (beneficiary), "
            "summary of purpose, merchant category, amount and irrecoverable VAT",
            (_DATE, _AREA, _SUPPLIER, _CARD_PURPOSE, _AMOUNT),
            (_MERCHANT_CATEGORY, _VAT),
            None,
            ("expense_type", "description", "merchant_category"),
        ),
    )
}
ALL_PROFILES: tuple[str, ...] = tuple(PROFILES)

_CARD_HEADER = re.compile(r"\b(merchant|mcc|card|gpc|cardholder)\b")
_HMT_HEADERS = {"department family", "entity", "departmentfamily"}


def choose_profile(publication: Publication) -> tuple[Profile, str]:
    """The profile a file's columns say it follows, and why (said in the output)."""
    headers = [h for table in publication.tables for h in table.mapping.headers]
    normalised = {normalise_header(h): h for h in headers}
    card = [h for n, h in normalised.items() if _CARD_HEADER.search(n)]
    if card:
        return PROFILES["card"], f"card columns ({', '.join(repr(h) for h in card[:3])})"
    hmt = [h for n, h in normalised.items() if n in _HMT_HEADERS or n.replace(" ", "") in _HMT_HEADERS]
    if hmt:
        return PROFILES["hmt-25k"], f"HM Treasury template columns ({', '.join(repr(h) for h in hmt[:3])})"
    return PROFILES["lgtc-500"], "no card or HM Treasury template columns"


# --- Periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The dates a file covers (inclusive), given by the user or inferred from its dates."""

    start: date
    end: date
    source: str  # "given" or "inferred"
    note: str = ""

    @property
    def label(self) -> str:
        first, last = f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"
        whole_months = self.start.day == 1 and (self.end + pd.Timedelta(days=1).to_pytimedelta()).day == 1
        if not whole_months:
            return f"{self.start.isoformat()}..{self.end.isoformat()}"
        return first if first == last else f"{first}..{last}"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label, "source": self.source, "note": self.note}


_PERIOD_PART = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def parse_period(text: str) -> Period:
    """`2024-04`, `2024-04..2024-06` or `2024-04-01..2024-04-30` (inclusive)."""
    parts = text.split("..")
    if len(parts) > 2 or not all(_PERIOD_PART.match(p) for p in parts):
        raise BadOption(f"--period {text!r}: expected YYYY-MM or YYYY-MM..YYYY-MM (e.g. 2024-04..2024-06)")
    try:
        bounds = []
        for index, part in enumerate(parts if len(parts) == 2 else parts * 2):
            year, month, day = _PERIOD_PART.match(part).groups()  # type: ignore[union-attr]
            if day is not None:
                bounds.append(date(int(year), int(month), int(day)))
            elif index == 0:
                bounds.append(date(int(year), int(month), 1))
            else:
                bounds.append((pd.Timestamp(int(year), int(month), 1) + pd.offsets.MonthEnd(0)).date())
    except ValueError as error:
        raise BadOption(f"--period {text!r}: {error}") from None
    if bounds[1] < bounds[0]:
        raise BadOption(f"--period {text!r}: ends before it starts")
    return Period(bounds[0], bounds[1], "given")


# A month holding at least this share of the busiest month's lines is part of the period: a
# quarterly file has three such months, a monthly file one (late invoices scatter thinly).
_SUBSTANTIAL_MONTH = 0.25


def infer_period(dates: pd.Series) -> Period | None:
    """The dominant month(s) of a file's dates: the span of months that each hold at least a
    quarter as many lines as the busiest month."""
    dated = dates.dropna()
    if dated.empty:
        return None
    months = dated.dt.to_period("M")
    counts = months.value_counts()
    substantial = counts[counts >= counts.max() * _SUBSTANTIAL_MONTH].index
    first, last = min(substantial), max(substantial)
    start, end = first.start_time.date(), last.end_time.date()
    inside = float(((months >= first) & (months <= last)).mean())
    share = f"{inside:.0%}" if inside < 0.995 else f"{inside:.1%}"
    return Period(start, end, "inferred", f"{share} of dated lines fall in it")


# --- Findings and results -------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One breach: which check, where (file, row, column) and what, in plain words."""

    check: str
    severity: str
    file: str
    row: int | None
    column: str | None
    message: str
    value: str | None = None
    amount_pence: int | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class CheckOutcome:
    """What one check found in one publication."""

    check: str
    severity: str
    title: str
    count: int  # findings
    lines: int  # distinct lines with a finding
    share: float  # % of the publication's lines
    amount_pence: int  # money on those lines, sign ignored
    findings: tuple[Finding, ...]  # the first findings, by row

    @property
    def first_rows(self) -> list[int]:
        return [f.row for f in self.findings if f.row is not None]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = [asdict(f) for f in self.findings]
        data["listed"] = len(self.findings)
        return data


@dataclass(frozen=True)
class PublicationResult:
    """Every check of a profile, run on one publication."""

    file: str
    profile: str
    profile_reason: str
    period: Period | None
    lines: int
    amount_pence: int
    outcomes: tuple[CheckOutcome, ...]
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Checks with findings, by severity."""
        found = Counter(o.severity for o in self.outcomes if o.count)
        return {s: found.get(s, 0) for s in SEVERITIES}

    def failed(self, fail_on: str) -> bool:
        return any(o.count and RANK[o.severity] >= RANK[fail_on] for o in self.outcomes)

    def to_dict(self, fail_on: str = "error") -> dict[str, Any]:
        return {
            "file": self.file,
            "profile": self.profile,
            "profile_reason": self.profile_reason,
            "period": self.period.to_dict() if self.period else None,
            "lines": self.lines,
            "amount_pence": self.amount_pence,
            "failed": self.failed(fail_on),
            "counts": self.counts(),
            "notes": list(self.notes),
            "checks": [o.to_dict() for o in self.outcomes],
        }


@dataclass(frozen=True)
class Unreadable:
    file: str
    message: str


@dataclass(frozen=True)
class CheckReport:
    """A whole `spendcat check` run: a result per publication read, and the files that
    could not be read."""

    results: tuple[PublicationResult, ...]
    unreadable: tuple[Unreadable, ...] = ()
    fail_on: str = "error"

    @property
    def failed(self) -> bool:
        return any(r.failed(self.fail_on) for r in self.results)

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read, else 1 when findings reach `fail_on`, else 0."""
        return 2 if self.unreadable else 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        totals = Counter()
        for result in self.results:
            for outcome in result.outcomes:
                if outcome.count:
                    totals[outcome.severity] += outcome.count
        return {
            "fail_on": self.fail_on,
            "failed": self.failed,
            "exit_code": self.exit_code,
            "findings": {s: totals.get(s, 0) for s in SEVERITIES},
            "files": [r.to_dict(self.fail_on) for r in self.results],
            "unreadable": [asdict(u) for u in self.unreadable],
        }


# --- What a check returns, and what it sees -------------------------------------------------


@dataclass
class Hits:
    """Lines a check found (positions into `publication.lines`; None for the file as a
    whole), with one message for all or one per line."""

    lines: np.ndarray | None
    # One message for all lines, one per line, or a function of the index (into `lines`)
    # giving it, so that only the findings listed are ever written out.
    message: str | Sequence[str] | Callable[[int], str]
    field: str | None = None  # canonical field: the column is its original header
    column: str | None = None  # or an original header named directly
    value: Sequence[object] | None = None

    @staticmethod
    def file(message: str, column: str | None = None) -> Hits:
        return Hits(None, message, column=column)

    def __len__(self) -> int:
        return 1 if self.lines is None else len(self.lines)


class Context:
    """A publication as the checks see it, with per-value helpers computed once."""

    def __init__(self, publication: Publication, profile: Profile, period: Period | None, today: date) -> None:
        self.publication = publication
        self.profile = profile
        self.period = period
        self.today = today
        self.lines = publication.lines
        self.count = len(self.lines)
        self.tables = publication.tables
        sizes = [t.lines for t in self.tables]
        self.table_of_line = np.repeat(np.arange(len(self.tables)), sizes) if sum(sizes) == self.count else np.zeros(self.count, dtype=int)
        self.redacted = self.lines["redacted"].to_numpy(dtype=bool) if "redacted" in self.lines else np.zeros(self.count, dtype=bool)
        self._cache: dict[object, object] = {}

    # Columns -----------------------------------------------------------------------------
    def mapped(self, field_name: str) -> bool:
        """Whether a column of the file was mapped to the field (amount and date included)."""
        in_lines = field_name in ("amount", "date") or field_name in self.lines.columns
        return in_lines and any(field_name in t.mapping.fields for t in self.tables)

    def header(self, field_name: str) -> str | None:
        for table in self.tables:
            header = table.mapping.header_of(field_name)
            if header is not None:
                return header
        return None

    def headers_of_lines(self, field_name: str, positions: np.ndarray) -> np.ndarray:
        per_table = np.array([t.mapping.header_of(field_name) for t in self.tables], dtype=object)
        return per_table[self.table_of_line[positions]]

    def mapped_headers(self, fields: Iterable[str]) -> set[str]:
        return {h for t in self.tables for f in fields if (h := t.mapping.header_of(f)) is not None}

    # Values ------------------------------------------------------------------------------
    def text(self, field_name: str) -> tuple[np.ndarray, np.ndarray]:
        """(distinct values, code per line; -1 where blank) of a text field."""
        key = ("text", field_name)
        if key not in self._cache and self._joined(field_name):
            # The canonical value joins several columns; a check judges the published one.
            self._cache[key] = self._published(field_name)
        if key not in self._cache:
            series = self.lines[field_name]
            if not isinstance(series.dtype, pd.CategoricalDtype):
                series = series.astype("category")
            categories = np.asarray(series.cat.categories.astype(object), dtype=object)
            self._cache[key] = (categories, series.cat.codes.to_numpy())
        return self._cache[key]  # type: ignore[return-value]

    @staticmethod
    def _factorise(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        texts = pa.array([None if u is None else str(u) for u in uniques], type=pa.string())
        trimmed = pc.utf8_trim(texts, " \t\r\n\u00a0").to_pylist()
        blank = np.array([t is None or t == "" for t in trimmed], dtype=bool)
        values = np.array(trimmed, dtype=object)
        codes = np.where((codes >= 0) & ~(blank[np.maximum(codes, 0)] if len(blank) else False), codes, -1)
        return values, codes

    def original(self, header: str) -> tuple[np.ndarray, np.ndarray]:
        """(distinct trimmed values, code per line; -1 where blank) of an original column."""
        key = ("original", header)
        if key not in self._cache:
            self._cache[key] = self._factorise(self.publication.original[header])
        return self._cache[key]  # type: ignore[return-value]

    def field_text(self, field_name: str) -> tuple[np.ndarray, np.ndarray]:
        """(distinct values, code per line) of the text published for a field, taken from each
        table's own column (a workbook's sheets may name it differently)."""
        key = ("field_text", field_name)
        if key not in self._cache:
            if field_name not in ("amount", "date") and field_name in self.lines.columns:
                self._cache[key] = self.text(field_name)
            else:
                self._cache[key] = self._published(field_name)
        return self._cache[key]  # type: ignore[return-value]

    def _joined(self, field_name: str) -> bool:
        return any(field_name in t.mapping.extra for t in self.tables)

    def _published(self, field_name: str) -> tuple[np.ndarray, np.ndarray]:
        """The field's own published column (not any column joined to it), table by table."""
        combined = np.full(self.count, None, dtype=object)
        for index, table in enumerate(self.tables):
            header = table.mapping.header_of(field_name)
            if header is None:
                continue
            mask = self.table_of_line == index
            combined[mask] = self.publication.original[header].to_numpy(dtype=object)[mask]
        return self._factorise(pd.Series(combined, dtype=object))

    def has_field(self, field_name: str) -> np.ndarray:
        """Per line: whether the line's table (sheet) has a column for the field."""
        per_table = np.array([field_name in t.mapping.fields for t in self.tables], dtype=bool)
        return per_table[self.table_of_line] if len(per_table) else np.zeros(self.count, dtype=bool)

    def value_of(self, field_name: str, positions: np.ndarray) -> np.ndarray:
        if field_name in ("amount", "date"):
            if not self.mapped(field_name):
                return np.full(len(positions), None, dtype=object)
            values, codes = self.field_text(field_name)
        elif field_name in self.lines.columns:
            values, codes = self.text(field_name)
        else:
            return np.full(len(positions), None, dtype=object)
        chosen = codes[positions]
        out = np.full(len(positions), None, dtype=object)
        present = chosen >= 0
        out[present] = values[chosen[present]]
        return out

    def supplier_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """(normalised key per distinct supplier, key id per line; -1 where blank)."""
        key = ("supplier_keys",)
        if key not in self._cache:
            names, codes = self.text("supplier")
            keys = np.array(normalise_names(pa.array(list(names), type=pa.string())).to_pylist(), dtype=object) if len(names) else np.array([], dtype=object)
            self._cache[key] = (keys, codes)
        return self._cache[key]  # type: ignore[return-value]

    @property
    def amounts(self) -> np.ndarray:
        """Pence per line as float (NaN where the amount could not be read)."""
        key = ("amounts",)
        if key not in self._cache:
            self._cache[key] = self.lines["amount_pence"].to_numpy(dtype="float64", na_value=np.nan)
        return self._cache[key]  # type: ignore[return-value]


def _line_mask(unique_mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Broadcast a per-value answer to lines (False where blank)."""
    if not len(unique_mask):
        return np.zeros(len(codes), dtype=bool)
    return np.where(codes >= 0, unique_mask[np.maximum(codes, 0)], False)


def _matches(values: np.ndarray, pattern: str) -> np.ndarray:
    """Arrow regex over distinct values (None never matches)."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    array = pa.array(list(values), type=pa.string())
    return pc.fill_null(pc.match_substring_regex(array, pattern), False).to_numpy(zero_copy_only=False)


# --- Checks ---------------------------------------------------------------------------------


class Check:
    """A rule a publication can break. Subclasses declare the class attributes and `find`."""

    id: ClassVar[str]
    severity: ClassVar[str]
    title: ClassVar[str]
    explanation: ClassVar[str]
    profiles: ClassVar[tuple[str, ...]] = ALL_PROFILES

    def find(self, ctx: Context) -> list[Hits]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "explanation": self.explanation,
            "profiles": list(self.profiles),
        }


# Words that tie a header to another kind of field: `TRANS TAX DESC` describes a tax code, not
# the purpose, even though it says "desc".
_OTHER_FIELD_WORDS = frozenset({"tax", "vat", "amount", "amt", "date", "code", "id", "number", "no", "ref", "rate", "cur", "currency", "postcode"})


def _requirement_state(ctx: Context, requirement: Requirement) -> list[tuple[str | None, list[str]]]:
    """For each table (sheet) lacking the requirement: (sheet, candidate headers that may
    hold it unrecognised). Empty when every table has it."""
    lacking = []
    for table in ctx.tables:
        if any(f in table.mapping.fields for f in requirement.fields):
            continue
        if requirement.headers and any(re.search(requirement.headers, normalise_header(h)) for h in table.mapping.headers):
            continue
        lacking.append((table.sheet if len(ctx.tables) > 1 else None, _candidates(table.mapping.unmapped, requirement)))
    return lacking


def _candidates(unmapped: Iterable[str], requirement: Requirement) -> list[str]:
    candidates = []
    for header in unmapped:
        norm = normalise_header(header)
        hinted = re.search(requirement.hint, norm)
        if not hinted:
            continue
        words = set(norm.split())
        hint_words = {w for w in words if re.search(requirement.hint, w)}
        if (words - hint_words) & _OTHER_FIELD_WORDS:
            continue
        candidates.append(header)
    return candidates


def _on_sheet(sheet: str | None) -> str:
    return f" on sheet {sheet!r}" if sheet else ""


def _field_for(requirement: Requirement) -> str:
    return requirement.fields[0] if requirement.fields else requirement.name


class RequiredColumnMissing(Check):
    id = "required-column-missing"
    severity = "error"
    title = "Required column missing"
    explanation = "The profile requires this field on every line, and no column of the file could hold it."

    def find(self, ctx: Context) -> list[Hits]:
        hits = []
        for requirement in ctx.profile.required:
            for sheet, candidates in _requirement_state(ctx, requirement):
                if not candidates:
                    hits.append(Hits.file(f"no column for the {requirement.label}{_on_sheet(sheet)}, which the {ctx.profile.id} profile requires"))
        return hits


class RequiredColumnUnrecognised(Check):
    id = "required-column-unrecognised"
    severity = "warning"
    title = "Required column not recognised"
    explanation = (
        "No column was recognised as a required field, but a column with another name may hold it: "
        "name it with --column FIELD=HEADER (or rename the header) so it can be checked."
    )

    def find(self, ctx: Context) -> list[Hits]:
        hits = []
        for requirement in ctx.profile.required:
            for sheet, candidates in _requirement_state(ctx, requirement):
                if not candidates:
                    continue
                shown = " or ".join(repr(c) for c in candidates[:3])
                hits.append(
                    Hits.file(
                        f"no column was recognised as the {requirement.label}{_on_sheet(sheet)}; {shown} may hold it: "
                        f"say so with --column {_field_for(requirement)}=\"{candidates[0]}\"",
                        column=candidates[0],
                    )
                )
        return hits


class RecommendedColumnMissing(Check):
    id = "recommended-column-missing"
    severity = "warning"
    title = "Recommended column missing"
    explanation = (
        "A field the regime asks for but many publishers leave out: irrecoverable VAT (most bodies "
        "recover all VAT and publish net amounts), transaction numbers, card merchant categories."
    )
    profiles = ("lgtc-500", "card")

    def find(self, ctx: Context) -> list[Hits]:
        hits = []
        for requirement in ctx.profile.recommended:
            for sheet, candidates in _requirement_state(ctx, requirement):
                maybe = f" ({candidates[0]!r} may hold it: --column {_field_for(requirement)}=\"{candidates[0]}\")" if candidates else ""
                hits.append(Hits.file(f"no column for the {requirement.label}{_on_sheet(sheet)}{maybe}", column=candidates[0] if candidates else None))
        return hits


class RequiredValueBlank(Check):
    id = "required-value-blank"
    severity = "error"
    title = "Required value blank"
    explanation = (
        "A required field is blank on a line. A blank supplier on a line marked redacted is allowed; "
        "a blank supplier with no redaction marker cannot be told from a mistake."
    )

    def find(self, ctx: Context) -> list[Hits]:
        hits = []
        for requirement in ctx.profile.required:
            if len(requirement.fields) != 1 or requirement.fields[0] == "amount":
                continue  # purpose has its own check; every line has an amount by definition
            field_name = requirement.fields[0]
            if not ctx.mapped(field_name):
                continue
            _, codes = ctx.field_text(field_name)
            blank = (codes < 0) & ctx.has_field(field_name)  # a sheet without the column is reported as missing
            if field_name == "supplier":
                blank &= ~ctx.redacted
            positions = np.flatnonzero(blank)
            if len(positions):
                hits.append(Hits(positions, f"the {requirement.label} is blank", field=field_name))
        return hits


# Purpose texts that say nothing about what the money was for.
def _vague_phrases() -> frozenset[str]:
    phrases = """misc | miscellaneous | miscellaneous expenditure | miscellaneous expenses | misc expenses |
    misc expenditure | other | others | other expenditure | other expenses | other costs | other payments |
    other services | other supplies | other goods | other items | sundry | sundries | sundry expenses |
    sundry items | sundry payments | various | various items | various expenses | general |
    general expenditure | general expenses | general costs | general payments | expenditure | expenses |
    expense | costs | cost | payment | payments | payment made | purchase | purchases | invoice | invoices |
    invoice payment | goods | services | goods and services | goods services | items | item | n a | na |
    none | nil | unknown | not known | tbc | tba | not applicable | see attached | see invoice |
    as per invoice | per invoice | see below | x | xx | xxx | 0"""
    return frozenset(p.strip() for p in phrases.split("|"))


VAGUE_PURPOSE_PHRASES = _vague_phrases()
# A bare ledger or cost code: `5710`, `K9534`, `Z400404`, `AB-1234`.
_LEDGER_CODE = re.compile(r"^[A-Za-z]{0,3}[-/. ]?\d{3,}[A-Za-z]?$")


def _purpose_kind(values: np.ndarray) -> np.ndarray:
    """Per distinct purpose text: '' (informative), 'vague' or 'code' (Arrow kernels, no loop)."""
    if not len(values):
        return np.array([], dtype=object)
    text = pc.utf8_trim_whitespace(pa.array(list(values), type=pa.string()).fill_null(""))
    words = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(text), r"[^a-z0-9]+", " "))
    vague = pc.or_(pc.is_in(words, value_set=pa.array(sorted(VAGUE_PURPOSE_PHRASES))), pc.equal(words, ""))
    code = pc.match_substring_regex(text, _LEDGER_CODE.pattern)
    kinds = np.full(len(values), "", dtype=object)
    kinds[code.to_numpy(zero_copy_only=False)] = "code"
    kinds[vague.to_numpy(zero_copy_only=False)] = "vague"
    kinds[np.array([v is None for v in values], dtype=bool)] = ""
    return kinds


def _purpose_analysis(ctx: Context) -> dict[str, np.ndarray] | None:
    """Per line: missing (all purpose fields blank), weak (every present purpose is vague,
    a code or the supplier's name), repeats (at least one repeats the supplier)."""
    key = ("purpose",)
    if key in ctx._cache:
        return ctx._cache[key]  # type: ignore[return-value]
    fields = [f for f in ctx.profile.purpose_fields if ctx.mapped(f)]
    if not fields:
        ctx._cache[key] = None
        return None
    present_any = np.zeros(ctx.count, dtype=bool)
    informative_any = np.zeros(ctx.count, dtype=bool)
    repeats_any = np.zeros(ctx.count, dtype=bool)
    code_any = np.zeros(ctx.count, dtype=bool)
    supplier_line_key = None  # an integer id per line of the supplier's normalised name, -1 where blank
    if ctx.mapped("supplier"):
        supplier_keys, supplier_codes = ctx.supplier_keys()
        key_index = pd.Index(pd.unique(supplier_keys[supplier_keys != ""])) if len(supplier_keys) else pd.Index([])
        key_of_name = key_index.get_indexer(supplier_keys) if len(supplier_keys) else np.array([], dtype=int)
        supplier_line_key = np.where(supplier_codes >= 0, key_of_name[np.maximum(supplier_codes, 0)] if len(key_of_name) else -1, -1)
    for field_name in fields:
        values, codes = ctx.text(field_name)
        kinds = _purpose_kind(values)
        present = codes >= 0
        present_any |= present
        line_kind = np.where(present, kinds[np.maximum(codes, 0)] if len(kinds) else "", "")
        repeats = np.zeros(ctx.count, dtype=bool)
        if supplier_line_key is not None and len(values):
            purpose_keys = np.array(normalise_names(pa.array(list(values), type=pa.string())).to_pylist(), dtype=object)
            purpose_ids = key_index.get_indexer(purpose_keys)  # -1 where no supplier has that name
            line_purpose_id = np.where(present, purpose_ids[np.maximum(codes, 0)], -1)
            repeats = present & (line_purpose_id >= 0) & (line_purpose_id == supplier_line_key)
        repeats_any |= repeats
        code_any |= present & (line_kind == "code")
        informative_any |= present & (line_kind == "") & ~repeats
    has_any = np.zeros(ctx.count, dtype=bool)
    for field_name in fields:
        has_any |= ctx.has_field(field_name)
    analysis = {
        "missing": ~present_any & has_any,
        "weak": present_any & ~informative_any,
        "repeats": present_any & ~informative_any & repeats_any,
        "code": present_any & ~informative_any & ~repeats_any & code_any,
        "fields": np.array(fields, dtype=object),
    }
    ctx._cache[key] = analysis
    return analysis


class PurposeMissing(Check):
    id = "purpose-missing"
    severity = "error"
    title = "Purpose missing"
    explanation = "A line has no expense type and no description: nothing says what the money was for."

    def find(self, ctx: Context) -> list[Hits]:
        analysis = _purpose_analysis(ctx)
        if analysis is None:
            return []
        positions = np.flatnonzero(analysis["missing"])
        field_name = str(analysis["fields"][0])
        return [Hits(positions, "no expense type or description says what the money was for", field=field_name)] if len(positions) else []


class PurposeRepeatsSupplier(Check):
    id = "purpose-repeats-supplier"
    severity = "error"
    title = "Purpose only repeats the supplier"
    explanation = "The only purpose given is the supplier's name again, which says nothing about what was bought."

    def find(self, ctx: Context) -> list[Hits]:
        analysis = _purpose_analysis(ctx)
        if analysis is None:
            return []
        positions = np.flatnonzero(analysis["repeats"])
        if not len(positions):
            return []
        field_name = str(analysis["fields"][0])
        values = ctx.value_of(field_name, positions)
        messages = [f"the purpose {v!r} only repeats the supplier's name" for v in values]
        return [Hits(positions, messages, field=field_name, value=values)]


class PurposeVague(Check):
    id = "purpose-vague"
    severity = "warning"
    title = "Purpose too vague"
    explanation = (
        "The only purpose given is a word like Miscellaneous, Other, Sundries, Various or General, or a "
        "bare ledger code such as 5710 or K9534, which does not tell a reader what was bought."
    )

    def find(self, ctx: Context) -> list[Hits]:
        analysis = _purpose_analysis(ctx)
        if analysis is None:
            return []
        weak = analysis["weak"] & ~analysis["repeats"]
        positions = np.flatnonzero(weak)
        if not len(positions):
            return []
        field_name = next((str(f) for f in analysis["fields"] if (ctx.text(str(f))[1][positions] >= 0).any()), str(analysis["fields"][0]))
        values = ctx.value_of(field_name, positions)
        code = analysis["code"][positions]
        messages = [
            f"the purpose {v!r} is only a ledger code" if is_code else f"the purpose {v!r} is too vague to say what was bought"
            for v, is_code in zip(values, code)
        ]
        return [Hits(positions, messages, field=field_name, value=values)]


def _pounds(pence: float) -> str:
    pence = int(pence)
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


class AmountUnparseable(Check):
    id = "amount-unparseable"
    severity = "error"
    title = "Amount not a number"
    explanation = "The amount cannot be read as pounds and pence, so the line's money is unknown."

    def find(self, ctx: Context) -> list[Hits]:
        positions = np.flatnonzero(np.isnan(ctx.amounts))
        if not len(positions):
            return []
        values = ctx.value_of("amount", positions)
        return [Hits(positions, [f"the amount {v!r} is not a number of pounds" for v in values], field="amount", value=values)]


class BelowThreshold(Check):
    id = "below-threshold"
    severity = "info"
    title = "Under the threshold"
    explanation = (
        "Lines under the profile's threshold (£500, £25,000). Thresholds are minimums: many bodies "
        "publish every line, and HMT invoices split into lines under £25,000, so this is information."
    )
    profiles = ("lgtc-500", "hmt-25k")

    def find(self, ctx: Context) -> list[Hits]:
        threshold = ctx.profile.threshold_pence
        if threshold is None:
            return []
        amounts = np.abs(ctx.amounts)
        positions = np.flatnonzero((amounts > 0) & (amounts < threshold))
        if not len(positions):
            return []
        limit = _pounds(threshold).removesuffix(".00")
        amounts = ctx.amounts[positions]
        return [Hits(positions, lambda i: f"{_pounds(amounts[i])} is under the {limit} threshold", field="amount")]


class ZeroAmount(Check):
    id = "zero-amount"
    severity = "warning"
    title = "Zero amount"
    explanation = "A line of £0.00 records no spend: usually a cancelled or fully credited item that should not be published."

    def find(self, ctx: Context) -> list[Hits]:
        positions = np.flatnonzero(ctx.amounts == 0)
        return [Hits(positions, "the amount is £0.00", field="amount", value=ctx.value_of("amount", positions))] if len(positions) else []


class CreditNote(Check):
    id = "credit-note"
    severity = "info"
    title = "Credit note (negative amount)"
    explanation = "Negative amounts are credit notes and refunds; the Code asks for credit notes over £500 to be published, so this is information."

    def find(self, ctx: Context) -> list[Hits]:
        positions = np.flatnonzero(ctx.amounts < 0)
        if not len(positions):
            return []
        amounts = ctx.amounts[positions]
        return [Hits(positions, lambda i: f"{_pounds(amounts[i])} is a credit", field="amount")]


class DateUnparseable(Check):
    id = "date-unparseable"
    severity = "error"
    title = "Date not a date"
    explanation = "The date cannot be read as a calendar date in the format the rest of the column uses."

    def find(self, ctx: Context) -> list[Hits]:
        if not ctx.mapped("date"):
            return []
        _, codes = ctx.field_text("date")
        positions = np.flatnonzero(ctx.lines["date"].isna().to_numpy() & (codes >= 0))
        if not len(positions):
            return []
        values = ctx.value_of("date", positions)
        return [Hits(positions, [f"the date {v!r} is not a date" for v in values], field="date", value=values)]


def _line_dates(ctx: Context) -> np.ndarray:
    return ctx.lines["date"].to_numpy(dtype="datetime64[D]")


class DateInFuture(Check):
    id = "date-in-future"
    severity = "error"
    title = "Date in the future"
    explanation = "A payment dated after today has not happened yet: usually a typing error in the year or month."

    def find(self, ctx: Context) -> list[Hits]:
        dates = _line_dates(ctx)
        positions = np.flatnonzero(dates > np.datetime64(ctx.today, "D"))
        if not len(positions):
            return []
        chosen = dates[positions]
        return [Hits(positions, lambda i: f"dated {chosen[i]}, after today ({ctx.today.isoformat()})", field="date")]


class DateOutsidePeriod(Check):
    id = "date-outside-period"
    severity = "warning"
    title = "Date outside the period"
    explanation = (
        "A line dated outside the period given with --period: a line that belongs in another "
        "period's file (or is repeated from one)."
    )
    source = "given"

    def find(self, ctx: Context) -> list[Hits]:
        period = ctx.period
        if period is None or period.source != self.source:
            return []
        dates = _line_dates(ctx)
        start, end = np.datetime64(period.start, "D"), np.datetime64(period.end, "D")
        future = dates > np.datetime64(ctx.today, "D")
        outside = ((dates < start) | (dates > end)) & ~future
        positions = np.flatnonzero(outside)
        if not len(positions):
            return []
        how = "given" if period.source == "given" else "inferred"
        chosen = dates[positions]

        def message(i: int) -> str:
            return f"dated {chosen[i]}, {'before' if chosen[i] < start else 'after'} the period {period.label} ({how})"

        return [Hits(positions, message, field="date")]


class DateOutsideInferredPeriod(DateOutsidePeriod):
    id = "date-outside-inferred-period"
    severity = "info"
    title = "Date outside the file's main month(s)"
    explanation = (
        "Without --period, the period is the month(s) most lines fall in. Lines outside it are often "
        "invoices dated when incurred and paid later, which the Code allows; give --period to make it a warning."
    )
    source = "inferred"


def _row_hashes(ctx: Context) -> np.ndarray:
    key = ("row_hashes",)
    if key not in ctx._cache:
        original = ctx.publication.original
        ctx._cache[key] = pd.util.hash_pandas_object(original.astype(object).where(original.notna(), None), index=False).to_numpy()
    return ctx._cache[key]  # type: ignore[return-value]


def _repeats(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """(positions of lines repeating an earlier line exactly, position of that first line)."""
    key = ("repeats",)
    if key not in ctx._cache:
        hashes = pd.Series(_row_hashes(ctx))
        positions = np.flatnonzero(hashes.duplicated(keep="first").to_numpy())
        first = pd.Series(np.arange(len(hashes))).groupby(hashes.to_numpy()).transform("first").to_numpy()
        ctx._cache[key] = (positions, first[positions])
    return ctx._cache[key]  # type: ignore[return-value]


def _numbers_identify_lines(ctx: Context) -> bool:
    """Whether the file's transaction numbers name single lines (Leeds' `1309-00001`, Oxford's
    `46279931_1`) rather than payments or invoices that span several lines. Only then is a
    line repeated exactly, number and all, certainly a duplicate."""
    if not ctx.mapped("transaction_id"):
        return False
    _, codes = ctx.text("transaction_id")
    repeated, _ = _repeats(ctx)
    keep = np.ones(ctx.count, dtype=bool)
    keep[repeated] = False
    numbered = codes[keep & (codes >= 0)]
    if not len(numbered):
        return False
    counts = np.bincount(numbered)
    shared = float((counts[numbered] > 1).mean())
    return shared < 0.01


class DuplicateLine(Check):
    id = "duplicate-line"
    severity = "warning"
    title = "Duplicate line"
    explanation = (
        "A line identical in every column to an earlier one, in a file whose transaction numbers otherwise "
        "name one line each: the same line published twice."
    )

    def find(self, ctx: Context) -> list[Hits]:
        if not _numbers_identify_lines(ctx):
            return []
        positions, first = _repeats(ctx)
        if not len(positions):
            return []
        rows = ctx.lines["source_row"].to_numpy()
        return [Hits(positions, lambda i: f"repeats row {rows[first[i]]} exactly, transaction number included", field="transaction_id")]


class RepeatedLine(Check):
    id = "repeated-line"
    severity = "info"
    title = "Identical lines"
    explanation = (
        "Lines identical in every column where transaction numbers span several lines or are absent: one "
        "invoice can carry identical lines (three season tickets, two residents at one rate), so confirm."
    )

    def find(self, ctx: Context) -> list[Hits]:
        if _numbers_identify_lines(ctx):
            return []
        positions, first = _repeats(ctx)
        if not len(positions):
            return []
        rows = ctx.lines["source_row"].to_numpy()
        field_name = "transaction_id" if ctx.mapped("transaction_id") else "supplier" if ctx.mapped("supplier") else None
        return [Hits(positions, lambda i: f"identical to row {rows[first[i]]}", field=field_name)]


def _numbers_across_suppliers(ctx: Context) -> pd.DataFrame | None:
    """Lines whose transaction number also appears on lines of another supplier: columns
    pos, tid (number code), suppliers and days (distinct on that number), others (text)."""
    key = ("numbers_across",)
    if key in ctx._cache:
        return ctx._cache[key]  # type: ignore[return-value]
    result = None
    if ctx.mapped("transaction_id") and ctx.mapped("supplier"):
        _, id_codes = ctx.text("transaction_id")
        keys, supplier_codes = ctx.supplier_keys()
        names, _ = ctx.text("supplier")
        usable = (id_codes >= 0) & (supplier_codes >= 0)
        if usable.any():
            key_ids, _ = pd.factorize(keys)
            positions = np.flatnonzero(usable)
            days = _line_dates(ctx)[positions].astype("int64")
            frame = pd.DataFrame({"tid": id_codes[usable], "key": key_ids[supplier_codes[usable]], "code": supplier_codes[usable], "pos": positions, "day": days})
            per_number = frame.groupby("tid")["key"].nunique()
            frame = frame[frame["tid"].map(per_number).to_numpy() > 1].copy()
            if not frame.empty:
                frame["suppliers"] = frame["tid"].map(per_number).to_numpy()
                frame["days"] = frame["tid"].map(frame.groupby("tid")["day"].nunique()).to_numpy()
                firsts = frame.drop_duplicates(["tid", "key"])
                examples: dict[int, list[str]] = defaultdict(list)
                for tid, code in zip(firsts["tid"].to_numpy(), firsts["code"].to_numpy()):
                    examples[tid].append(str(names[code]))
                others = []
                for tid, code in zip(frame["tid"].to_numpy(), frame["code"].to_numpy()):
                    rest = [n for n in examples[tid] if n != names[code]]
                    others.append(", ".join(repr(n) for n in rest[:2]) + (f" and {len(rest) - 2} more" if len(rest) > 2 else ""))
                frame["others"] = others
                result = frame
    ctx._cache[key] = result
    return result


class TransactionNumberReused(Check):
    id = "transaction-number-reused"
    severity = "warning"
    title = "One transaction number, two suppliers"
    explanation = (
        "The same transaction number on lines of one date naming two different suppliers: a mistyped number "
        "or supplier. Repeating a number across the lines of one payment to one supplier is normal."
    )

    def find(self, ctx: Context) -> list[Hits]:
        frame = _numbers_across_suppliers(ctx)
        if frame is None:
            return []
        frame = frame[(frame["suppliers"] == 2) & (frame["days"] == 1)]
        if frame.empty:
            return []
        ids, _ = ctx.text("transaction_id")
        tids = frame["tid"].to_numpy()
        messages = [f"transaction {ids[t]!r} is also on a line for {o}" for t, o in zip(tids, frame["others"])]
        return [Hits(frame["pos"].to_numpy(), messages, field="transaction_id", value=ids[tids])]


class TransactionNumberShared(Check):
    id = "transaction-number-shared"
    severity = "info"
    title = "Transaction numbers that are batch references"
    explanation = (
        "A transaction number on lines of three or more suppliers, or of two on different dates, is a payment "
        "run, batch or standing reference: allowed, but it cannot identify a payment when a reader asks."
    )

    def find(self, ctx: Context) -> list[Hits]:
        frame = _numbers_across_suppliers(ctx)
        if frame is None:
            return []
        frame = frame[(frame["suppliers"] > 2) | (frame["days"] > 1)]
        if frame.empty:
            return []
        ids, _ = ctx.text("transaction_id")
        tids = frame["tid"].to_numpy()
        messages = [
            f"transaction {ids[t]!r} is on lines of {n} suppliers" + (" on different dates" if n == 2 else "")
            for t, n in zip(tids, frame["suppliers"])
        ]
        return [Hits(frame["pos"].to_numpy(), messages, field="transaction_id", value=ids[tids])]


# --- Personal data ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped first-name list (spendcat/data/first_names.txt), lower case."""
    text = resources.files("spendcat.data").joinpath("first_names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


# Words that make a supplier a business, a body or a place rather than a person.
BUSINESS_WORDS = frozenset(
    ["ltd", "limited", "plc", "llp", "lp", "cic", "cio", "inc", "llc", "co", "company", "companies", "corp", "corporation", "group", "holdings", "services", "service", "solutions", "systems", "consultancy", "consultants", "consulting", "consultant", "associates", "partners", "partnership", "trust", "trustees", "foundation", "charity", "charitable", "society", "association", "assoc", "club", "council", "borough", "county", "city", "district", "parish", "town", "authority", "nhs", "hospital", "hospitals", "surgery", "practice", "medical", "health", "healthcare", "care", "carers", "homes", "home", "nursing", "nursery", "nurseries", "school", "schools", "academy", "academies", "college", "university", "institute", "centre", "center", "church", "chapel", "diocese", "mosque", "temple", "house", "lodge", "court", "hall", "manor", "farm", "farms", "park", "gardens", "garden", "view", "road", "street", "close", "place", "mill", "cottage", "cottages", "grange", "towers", "estate", "estates", "villa", "villas", "builders", "building", "buildings", "construction", "contractors", "contracting", "contractor", "electrical", "electrics", "electric", "plumbing", "plumbers", "heating", "roofing", "joinery", "decorating", "decorators", "cleaning", "cleaners", "cleaner", "landscapes", "landscaping", "gardening", "maintenance", "repairs", "removals", "haulage", "transport", "taxis", "taxi", "cars", "coaches", "coach", "travel", "tours", "motors", "motor", "garage", "engineering", "engineers", "surveyors", "architects", "solicitors", "accountants", "chambers", "law", "legal", "training", "education", "learning", "tuition", "tutoring", "therapy", "therapies", "therapeutic", "counselling", "psychology", "photography", "media", "design", "designs", "print", "printing", "printers", "signs", "studio", "studios", "productions", "events", "entertainment", "music", "theatre", "arts", "art", "catering", "foods", "food", "bakery", "butchers", "butcher", "cafe", "restaurant", "hotel", "hotels", "inn", "pub", "bar", "shop", "shops", "store", "stores", "supplies", "supply", "products", "equipment", "hire", "plant", "machinery", "tools", "direct", "online", "uk", "gb", "international", "global", "europe", "european", "national", "regional", "local", "community", "communities", "project", "projects", "network", "networks", "agency", "agencies", "recruitment", "staffing", "support", "resources", "management", "enterprises", "enterprise", "ventures", "industries", "trading", "traders", "trade", "fund", "appeal", "aid", "action", "foster", "fostering", "adoption", "childcare", "childminding", "childminder", "playgroup", "preschool", "kids", "children", "childrens", "youth", "family", "families", "people", "living", "independent", "brothers", "bros", "sons", "daughters", "pharmacy", "chemist", "chemists", "opticians", "dental", "dentist", "dentists", "clinic", "bank", "building", "society", "insurance", "finance", "financial", "capital", "investments", "properties", "property", "lettings", "letting", "housing", "homes", "hire", "skip", "skips", "waste", "recycling", "environmental", "ecology", "energy", "power", "water", "gas", "oil", "fuels", "fuel", "security", "fire", "safety", "alarms", "locksmiths", "glass", "glazing", "windows", "doors", "carpets", "flooring", "furniture", "furnishings", "office", "computers", "computer", "software", "technology", "technologies", "digital", "it", "web", "internet", "telecom", "telecoms", "communications", "mobile", "phones", "radio", "tv", "television", "newspaper", "news", "press", "publishing", "publications", "books", "library", "libraries", "museum", "gallery", "galleries", "sports", "sport", "leisure", "fitness", "gym", "swimming", "pool", "golf", "football", "rugby", "cricket", "tennis", "riding", "stables", "kennels", "cattery", "veterinary", "vets", "animal", "animals", "pets", "pet", "the", "of", "and", "for", "at", "in", "on", "by", "association", "federation", "union", "league", "committee", "board", "forum", "alliance", "collective", "cooperative", "coop", "initiative", "programme", "program", "scheme", "dining", "kitchen", "bistro", "catering", "florist", "florists", "organisation", "organization", "executive", "executives", "playground", "adventure", "platforms", "playscheme", "surveys", "survey"]
)
_TITLE_FIRST = re.compile(r"^(mr|mrs|miss|ms|mx|dr|master|mstr|rev|revd)\.?\s+\S", re.IGNORECASE)
_TITLE_LAST = re.compile(r"\s(mr|mrs|miss|ms|mx|dr)\.?$", re.IGNORECASE)
_INDIVIDUAL_TYPE = re.compile(
    r"^\s*(indv|indiv|individual|individuals|private individual|person|private person|personal|employee|staff)\s*$", re.IGNORECASE
)
# Supplier types that say nothing about the supplier's form (BIS types every supplier `VENDOR`).
_GENERIC_TYPE = re.compile(r"^\s*(vendors?|suppliers?|creditors?|payees?|others?|unknown|n/?a|none|general|sundry|one[- ]?off)\s*$", re.IGNORECASE)


def looks_personal(name: str, names: frozenset[str] | None = None) -> str | None:
    """Why a supplier name looks like a private individual's, or None.

    `Mr J Smith`, `SMITH J MRS`, `Jenny Archer`, `Smith, John`; never a name with a legal
    suffix or a business word (`John Lewis Plc`, `Jenny Archer Childcare`) or any digit or `&`.
    """
    names = first_names() if names is None else names
    text = " ".join(str(name).split())
    if not text or re.search(r"[\d&@/+*_#()]", text):
        return None
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*", text)
    lowered = [w.lower().strip("'-") for w in words]
    if not lowered or any(w in BUSINESS_WORDS for w in lowered):
        return None
    if _TITLE_FIRST.match(text) and len(words) >= 2:
        return "a personal title"
    if _TITLE_LAST.search(text) and len(words) >= 2:
        return "a personal title"
    if "," in text:
        surname, _, given = text.partition(",")
        given_words = given.split()
        if given_words and given_words[0].lower().strip(".") in names and len(surname.split()) == 1 and len(given_words) <= 2:
            return "a surname and first name"
        return None
    first, last = lowered[0], lowered[-1]
    if len(words) == 2 and first in names and len(last) > 1:
        return "a first name and surname"
    if len(words) == 3 and first in names and len(last) > 1 and (len(lowered[1]) == 1 or lowered[1] in names):
        return "a first name and surname"
    if len(words) == 3 and len(first) > 1 and lowered[1] in names and len(last) == 1:
        return "a surname, first name and initial"
    return None


def _classified_as_business(ctx: Context) -> np.ndarray:
    """Lines the publisher itself says name a business: a supplier type other than an
    individual (Devon's `SOLE`, `EY`, `LTD`), or a redaction-flag column holding another label
    (Tameside's `Business Payment` on sole traders named on purpose)."""
    business = np.zeros(ctx.count, dtype=bool)
    if ctx.mapped("supplier_type"):
        types, codes = ctx.text("supplier_type")
        not_individual = np.array([not _INDIVIDUAL_TYPE.match(str(t)) and not _GENERIC_TYPE.match(str(t)) for t in types], dtype=bool)
        business |= _line_mask(not_individual, codes)
    if ctx.mapped("redaction_flag"):
        flags, codes = ctx.text("redaction_flag")
        set_flags = redacted_suppliers(pd.Series([None] * len(flags), dtype=object), pd.Series(flags, dtype=object))
        labelled = np.array([bool(re.search(r"[A-Za-z]{3}", str(f))) for f in flags], dtype=bool) & ~set_flags
        business |= _line_mask(labelled, codes)
    return business


class SupplierLooksPersonal(Check):
    id = "supplier-looks-personal"
    severity = "warning"
    title = "Supplier looks like a private individual"
    explanation = (
        "An unredacted supplier written like a person's name (a title, or a first name and surname with no "
        "business word) or typed as an individual: foster carers and direct-payment recipients must be "
        "redacted. Sole traders may be named: lines the publisher types or flags as a business are left out."
    )

    def find(self, ctx: Context) -> list[Hits]:
        if not ctx.mapped("supplier"):
            return []
        names, codes = ctx.text("supplier")
        reasons = np.array([looks_personal(n) if n is not None else None for n in names], dtype=object)
        reason_of_line = np.where(codes >= 0, reasons[np.maximum(codes, 0)] if len(reasons) else None, None)
        if ctx.mapped("supplier_type"):
            types, type_codes = ctx.text("supplier_type")
            individual = np.array([bool(_INDIVIDUAL_TYPE.match(str(t))) for t in types], dtype=bool)
            typed = _line_mask(individual, type_codes) & (codes >= 0)
            reason_of_line = np.where(typed & (reason_of_line == None), "a supplier type of individual", reason_of_line)
        flagged = (reason_of_line != None) & ~ctx.redacted
        flagged &= ~_classified_as_business(ctx)
        positions = np.flatnonzero(flagged)
        if not len(positions):
            return []
        values = names[codes[positions]]
        messages = [f"{v!r} looks like a private individual ({r}) and the line is not marked redacted" for v, r in zip(values, reason_of_line[positions])]
        return [Hits(positions, messages, field="supplier", value=values)]


# Canonical fields whose values are numbers or codes by nature: a long digit run there is a
# reference, not a phone, bank or card number.
_ID_FIELDS = ("transaction_id", "supplier_id", "company_number", "charity_number", "vat_number", "contract_number", "project_code", "postcode", "currency", "capital_revenue")
_ID_HEADER = re.compile(r"\b(no|number|num|ref|reference|code|id|invoice|voucher|document|doc|po|order|account|acc|cac|ledger|gl|cost centre|company)\b")
_VALUE_FIELDS = ("amount", "vat", "date")


def _text_columns(ctx: Context, numbers: bool) -> list[str]:
    """Original headers to scan for personal data. With `numbers`, leave out columns of
    references and codes, where long digit runs are expected (card-number columns stay)."""
    skip = ctx.mapped_headers(_VALUE_FIELDS)
    if numbers:
        skip |= ctx.mapped_headers(_ID_FIELDS)
    headers = []
    for header in ctx.publication.original.columns:
        if header in skip:
            continue
        norm = normalise_header(str(header))
        if numbers and _ID_HEADER.search(norm) and "card" not in norm.split():
            continue
        if not numbers and header in ctx.mapped_headers(_ID_FIELDS) and "card" not in norm.split():
            continue
        headers.append(header)
    return headers


def _scan(ctx: Context, numbers: bool, prefilter: str, detect) -> list[Hits]:  # type: ignore[no-untyped-def]
    """Run `detect(text) -> message or None` on the distinct values of every scanned column
    that match `prefilter` (an Arrow regex), and broadcast to lines."""
    hits = []
    for header in _text_columns(ctx, numbers):
        values, codes = ctx.original(header)
        candidates = np.flatnonzero(_matches(values, prefilter))
        if not len(candidates):
            continue
        messages = np.full(len(values), None, dtype=object)
        for index in candidates:
            messages[index] = detect(str(values[index]))
        found = np.array([m is not None for m in messages], dtype=bool)
        line_found = _line_mask(found, codes)
        positions = np.flatnonzero(line_found)
        if len(positions):
            hits.append(Hits(positions, list(messages[codes[positions]]), column=str(header), value=values[codes[positions]]))
    return hits


_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _find_email(text: str) -> str | None:
    match = _EMAIL.search(text)
    return f"an e-mail address ({match.group(0)}) is published" if match else None


class EmailAddress(Check):
    id = "email-address"
    severity = "warning"
    title = "E-mail address in the data"
    explanation = "An e-mail address in a published column: often a person's, and never needed to say what was bought."

    def find(self, ctx: Context) -> list[Hits]:
        return _scan(ctx, False, r"[A-Za-z0-9]@[A-Za-z0-9-]+\.", _find_email)


_PHONE = re.compile(
    r"(?<![\w.,/-])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:1\d{2,4}|2\d|3\d{2}|7\d{3}|8\d{2})\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w.,/-])"
)


def _find_phone(text: str) -> str | None:
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if digits.startswith("44"):
            digits = "0" + digits[2:].lstrip("0")
        if len(digits) in (10, 11):
            return f"a telephone number ({match.group(0).strip()}) is published"
    return None


class PhoneNumber(Check):
    id = "phone-number"
    severity = "warning"
    title = "Telephone number in the data"
    explanation = "A UK telephone number in a published text column: often a person's contact details."

    def find(self, ctx: Context) -> list[Hits]:
        return _scan(ctx, True, r"(\+44|\b0[1-37-8])\d?[\d\s()-]{8,}", _find_phone)


_SORT_CODE = re.compile(r"(?<![\d-])(\d{2})[- ](\d{2})[- ](\d{2})(?![\d-])")
_ACCOUNT = re.compile(r"(?<!\d)\d{8}(?!\d)")
_BANK_WORDS = re.compile(r"\b(sort|s/c|sc|a/c|acc|acct|account|bank|iban)\b", re.IGNORECASE)
_IBAN = re.compile(r"\bGB\d{2}\s?[A-Z]{4}\s?(?:\d{4}\s?){3}\d{2}\b")


def _find_bank_details(text: str) -> str | None:
    if _IBAN.search(text.upper()):
        return "a bank account (IBAN) is published"
    sort_code = _SORT_CODE.search(text)
    if sort_code and _ACCOUNT.search(text[: sort_code.start()] + " " + text[sort_code.end() :]):
        day, month = int(sort_code.group(1)), int(sort_code.group(2))
        looks_like_date = 1 <= day <= 31 and 1 <= month <= 12
        if not looks_like_date or _BANK_WORDS.search(text):
            return "a sort code and account number are published"
    return None


class BankDetails(Check):
    id = "bank-details"
    severity = "error"
    title = "Bank details in the data"
    explanation = "A sort code with an account number (or a UK IBAN) in a published column: bank details must never be published."

    def find(self, ctx: Context) -> list[Hits]:
        return _scan(ctx, True, r"\d{2}[- ]\d{2}[- ]\d{2}|GB\d{2}\s?[A-Za-z]{4}", _find_bank_details)


_CARD_RUN = re.compile(r"(?<![\d*xX#])(?:\d[ -]?){12,18}\d(?![\d])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _find_card(text: str) -> str | None:
    for match in _CARD_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        # Card numbers start 2-6 (Mastercard 2-series, Amex 3, Visa 4, Mastercard 5, others 6).
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and len(set(digits)) > 2 and luhn_valid(digits):
            return f"an unmasked card number ending {digits[-4:]} is published"
    return None


class CardNumber(Check):
    id = "card-number"
    severity = "error"
    title = "Card number in the data"
    explanation = "A 13-19 digit number passing the Luhn check: an unmasked payment card number. Masked numbers (************9474) are fine."

    def find(self, ctx: Context) -> list[Hits]:
        return _scan(ctx, True, r"\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d", _find_card)


def _redaction_spelling(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


class RedactionSpellings(Check):
    id = "redaction-spellings"
    severity = "warning"
    title = "Redaction written several ways"
    explanation = (
        "Redacted lines marked in several spellings for the same reason (REDACTED, Name withheld, a blank "
        "supplier with a flag...): one marker per reason lets readers count and filter them."
    )

    def find(self, ctx: Context) -> list[Hits]:
        if not ctx.mapped("supplier") or not ctx.redacted.any():
            return []
        names, codes = ctx.text("supplier")
        # Only the markers: a name left beside a set flag is redaction-flag-with-name's business.
        is_marker = np.array([bool(REDACTED_SUPPLIER.search(str(n))) for n in names], dtype=bool)
        redacted = np.flatnonzero(ctx.redacted & ((codes < 0) | _line_mask(is_marker, codes)))
        if not len(redacted):
            return []
        spellings = np.array(
            ["(blank supplier, flagged)" if codes[p] < 0 else _redaction_spelling(str(names[codes[p]])) for p in redacted], dtype=object
        )
        # Different reasons (personal data, commercial confidentiality) are different markers on purpose.
        reasons = np.array(["commercial" if re.search(r"commerc|confiden|sensitiv", s) else "personal" for s in spellings], dtype=object)
        hits_positions, messages = [], []
        for reason in np.unique(reasons):
            in_reason = reasons == reason
            counts = Counter(spellings[in_reason])
            if len(counts) < 2:
                continue
            main, _ = counts.most_common(1)[0]
            shown = {s: (str(names[codes[p]]) if codes[p] >= 0 else s) for s, p in zip(spellings[in_reason], redacted[in_reason])}
            for spelling, position in zip(spellings[in_reason], redacted[in_reason]):
                if spelling != main:
                    hits_positions.append(position)
                    messages.append(f"redaction written {shown[spelling]!r}; most redacted lines say {shown[main]!r}")
        if not hits_positions:
            return []
        order = np.argsort(hits_positions, kind="stable")
        positions = np.asarray(hits_positions)[order]
        return [Hits(positions, [messages[i] for i in order], field="supplier")]


class RedactionFlagWithName(Check):
    id = "redaction-flag-with-name"
    severity = "error"
    title = "Redaction flag set, name still published"
    explanation = "The line's redaction flag says the supplier is withheld, yet the supplier column still names them."

    def find(self, ctx: Context) -> list[Hits]:
        if not (ctx.mapped("redaction_flag") and ctx.mapped("supplier")):
            return []
        flag = ctx.lines["redaction_flag"]
        flagged = redacted_suppliers(pd.Series([None] * ctx.count, dtype=object), flag)
        names, codes = ctx.text("supplier")
        is_marker = np.array([bool(REDACTED_SUPPLIER.search(str(n))) for n in names], dtype=bool)
        named = (codes >= 0) & ~_line_mask(is_marker, codes)
        positions = np.flatnonzero(flagged & named)
        if not len(positions):
            return []
        values = names[codes[positions]]
        flags = ctx.value_of("redaction_flag", positions)
        messages = [f"flagged {f!r} but the supplier {v!r} is published" for v, f in zip(values, flags)]
        return [Hits(positions, messages, field="supplier", value=values)]


# --- Suppliers --------------------------------------------------------------------------------

_BLOCK_LIMIT = 300
# Extra words that leave a supplier the same supplier: `Bupa Care Homes` / `Bupa Care Homes UK`.
_NEUTRAL_TOKENS = frozenset({"uk", "gb", "group", "the", "ltd", "limited"})


def _same_supplier(a: str, b: str) -> bool:
    """Whether two different normalised names are one supplier written two ways: a typo, a
    truncation (fixed-width ledgers cut names), or a neutral extra word; never different
    numbers or different whole words (`Exeter Academy Alph` / `Exeter Academy Bow`)."""
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    short, long = sorted((a, b), key=len)
    if len(short) >= 12 and long.startswith(short) and long[len(short)] != " ":
        return True  # cut mid-word by a fixed-width field
    ta, tb = a.split(), b.split()
    only_a = [t for t in ta if t not in tb]
    only_b = [t for t in tb if t not in ta]
    if not only_a and not only_b:
        return True  # same words, another order or spacing
    if (not only_a and set(only_b) <= _NEUTRAL_TOKENS) or (not only_b and set(only_a) <= _NEUTRAL_TOKENS):
        return True
    if len(only_a) != 1 or len(only_b) != 1:
        return False
    x, y = only_a[0], only_b[0]
    if min(len(x), len(y)) < 4 or x[0] != y[0]:
        return False
    # A typo, not another word: `Bedfordshire` and `Hertfordshire` are two universities.
    return Levenshtein.distance(x, y) <= (1 if max(len(x), len(y)) < 8 else 2)


def supplier_variant_groups(names: Sequence[str], weights: Sequence[int] | None = None) -> list[list[int]]:
    """Groups (indices into `names`) of one supplier written several ways: the same
    normalised name, or near-identical normalised names found within blocks of names that
    share their first word (never everything against everything)."""
    if not len(names):
        return []
    keys = normalise_names(pa.array([str(n) for n in names], type=pa.string())).to_pylist()
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    by_key: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key:
            by_key[key].append(index)
    for members in by_key.values():
        for other in members[1:]:
            union(members[0], other)
    unique_keys = list(by_key)
    blocks: dict[str, list[int]] = defaultdict(list)
    for key_index, key in enumerate(unique_keys):
        blocks[key.split()[0]].append(key_index)
    for block in blocks.values():
        if len(block) < 2 or len(block) > _BLOCK_LIMIT:
            continue
        block_keys = [unique_keys[i] for i in block]
        # Scored in C, the whole block at once; only close pairs reach the Python rules.
        scores = process.cdist(block_keys, block_keys, scorer=fuzz.ratio, score_cutoff=75, dtype=np.uint8)
        for i, j in zip(*np.nonzero(np.triu(scores, 1))):
            ka, kb = block_keys[i], block_keys[j]
            if _same_supplier(ka, kb):
                union(by_key[ka][0], by_key[kb][0])
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(names)):
        if keys[index]:
            groups[root(index)].append(index)
    return [g for g in groups.values() if len(g) > 1]


class SupplierNameVariants(Check):
    id = "supplier-name-variants"
    severity = "info"
    title = "One supplier written several ways"
    explanation = (
        "Spellings of what looks like one supplier (case, legal suffix, punctuation, a typo or a truncated "
        "name): one spelling per supplier lets readers total what each was paid."
    )

    def find(self, ctx: Context) -> list[Hits]:
        if not ctx.mapped("supplier"):
            return []
        names, codes = ctx.text("supplier")
        usable = (codes >= 0) & ~ctx.redacted
        counts = np.bincount(codes[usable], minlength=len(names)) if len(names) else np.array([], dtype=int)
        present = np.flatnonzero(counts > 0)
        groups = supplier_variant_groups([str(names[i]) for i in present])
        message_of = np.full(len(names), None, dtype=object)
        for group in groups:
            members = present[group]
            main = members[np.argmax(counts[members])]
            for member in members:
                if member != main:
                    message_of[member] = f"{names[member]!r} looks like {names[main]!r} ({counts[main]:,} line{'s' if counts[main] != 1 else ''}) written another way"
        found = np.array([m is not None for m in message_of], dtype=bool)
        positions = np.flatnonzero(_line_mask(found, codes) & usable)
        if not len(positions):
            return []
        return [Hits(positions, list(message_of[codes[positions]]), field="supplier", value=names[codes[positions]])]


class SupplierIdSeveralNames(Check):
    id = "supplier-id-several-names"
    severity = "warning"
    title = "One supplier id, several names"
    explanation = "Lines sharing a supplier id but naming different suppliers (beyond case and legal suffix): a wrong id or a wrong name."

    def find(self, ctx: Context) -> list[Hits]:
        if not (ctx.mapped("supplier_id") and ctx.mapped("supplier")):
            return []
        ids, id_codes = ctx.text("supplier_id")
        keys, supplier_codes = ctx.supplier_keys()
        names, _ = ctx.text("supplier")
        usable = (id_codes >= 0) & (supplier_codes >= 0) & ~ctx.redacted
        if not usable.any():
            return []
        key_ids, _ = pd.factorize(keys)
        frame = pd.DataFrame({"sid": id_codes[usable], "key": key_ids[supplier_codes[usable]], "code": supplier_codes[usable], "pos": np.flatnonzero(usable)})
        per_id = frame.groupby("sid")["key"].nunique()
        several = per_id[per_id > 1].index
        frame = frame[frame["sid"].isin(several)]
        if frame.empty:
            return []
        sizes = frame.groupby(["sid", "key"]).size().rename("n").reset_index()
        main = sizes.sort_values(["sid", "n"], ascending=[True, False], kind="stable").drop_duplicates("sid").set_index("sid")["key"]
        main_code = frame.drop_duplicates(["sid", "key"]).set_index(["sid", "key"])["code"]
        minority = frame[frame["key"].to_numpy() != main.reindex(frame["sid"]).to_numpy()]
        if minority.empty:
            return []
        messages = [
            f"supplier id {ids[sid]!r} is {names[main_code[(sid, main[sid])]]!r} on other lines, {names[code]!r} here"
            for sid, code in zip(minority["sid"].to_numpy(), minority["code"].to_numpy())
        ]
        return [Hits(minority["pos"].to_numpy(), messages, field="supplier_id", value=ids[minority["sid"].to_numpy()])]


# --- Identifiers ------------------------------------------------------------------------------

_NO_VALUE = frozenset({"", "na", "n/a", "n.a.", "none", "nil", "-", "--", "0", "not applicable", "not registered", "exempt", "unknown", "tbc", "null", "no", "not vat registered", "non vat registered", "x"})
_COMPANY_PREFIXES = ["AC", "BR", "CE", "CS", "FC", "FE", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC", "NF", "NI", "NL", "NO", "NP", "NR", "NV", "NZ", "OC", "OE", "PC", "RC", "RS", "SA", "SC", "SE", "SF", "SG", "SI", "SL", "SO", "SP", "SR", "SZ", "ZC"]
_COMPANY = re.compile(r"^(\d{1,8}|(?:" + "|".join(_COMPANY_PREFIXES) + r")\d{6}|R0\d{6}|(?:IP|SP|NP)\d{5}R)$")


def _identifier(value: object) -> str | None:
    text = re.sub(r"[\s.\-]", "", str(value)).upper()
    return None if str(value).strip().lower() in _NO_VALUE or text in ("", "NA", "NONE") else text


def company_number_problem(value: object) -> str | None:
    """Why a Companies House number cannot be valid, or None."""
    text = _identifier(value)
    if text is None:
        return None
    if _COMPANY.match(text) and text.strip("0") != "" and text.lstrip("0") != "":
        return None
    return "is not 8 digits or a 2-letter prefix (SC, NI, OC...) and 6 digits"


_CHARITY = re.compile(r"^(\d{6,8}(-\d{1,3})?|SC\d{6}|NIC\d{6})$")


def charity_number_problem(value: object) -> str | None:
    """Why a charity number cannot be valid (England and Wales, Scotland, Northern Ireland), or None."""
    raw = str(value).strip()
    if raw.lower() in _NO_VALUE:
        return None
    text = re.sub(r"\s", "", raw).upper()
    if _CHARITY.match(text):
        return None
    return "is not 6-8 digits (England and Wales, optional -n), SC and 6 digits (Scotland) or NIC and 6 digits (Northern Ireland)"


def vat_check_digits_ok(nine: str) -> bool:
    """HMRC's check on a 9-digit VAT number: the weighted sum of the first 7 digits plus the
    last two is 0 modulo 97 (older numbers) or 0 after adding 55 (the 9755 scheme)."""
    if nine == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(nine[:7], range(8, 1, -1))) + int(nine[7:])
    return total % 97 == 0 or (total + 55) % 97 == 0


def vat_number_problem(value: object) -> str | None:
    """Why a UK VAT registration number cannot be valid, or None (foreign numbers pass)."""
    text = _identifier(value)
    if text is None:
        return None
    country = text[:2] if text[:2].isalpha() else ""
    body = text[2:] if country else text
    if country in ("GD", "HA"):
        if re.fullmatch(r"\d{3}", body) and (int(body) < 500) == (country == "GD"):
            return None
        return f"is not {country} and 3 digits ({'000-499' if country == 'GD' else '500-999'})"
    if country and country not in ("GB", "XI"):
        return None  # another country's number: not HMRC's to check
    if not re.fullmatch(r"\d{9}|\d{12}", body):
        return "is not GB and 9 digits (or 12 for a branch)"
    if not vat_check_digits_ok(body[:9]):
        return "fails HMRC's check digits"
    return None


def _identifier_hits(ctx: Context, field_name: str, problem, label: str) -> list[Hits]:  # type: ignore[no-untyped-def]
    if not ctx.mapped(field_name):
        return []
    values, codes = ctx.text(field_name)
    problems = np.array([problem(v) if v is not None else None for v in values], dtype=object)
    found = np.array([p is not None for p in problems], dtype=bool)
    positions = np.flatnonzero(_line_mask(found, codes))
    if not len(positions):
        return []
    chosen = codes[positions]
    messages = [f"{label} {values[c]!r} {problems[c]}" for c in chosen]
    return [Hits(positions, messages, field=field_name, value=values[chosen])]


class CompanyNumberInvalid(Check):
    id = "company-number-invalid"
    severity = "error"
    title = "Company number cannot be valid"
    explanation = "A Companies House number is 8 characters: digits, or a 2-letter prefix (SC, NI, OC, SO, NC, LP, SL, R0, FC...) and 6 digits."

    def find(self, ctx: Context) -> list[Hits]:
        return _identifier_hits(ctx, "company_number", company_number_problem, "the company number")


class CharityNumberInvalid(Check):
    id = "charity-number-invalid"
    severity = "error"
    title = "Charity number cannot be valid"
    explanation = "Charity numbers: England and Wales 6-8 digits (optional -n suffix), Scotland SC and 6 digits, Northern Ireland NIC and 6 digits."

    def find(self, ctx: Context) -> list[Hits]:
        return _identifier_hits(ctx, "charity_number", charity_number_problem, "the charity number")


class VatNumberInvalid(Check):
    id = "vat-number-invalid"
    severity = "error"
    title = "VAT number fails HMRC's check"
    explanation = "A UK VAT number is GB and 9 digits passing HMRC's modulus-97 check (or the 9755 variant), 12 for a branch, or GD/HA and 3 digits."

    def find(self, ctx: Context) -> list[Hits]:
        return _identifier_hits(ctx, "vat_number", vat_number_problem, "the VAT number")


CHECKS: tuple[Check, ...] = (
    RequiredColumnMissing(),
    RequiredColumnUnrecognised(),
    RecommendedColumnMissing(),
    RequiredValueBlank(),
    PurposeMissing(),
    PurposeRepeatsSupplier(),
    PurposeVague(),
    AmountUnparseable(),
    BelowThreshold(),
    ZeroAmount(),
    CreditNote(),
    DateUnparseable(),
    DateInFuture(),
    DateOutsidePeriod(),
    DateOutsideInferredPeriod(),
    DuplicateLine(),
    RepeatedLine(),
    TransactionNumberReused(),
    TransactionNumberShared(),
    SupplierLooksPersonal(),
    EmailAddress(),
    PhoneNumber(),
    BankDetails(),
    CardNumber(),
    RedactionSpellings(),
    RedactionFlagWithName(),
    SupplierNameVariants(),
    SupplierIdSeveralNames(),
    CompanyNumberInvalid(),
    CharityNumberInvalid(),
    VatNumberInvalid(),
)
CHECKS_BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}


def list_checks() -> list[dict[str, Any]]:
    """Every check: id, severity, title, explanation, profiles (for `--list-checks`)."""
    return [c.to_dict() for c in CHECKS]


# --- The engine ---------------------------------------------------------------------------


def _outcome(ctx: Context, check: Check, hits: list[Hits], keep: int | None) -> CheckOutcome:
    file_level = [h for h in hits if h.lines is None]
    line_hits = [h for h in hits if h.lines is not None and len(h.lines)]
    count = len(file_level) + sum(len(h.lines) for h in line_hits)  # type: ignore[arg-type]
    positions = np.concatenate([h.lines for h in line_hits]).astype(np.int64) if line_hits else np.array([], dtype=np.int64)  # type: ignore[misc]
    distinct = np.unique(positions)
    amounts = ctx.amounts[distinct] if len(distinct) else np.array([])
    pence = int(np.nansum(np.abs(amounts))) if len(amounts) else 0
    share = 100.0 * len(distinct) / ctx.count if ctx.count else 0.0
    findings: list[Finding] = []
    limit = count if keep is None else keep
    for hit in file_level[:limit]:
        findings.append(Finding(check.id, check.severity, ctx.publication.file, None, hit.column, str(hit.message)))
    room = limit - len(findings)
    if room > 0 and len(positions):
        hit_index = np.concatenate([np.full(len(h.lines), i) for i, h in enumerate(line_hits)])  # type: ignore[arg-type]
        within = np.concatenate([np.arange(len(h.lines)) for h in line_hits])  # type: ignore[arg-type]
        order = np.argsort(positions, kind="stable")[:room]
        rows = ctx.lines["source_row"].to_numpy()
        sheets = ctx.lines["source_sheet"].astype(object).to_numpy() if "source_sheet" in ctx.lines else None
        for k in order:
            hit = line_hits[hit_index[k]]
            i = within[k]
            position = positions[k]
            column = hit.column if hit.column is not None else (ctx.headers_of_lines(hit.field, np.array([position]))[0] if hit.field else None)
            if isinstance(hit.message, str):
                message = hit.message
            elif callable(hit.message):
                message = hit.message(int(i))
            else:
                message = hit.message[i]
            if hit.value is not None:
                value = hit.value[i]
            elif hit.field:
                value = ctx.value_of(hit.field, np.array([position]))[0]
            else:
                value = None
            amount = ctx.amounts[position]
            findings.append(
                Finding(
                    check.id,
                    check.severity,
                    ctx.publication.file,
                    int(rows[position]),
                    None if column is None else str(column),
                    str(message),
                    None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value),
                    None if np.isnan(amount) else int(amount),
                    None if sheets is None else str(sheets[position]),
                )
            )
    return CheckOutcome(check.id, check.severity, check.title, count, len(distinct), round(share, 2), pence, tuple(findings))


def check_publication(
    publication: Publication,
    profile: str | Profile | None = None,
    period: Period | str | None = None,
    today: date | None = None,
    keep: int | None = DEFAULT_KEEP,
) -> PublicationResult:
    """Run every check of a profile (chosen from the columns when not given) on one publication.

    `period`: the dates the file covers (`Period`, or text like `2024-04..2024-06`); inferred
    from the dominant month(s) when not given. `today`: the date after which a payment is in
    the future. `keep`: findings listed per check (None for all; counts are always complete).
    """
    notes = []
    if profile is None:
        chosen, reason = choose_profile(publication)
        reason = f"chosen from the columns: {reason}"
    else:
        chosen = profile if isinstance(profile, Profile) else _profile(profile)
        reason = "given with --profile"
    if isinstance(period, str):
        period = parse_period(period)
    if period is None and "date" in publication.lines:
        period = infer_period(publication.lines["date"])
    if period is None:
        notes.append("no dates could be read, so no period was checked")
    today = today or date.today()
    ctx = Context(publication, chosen, period, today)
    outcomes = tuple(_outcome(ctx, check, check.find(ctx), keep) for check in chosen.checks)
    return PublicationResult(
        file=publication.file,
        profile=chosen.id,
        profile_reason=reason,
        period=period,
        lines=ctx.count,
        amount_pence=int(publication.lines["amount_pence"].sum()) if ctx.count else 0,
        outcomes=outcomes,
        notes=tuple(notes),
    )


def _profile(name: str) -> Profile:
    if name not in PROFILES:
        raise BadOption(f"--profile {name!r}: choose {', '.join(PROFILES)}")
    return PROFILES[name]


def check_fail_on(level: str) -> str:
    if level not in SEVERITIES:
        raise BadOption(f"--fail-on {level!r}: choose error, warning or info")
    return level


def check_paths(
    paths: Iterable[str | Path],
    options: ReadOptions | None = None,
    profile: str | None = None,
    period: str | Period | None = None,
    today: date | None = None,
    fail_on: str = "error",
    keep: int | None = DEFAULT_KEEP,
) -> CheckReport:
    """Read and check each file; a file that cannot be read is reported, not raised, so one
    bad file does not hide the findings of the others. Bad options still raise BadOption."""
    check_fail_on(fail_on)
    if profile is not None:
        _profile(profile)
    if isinstance(period, str):
        period = parse_period(period)
    results, unreadable = [], []
    for path in paths:
        try:
            publications = read_publications(path, options or ReadOptions())
        except BadOption:
            raise
        except SpendcatError as error:
            unreadable.append(Unreadable(str(path), str(error)))
            continue
        for publication in publications:
            results.append(check_publication(publication, profile, period, today, keep))
    return CheckReport(tuple(results), tuple(unreadable), fail_on)


# --- Serialisations -----------------------------------------------------------------------


def short_pounds(pence: int) -> str:
    """`£1.2m`, `£12.3k`, `£950`: money at a glance (integer arithmetic)."""
    pounds = abs(int(pence)) // 100
    if pounds >= 1_000_000:
        return f"£{pounds / 1_000_000:.1f}m"
    if pounds >= 10_000:
        return f"£{pounds / 1_000:.0f}k"
    if pounds >= 1_000:
        return f"£{pounds / 1_000:.1f}k"
    return f"£{pounds:,}"


def outcome_summary(outcome: CheckOutcome, total_lines: int | None = None) -> str:
    """`312 lines, 4% of lines, £1.2m` (or the count of file-level findings)."""
    if outcome.lines == 0:
        return f"{outcome.count:,} finding{'s' if outcome.count != 1 else ''} about the file"
    share = f"{outcome.share:.0f}%" if outcome.share >= 1 else ("<1%" if outcome.share > 0 else "0%")
    return f"{outcome.lines:,} line{'s' if outcome.lines != 1 else ''}, {share} of lines, {short_pounds(outcome.amount_pence)}"


def to_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def _where(finding: Finding) -> str:
    parts = []
    if finding.sheet:
        parts.append(f"sheet {finding.sheet}")
    if finding.row is not None:
        parts.append(f"row {finding.row}")
    if finding.column:
        parts.append(f"column {finding.column!r}")
    return ", ".join(parts)


def to_junit(report: CheckReport) -> str:
    """JUnit XML: a testsuite per file, a testcase per check; a check fails when it has
    findings at or above `fail_on`."""
    suites = ET.Element("testsuites", name="spendcat check")
    total_tests = total_failures = total_errors = 0
    for result in report.results:
        failures = 0
        suite = ET.SubElement(suites, "testsuite", name=result.file)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="profile", value=result.profile)
        ET.SubElement(properties, "property", name="period", value=result.period.label if result.period else "")
        for outcome in result.outcomes:
            case = ET.SubElement(suite, "testcase", classname=f"spendcat.check.{result.profile}", name=outcome.check, file=result.file)
            if outcome.count and RANK[outcome.severity] >= RANK[report.fail_on]:
                failures += 1
                failure = ET.SubElement(case, "failure", type=outcome.check, message=f"{outcome.severity}: {outcome.title}: {outcome_summary(outcome)}")
                failure.text = "\n".join(f"{_where(f)}: {f.message}" for f in outcome.findings)
            elif outcome.count:
                out = ET.SubElement(case, "system-out")
                out.text = f"{outcome.severity}: {outcome.title}: {outcome_summary(outcome)}\n" + "\n".join(f"{_where(f)}: {f.message}" for f in outcome.findings)
        suite.set("tests", str(len(result.outcomes)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += len(result.outcomes)
        total_failures += failures
    for unreadable in report.unreadable:
        suite = ET.SubElement(suites, "testsuite", name=unreadable.file, tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", classname="spendcat.check", name="read", file=unreadable.file)
        ET.SubElement(case, "error", type="unreadable", message=unreadable.message)
        total_tests += 1
        total_errors += 1
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", str(total_errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
GITHUB_PER_CHECK = 10  # GitHub shows only the first few annotations of each level per step


def to_github(report: CheckReport, per_check: int = GITHUB_PER_CHECK) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...,title=...::message`,
    the first findings of each check and one line with the rest's count."""
    lines = []
    for result in report.results:
        for outcome in result.outcomes:
            if not outcome.count:
                continue
            level = _GITHUB_LEVEL[outcome.severity]
            for finding in outcome.findings[:per_check]:
                props = [f"file={_escape_property(finding.file)}"]
                if finding.row is not None:
                    props.append(f"line={finding.row}")
                props.append(f"title={_escape_property(f'{outcome.check}: {outcome.title}')}")
                where = f"{finding.column}: " if finding.column else ""
                lines.append(f"::{level} {','.join(props)}::{_escape_data(where + finding.message)}")
            shown = min(per_check, len(outcome.findings))
            if outcome.count > shown:
                props = f"file={_escape_property(result.file)},title={_escape_property(f'{outcome.check}: {outcome.title}')}"
                lines.append(f"::{level} {props}::{_escape_data(f'{outcome.count - shown:,} more: {outcome_summary(outcome)} in all')}")
    for unreadable in report.unreadable:
        lines.append(f"::error file={_escape_property(unreadable.file)},title=unreadable::{_escape_data(unreadable.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


__all__ = [
    "CHECKS",
    "CHECKS_BY_ID",
    "PROFILES",
    "Check",
    "CheckOutcome",
    "CheckReport",
    "Context",
    "Finding",
    "Hits",
    "Period",
    "Profile",
    "PublicationResult",
    "check_paths",
    "check_publication",
    "choose_profile",
    "infer_period",
    "list_checks",
    "parse_period",
    "to_github",
    "to_json",
    "to_junit",
]
