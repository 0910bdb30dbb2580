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


_COMMA_DECIMAL = r"(^|[^,.\d])\d*(\.\d{3})*,\d{1,2}\)?\s*-?$"
_DOT_DECIMAL = r"\.\d{1,2}\)?\s*-?$|,\d{3}\."


def uses_decimal_comma(text: pa.Array) -> bool:
    """Whether a column writes amounts as `1.234,56`: decided once for the whole column."""
    comma_decimal = pc.sum(pc.match_substring_regex(text, _COMMA_DECIMAL)).as_py() or 0
    dot_decimal = pc.sum(pc.match_substring_regex(text, _DOT_DECIMAL)).as_py() or 0
    return comma_decimal > 0 and dot_decimal == 0


def _string_chunks(text: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """A text column as its chunks of (large_)string, nulls as blanks: never combined into
    one array, which would copy the column."""
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        text = text.cast(pa.string())
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    return [chunk.fill_null("") if chunk.null_count else chunk for chunk in chunks]


def _simple_amounts_of(chunks: list[pa.Array]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_simple_amounts of a column's chunks, one after another."""
    parts = [_simple_amounts(chunk) for chunk in chunks if len(chunk)]
    if not parts:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if len(parts) == 1:
        return parts[0]
    simple, pence, present = (np.concatenate(arrays) for arrays in zip(*parts))
    return simple, pence, present


def parse_amounts(text: pa.Array | pa.ChunkedArray, decimal_comma: bool | None = None) -> ParsedAmounts:
    """Exact pence from published amount text.

    Accepts `1,234.56`, `£4,800.00`, `-£790.94`, `(1,234.56)`, ` 2,010.00 `, `750`,
    float noise such as `1225.1899999999998` (rounded half-up to the penny) and, when the
    column uses them throughout, decimal commas (`1.234,56`).

    Most published amounts are plain (`-£1,234.56`, `750`, blank): those are read in a few
    vectorised passes over the column's bytes; only the others go through the full rules.
    A chunked column is read chunk by chunk (combining the chunks would copy it).
    """
    chunks = _string_chunks(text)
    text = chunks[0] if len(chunks) == 1 else pa.chunked_array(chunks, type=chunks[0].type if chunks else pa.string())
    if decimal_comma is True or not len(text):
        return _parse_amounts_fully(text, decimal_comma)
    simple, pence, present = _simple_amounts_of(chunks)
    rest = np.flatnonzero(~simple)
    if len(rest) and decimal_comma is None:
        # Plain amounts never end in `,5` or `,50`, so a decimal comma anywhere in the column
        # shows among the rest; only then is the whole column looked at, as it always was.
        rest_text = _strip(text.take(pa.array(rest, type=pa.int64())))
        if pc.any(pc.match_substring_regex(rest_text, _COMMA_DECIMAL)).as_py():
            decimal_comma = uses_decimal_comma(_strip(text))
            if decimal_comma:
                return _parse_amounts_fully(text, True)
    invalid = np.zeros(len(text), dtype=bool)
    if len(rest):
        parsed = _parse_amounts_fully(text.take(pa.array(rest, type=pa.int64())), False)
        rest_pence = parsed.pence
        pence[rest] = rest_pence.fill_null(0).to_numpy(zero_copy_only=False)
        present[rest] = rest_pence.is_valid().to_numpy(zero_copy_only=False)
        invalid[rest] = parsed.invalid
    return ParsedAmounts(
        pence=pa.array(pence, type=pa.int64(), mask=~present),
        invalid=invalid,
        decimal_comma=bool(decimal_comma),
    )


def _parse_amounts_fully(text: pa.Array, decimal_comma: bool | None) -> ParsedAmounts:
    """Every rule for amount text, applied to the whole of `text`."""
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
    if isinstance(pence, pa.ChunkedArray):
        pence = pence.combine_chunks()
    invalid = pc.and_(pc.invert(shaped), pc.invert(blank))
    return ParsedAmounts(
        pence=pence,
        invalid=invalid.to_numpy(zero_copy_only=False),
        decimal_comma=decimal_comma,
    )


# The plain shape, read from the bytes: `-?£?(\d{1,8}|\d{1,3},\d{3})(\.\d{1,2})?` or blank. The
# integer part is read as one little-endian 8-byte word, eight digits at a time (SWAR).
_PAD = 16
_ZEROS = np.uint64(0x3030303030303030)
_HIGH_NIBBLES = np.uint64(0xF0F0F0F0F0F0F0F0)
_SIXES = np.uint64(0x0606060606060606)
_COMMA_BYTE = np.uint64(0xFF << 32)  # the fifth character of eight: `ddd,ddd` right-aligned
_COMMA_AT_4 = np.uint64(0x2C << 32)
_BEFORE_COMMA = np.uint64(0xFFFFFFFF)
_AFTER_COMMA = np.uint64(0xFFFFFF << 40)
_ZERO_FIRST = np.uint64(0x30)
_BLOCK_ROWS = 1 << 14
# Keep the last n bytes of the word (the integer part), for n = 0..8.
_KEEP_LAST = np.array([0] + [((1 << (8 * n)) - 1) << (8 * (8 - n)) for n in range(1, 9)], dtype=np.uint64)


def _simple_amounts(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(which rows are blank or a plain amount, their pence, which are not blank): a plain amount is an optional
    minus, an optional `£`, up to eight digits or `ddd,ddd`, and up to two decimals. These
    read the same under every rule of `_parse_amounts_fully`; the other rows are left to it."""
    count = len(text)
    _, offsets_buffer, data_buffer = text.buffers()
    offsets_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offsets_type, count=text.offset + count + 1)[text.offset :]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    simple = np.empty(count, dtype=bool)
    pence = np.empty(count, dtype=np.int64)
    present = np.diff(offsets) > 0
    # In blocks of rows, so the temporaries stay small, in cache, and reused.
    for first in range(0, count, _BLOCK_ROWS):
        last = min(count, first + _BLOCK_ROWS)
        block_offsets = offsets[first : last + 1]
        low, high = int(block_offsets[0]), int(block_offsets[-1])
        padded = np.zeros(_PAD + high - low + _PAD, dtype=np.uint8)
        padded[_PAD : _PAD + high - low] = data[low:high]
        shifted = (block_offsets - low).astype(np.int32) + _PAD
        simple[first:last], pence[first:last] = _simple_block(padded, shifted[:-1], shifted[1:])
    return simple, pence, present


def _simple_block(padded: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lengths = ends - starts
    last, second, third = padded[ends - 1], padded[ends - 2], padded[ends - 3]
    last_digit, second_digit = last - np.uint8(48), second - np.uint8(48)
    two_decimals = (lengths >= 4) & (third == 46) & (second_digit < 10) & (last_digit < 10)
    one_decimal = (lengths >= 3) & (second == 46) & (last_digit < 10)
    int_end = ends - np.where(two_decimals, np.int32(3), np.where(one_decimal, np.int32(2), np.int32(0)))
    negative = (lengths > 0) & (padded[starts] == 45)
    after_sign = starts + negative.astype(np.int32)
    pound = (after_sign + 2 <= int_end) & (padded[after_sign] == 0xC2) & (padded[after_sign + 1] == 0xA3)
    int_length = int_end - after_sign - np.int32(2) * pound
    fits = (int_length >= 1) & (int_length <= 8)

    # The eight bytes ending where the integer part ends, as one little-endian word (its
    # first character in the lowest byte), with the bytes before the integer part set to `0`.
    words = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    word = words[int_end - 8]
    keep = _KEEP_LAST[np.clip(int_length, 0, 8)]
    word = (word & keep) | (_ZEROS & ~keep)
    # `ddd,ddd`: the comma (fifth character) taken out, a `0` put in front.
    grouped = (int_length >= 5) & (int_length <= 7) & ((word & _COMMA_BYTE) == _COMMA_AT_4)
    word = np.where(grouped, (word & _AFTER_COMMA) | ((word & _BEFORE_COMMA) << np.uint64(8)) | _ZERO_FIRST, word)
    all_digits = ((word & _HIGH_NIBBLES) == _ZEROS) & (((word + _SIXES) & _HIGH_NIBBLES) == _ZEROS)
    simple = (lengths == 0) | (fits & all_digits)

    value = word - _ZEROS
    value = ((value & np.uint64(0x0F0F0F0F0F0F0F0F)) * np.uint64(2561)) >> np.uint64(8)
    value = ((value & np.uint64(0x00FF00FF00FF00FF)) * np.uint64(6553601)) >> np.uint64(16)
    value = ((value & np.uint64(0x0000FFFF0000FFFF)) * np.uint64(42949672960001)) >> np.uint64(32)
    value = (value & np.uint64(0xFFFFFFFF)).astype(np.int64)
    cents = np.where(two_decimals, second_digit.astype(np.int64) * 10 + last_digit, one_decimal * (last_digit.astype(np.int64) * 10))
    pence = (value * 100 + cents) * (1 - 2 * negative.astype(np.int64))
    return simple, pence * simple


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
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        text = text.cast(pa.string())
    # Each distinct text, stripped (two texts may strip to one: each is parsed alike).
    encoded = pc.dictionary_encode(text)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    uniques = pd.Series(_strip(encoded.dictionary).to_pylist(), dtype=object)
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


# Every text REDACTED_SUPPLIER matches holds one of these (ASCII, case aside): distinct
# suppliers are screened with it in one pass, and only those it finds are searched in full.
_MAYBE_REDACTED = r"(?i)redact|wit|personal|name|third|private|individual|data|commercial"


def unique_suppliers_redacted(uniques: pa.Array | pd.Index | np.ndarray) -> np.ndarray:
    """For each distinct supplier text, whether it says the supplier was redacted."""
    if isinstance(uniques, pa.ChunkedArray):
        uniques = uniques.combine_chunks()
    if isinstance(uniques, pa.Array) and (pa.types.is_string(uniques.type) or pa.types.is_large_string(uniques.type)):
        texts = uniques
        values = None
    else:
        values = np.asarray(uniques, dtype=object)
        try:
            texts = pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            return np.array([_supplier_says_redacted(v) for v in values], dtype=bool)
    # Non-ASCII text is always searched in full: case folding beyond ASCII is Python's to judge.
    screened = pc.or_(pc.invert(pc.string_is_ascii(texts)), pc.match_substring_regex(texts, _MAYBE_REDACTED))
    candidates = np.flatnonzero(screened.fill_null(True).to_numpy(zero_copy_only=False))
    marked = np.zeros(len(texts), dtype=bool)
    if values is None:
        values = np.asarray(texts.take(pa.array(candidates, type=pa.int64())).to_pylist(), dtype=object)
        marked[candidates] = [_supplier_says_redacted(v) for v in values]
    else:
        marked[candidates] = [_supplier_says_redacted(values[i]) for i in candidates]
    return marked


def redacted_suppliers(supplier: pd.Series, flag: pd.Series | None = None) -> np.ndarray:
    """Which lines name no supplier because the publisher redacted it.

    A line is redacted when its supplier text says so (in any of the spellings publishers
    use) or when the publisher's own redaction flag column is set on it.
    """
    if isinstance(supplier.dtype, pd.CategoricalDtype):
        codes, uniques = supplier.cat.codes.to_numpy(), supplier.cat.categories
    else:
        codes, uniques = pd.factorize(supplier, use_na_sentinel=True)
    unique_marked = unique_suppliers_redacted(uniques)
    marked = np.where(codes >= 0, unique_marked[codes] if len(uniques) else False, False)
    if flag is not None:
        marked = marked | redaction_flagged(flag)
    return marked


def redaction_flagged(flag: pd.Series) -> np.ndarray:
    """Which lines the publisher's redaction flag column marks as redacted."""
    flag_codes, flag_uniques = pd.factorize(flag, use_na_sentinel=True)
    unique_set = np.array([_flag_set(v) for v in flag_uniques], dtype=bool)
    return np.where(flag_codes >= 0, unique_set[flag_codes] if len(flag_uniques) else False, False)
