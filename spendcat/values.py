"""Parse the values of a publication: money to exact integer pence, dates, redaction.

Everything here works on whole Arrow columns, or on the unique values of a column where the
answer depends only on the value (dates, redaction), never on one row at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Anything that can stand beside the digits of an amount and means nothing: currency signs
# and codes, spaces (including the no-break space Excel exports), a leading plus.
_MONEY_NOISE = "[£$€\\s\u00a0+]|GBP|EUR|USD"
# Checked after the noise is gone, so `£-5.00`, `£(12.00)` and `100 CR` are negative too.
_NEGATIVE = r"^-|-$|^\(.*\)$|(?i:CR)$"
# Thousands separators, where used, must group by three: `1,2,3` or `12,34` is not an
# amount (it is reported), rather than silently read as 123.00 or 1,234.00.
_GROUPED = r"^(\d{1,3}(,\d{3})+|\d*)(\.\d*)?$"
_GROUPED_DECIMAL_COMMA = r"^(\d{1,3}(\.\d{3})+|\d*)(,\d*)?$"
_AMOUNT_SHAPE = r"^(\d{1,15}(\.\d*)?|\.\d+)$"
# Three fractional digits are enough to round half-up to the penny exactly: cutting the
# digits after them cannot move a value across a half-penny boundary.
_FRACTION_KEPT = r"(\.\d{3})\d+$"


@dataclass(frozen=True)
class ParsedAmounts:
    pence: pa.Array  # int64, null where the text was blank or could not be parsed
    invalid: np.ndarray  # bool per row: text present but not an amount
    decimal_comma: bool


def _strip(text: pa.Array) -> pa.Array:
    return pc.utf8_trim(text, characters=" \t\r\n\u00a0")


def uses_decimal_comma(text: pa.Array) -> bool:
    """Whether a column writes amounts as `1.234,56`: decided once for the whole column."""
    comma_decimal = pc.sum(pc.match_substring_regex(text, r"(^|[^,.\d])\d*(\.\d{3})*,\d{1,2}\)?\s*-?$")).as_py() or 0
    dot_decimal = pc.sum(pc.match_substring_regex(text, r"\.\d{1,2}\)?\s*-?$|,\d{3}\.")).as_py() or 0
    return comma_decimal > 0 and dot_decimal == 0


def parse_amounts(text: pa.Array, decimal_comma: bool | None = None) -> ParsedAmounts:
    """Exact pence from published amount text.

    Accepts `1,234.56`, `£4,800.00`, `-£790.94`, `(1,234.56)`, ` 2,010.00 `, `750`,
    float noise such as `1225.1899999999998` (rounded half-up to the penny) and, when the
    column uses them throughout, decimal commas (`1.234,56`).
    """
    text = _strip(text.cast(pa.string()).fill_null(""))
    if decimal_comma is None:
        decimal_comma = uses_decimal_comma(text)
    # A minus sign or an en dash typed by a word processor still means minus.
    digits = pc.replace_substring_regex(text, "[\u2212\u2013]", "-")
    digits = pc.replace_substring_regex(digits, _MONEY_NOISE, "")
    negative = pc.match_substring_regex(digits, _NEGATIVE)
    digits = pc.replace_substring_regex(digits, r"^\((.*)\)$", r"\1")
    digits = pc.replace_substring_regex(digits, r"^-|-$|(?i:CR)$", "")
    grouped = pc.match_substring_regex(digits, _GROUPED_DECIMAL_COMMA if decimal_comma else _GROUPED)
    if decimal_comma:
        digits = pc.replace_substring(digits, ".", "")
        digits = pc.replace_substring(digits, ",", ".")
    else:
        digits = pc.replace_substring(digits, ",", "")
    blank = pc.equal(pc.utf8_length(text), 0)
    shaped = pc.and_(pc.match_substring_regex(digits, _AMOUNT_SHAPE), grouped)
    good = pc.and_(shaped, pc.invert(blank))
    kept = pc.if_else(good, pc.replace_substring_regex(digits, _FRACTION_KEPT, r"\1"), "0")
    kept = pc.replace_substring_regex(kept, r"^\.", "0.")
    kept = pc.replace_substring_regex(kept, r"\.$", "")
    decimals = pc.cast(kept, pa.decimal128(18, 3))
    rounded = pc.round(decimals, ndigits=2, round_mode="half_up")
    pence = pc.cast(pc.multiply(rounded, pa.scalar(100, pa.decimal128(3, 0))), pa.int64())
    pence = pc.if_else(negative, pc.negate(pence), pence)
    pence = pc.if_else(good, pence, pa.scalar(None, pa.int64()))
    invalid = pc.and_(pc.invert(shaped), pc.invert(blank))
    return ParsedAmounts(
        pence=pence,
        invalid=invalid.to_numpy(zero_copy_only=False),
        decimal_comma=decimal_comma,
    )


# Candidate date formats, day-first before month-first: UK publications are day-first, and a
# month-first reading is only taken when no day-first format fits every value.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b %y",
    "%d-%B-%Y",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d%m%Y",
    "%m/%d/%Y",
    "%m/%d/%y",
)
EXCEL_SERIAL = "excel-serial"
_FALLBACK_FORMATS: tuple[str, ...] = (*(f for f in DATE_FORMATS if not f.startswith("%m")), EXCEL_SERIAL)
# A time of day after the date, as exports write it: ` 00:00:00`, ` 3:30 PM`, `T00:00:00Z`,
# `T00:00:00.000+01:00` (ISO timestamps from APIs carry fractions and offsets).
_TIME_SUFFIX = re.compile(
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)$"
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class ParsedDates:
    dates: pa.Array  # date32, null where blank or unparseable
    invalid: np.ndarray  # bool per row
    date_format: str | None  # the format chosen for the column


def _parse_unique_dates(values: pd.Series, date_format: str) -> pd.Series:
    if date_format == EXCEL_SERIAL:
        values = values.where(values.str.fullmatch(r"\d{5}(\.\d+)?"))
        serial = pd.to_numeric(values, errors="coerce")
        plausible = serial.between(2, 2958465)  # 1900-01-01 .. 9999-12-31 as Excel counts
        days = serial.where(plausible).floordiv(1)
        return _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return pd.to_datetime(values, format=date_format, errors="coerce")


def _choose_date_format(uniques: pd.Series) -> str | None:
    if uniques.str.fullmatch(r"\d{5}(\.\d+)?").all():
        return EXCEL_SERIAL
    best, best_count = None, 0
    for date_format in DATE_FORMATS:
        count = int(_parse_unique_dates(uniques, date_format).notna().sum())
        if count == len(uniques):
            return date_format
        if count > best_count:
            best, best_count = date_format, count
    return best


def parse_dates(text: pa.Array, date_format: str | None = None) -> ParsedDates:
    """Dates from a column of published text, the format chosen for the whole column.

    Each distinct text is parsed once; a time of day after the date is ignored (a payment
    date is a calendar date, and some exports shift midnight by an hour).
    """
    encoded = pc.dictionary_encode(_strip(text.cast(pa.string())))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    uniques = pd.Series(encoded.dictionary.to_pylist(), dtype=object)
    bare = uniques.map(lambda value: _TIME_SUFFIX.sub("", value) if value else value)
    present = bare.str.len() > 0
    if date_format is None and present.any():
        date_format = _choose_date_format(bare[present].drop_duplicates().reset_index(drop=True))
    parsed = pd.Series(pd.NaT, index=bare.index, dtype="datetime64[ns]")
    if date_format is not None:
        parsed[present] = _parse_unique_dates(bare[present], date_format).to_numpy()
        # A few values in another unambiguous format (a text cell among date cells, `1 April`
        # beside `30 Apr`) are read in the first day-first format that fits them; month-first
        # is never guessed for a single value.
        for fallback in _FALLBACK_FORMATS:
            left = present & parsed.isna()
            if not left.any():
                break
            if fallback == date_format:
                continue
            candidates = bare[left]
            if fallback == EXCEL_SERIAL:
                # A stray number is taken for a serial only if it falls in 1990..2100, so a
                # reference typed in the date column is reported rather than dated 1933.
                numeric = candidates.where(candidates.str.fullmatch(r"\d{5}(\.\d+)?"))
                serial = pd.to_numeric(numeric, errors="coerce")
                candidates = candidates.where(serial.between(32874, 73051))
            parsed[left] = _parse_unique_dates(candidates, fallback).to_numpy()
    unique_dates = pa.array(parsed.dt.date.where(parsed.notna(), None), type=pa.date32())
    unique_invalid = (present & parsed.isna()).to_numpy()
    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False)
    dates = pc.take(unique_dates, encoded.indices)
    invalid = unique_invalid[indices] if len(unique_invalid) else np.zeros(len(text), dtype=bool)
    if encoded.null_count:
        invalid = invalid & encoded.indices.is_valid().to_numpy(zero_copy_only=False)
    return ParsedDates(dates=dates, invalid=invalid, date_format=date_format)


# Redaction markers seen in published supplier names. Whole words only: "Redactive
# Publishing Ltd" is a real supplier.
REDACTED_SUPPLIER = re.compile(
    r"\bredact(?:ed|ion)\b|\bwith?h?eld\b|\bpersonal\s+(?:data|expense|information|details)\b"
    r"|\bname\s+(?:removed|suppressed|not\s+disclosed)\b|^\s*(?:third\s+party|private\s+individual"
    r"|individual|data\s+protection|commercial(?:ly)?\s+(?:confidential|sensitive))\s*$"
    r"|\bcommercial\s+confidentiality\b",
    re.IGNORECASE,
)
# A supplier text ending in a company form names a company, whatever words precede it
# ("Personal Data Solutions Ltd", "Third Party Logistics Ltd").
_COMPANY_FORM = re.compile(
    r"\b(?:ltd|limited|plc|llp|cic|inc|llc|gmbh|co)\.?\s*$",
    re.IGNORECASE,
)
# Values of a redaction flag column that mean "redacted": a yes, or words saying so.
# Anything else is a label of another kind: Tameside's flag column says `Redacted Supplier`
# on redacted lines and `Business Payment` on lines that name a sole trader on purpose.
_FLAG_TRUE = {"y", "yes", "true", "1", "x", "r"}
_FLAG_WORDS = re.compile(r"redact|with?h?eld|personal|confidential|suppress|removed", re.IGNORECASE)


_FLAG_NEGATED = re.compile(r"^(?:not?|non)\b|^un", re.IGNORECASE)


def _flag_set(value: object) -> bool:
    text = str(value).strip().lower()
    if _FLAG_NEGATED.search(text):  # `Not redacted`, `Non-personal`, `Unredacted`
        return False
    return text in _FLAG_TRUE or bool(_FLAG_WORDS.search(text))


def _supplier_says_redacted(value: object) -> bool:
    text = str(value)
    return bool(REDACTED_SUPPLIER.search(text)) and not _COMPANY_FORM.search(text)


def redacted_suppliers(supplier: pd.Series, flag: pd.Series | None = None) -> np.ndarray:
    """Which lines name no supplier because the publisher redacted it.

    A line is redacted when its supplier text says so (in any of the spellings publishers
    use) or when the publisher's own redaction flag column is set on it.
    """
    codes, uniques = pd.factorize(supplier, use_na_sentinel=True)
    unique_marked = np.array([_supplier_says_redacted(v) for v in uniques], dtype=bool)
    marked = np.where(codes >= 0, unique_marked[codes] if len(uniques) else False, False)
    if flag is not None:
        flag_codes, flag_uniques = pd.factorize(flag, use_na_sentinel=True)
        unique_set = np.array([_flag_set(v) for v in flag_uniques], dtype=bool)
        flagged = np.where(flag_codes >= 0, unique_set[flag_codes] if len(flag_uniques) else False, False)
        marked = marked | flagged
    return marked
