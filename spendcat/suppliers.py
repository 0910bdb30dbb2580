"""The supplier directory: known suppliers and the category their lines fall in.

Names are normalised first (case, accents, punctuation, `&`/`and`, `The`, legal suffixes,
`T/A`), so most spellings of one supplier meet at one key and an exact lookup settles them.
Only the names left over are matched fuzzily, and only against directory entries that share
a word or a word's first letters with them (blocking), never everything against everything.
All of it runs once per distinct supplier name of the run, never once per line.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from spendcat.rules import Matching, SupplierEntry
    from spendcat.taxonomy import Taxonomy

# Words that say what legal form a supplier takes, or that it is the British arm, not who it
# is: `SAP (UK) Ltd`, `SAP UK` and `SAP` are one supplier.
LEGAL_SUFFIXES = (
    "ltd", "limited", "plc", "llp", "lp", "cic", "cio", "inc", "llc", "co", "company", "uk", "gb",
    "gmbh", "bv", "sa", "ag", "unlimited", "incorporated", "corporation", "corp",
)
_SUFFIX_PATTERN = r"(?:\s+(?:" + "|".join(s.replace(" ", r"\s+") for s in LEGAL_SUFFIXES) + r"))+$"
_BLOCK_TOKEN_LIMIT = 400  # a token shared by more entries than this is too common to block on
_PREFIX = 4


def normalise_names(names: pa.Array | list[str]) -> pa.Array:
    """Matching keys for supplier names, computed with Arrow string kernels on the whole array.

    `The Hays Specialist Recruitment Ltd.` -> `hays specialist recruitment`;
    `J Smith T/A Smith's Plumbing` -> `smiths plumbing`; `Café & Bar Co` -> `cafe and bar`.
    """
    text = pa.array(names, type=pa.string()) if not isinstance(names, (pa.Array, pa.ChunkedArray)) else names
    text = pc.utf8_normalize(text.fill_null(""), "NFKD")
    text = pc.replace_substring_regex(text, r"\p{Mn}", "")
    text = pc.utf8_lower(text)
    # A sole trader trading as a business name is matched on the business name.
    text = pc.replace_substring_regex(text, r"^.*\bt\s*/\s*a\b\.?", "")
    text = pc.replace_substring_regex(text, r"^.*\btrading\s+as\b", "")
    text = pc.replace_substring(text, "&", " and ")
    text = pc.replace_substring_regex(text, r"['’`]", "")
    text = pc.replace_substring_regex(text, r"[^a-z0-9]+", " ")
    text = pc.utf8_trim_whitespace(text)
    text = pc.replace_substring_regex(text, r"^the\s+", "")
    text = pc.replace_substring_regex(text, _SUFFIX_PATTERN, "")
    text = pc.replace_substring_regex(text, r"\s+", " ")
    return pc.utf8_trim_whitespace(text)


def normalise_name(name: str) -> str:
    return normalise_names([name])[0].as_py()


def normalise_company_number(values: pa.Array) -> pa.Array:
    """Companies House numbers compared as 8 characters, upper case, zero-padded digits."""
    text = pc.utf8_upper(pc.replace_substring_regex(values.fill_null(""), r"[^A-Za-z0-9]", ""))
    digits_only = pc.match_substring_regex(text, r"^\d{1,8}$")
    padded = pc.utf8_lpad(text, 8, "0")
    return pc.if_else(digits_only, padded, text)


def read_supplier_csv(path: Path, taxonomy: Taxonomy) -> list[tuple[SupplierEntry, str]]:
    """A supplier directory as CSV: columns name, category, and optionally aliases
    (separated by `|` or `;`) and company_number."""
    from spendcat.rules import InvalidRuleFile, SupplierEntry

    name = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            missing = {"name", "category"} - set(fields)
            if missing:
                raise InvalidRuleFile(f"supplier CSV lacks column(s) {sorted(missing)}; it needs name, category", file=name)
            entries = []
            for row_number, row in enumerate(reader, start=2):
                row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                if not row.get("name"):
                    continue
                category = row.get("category", "")
                if category not in taxonomy:
                    raise InvalidRuleFile(f"line {row_number}: supplier {row['name']!r}: unknown category {category!r}", file=name)
                entry = SupplierEntry(
                    name=row["name"],
                    category=category,
                    aliases=row.get("aliases", ""),
                    company_number=row.get("company_number") or None,
                )
                entries.append((entry, f"{name}:{row_number}"))
    except FileNotFoundError:
        raise InvalidRuleFile("no such supplier file", file=name) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidRuleFile(f"cannot read supplier file ({exc})", file=name) from None
    return entries


class SupplierDirectory:
    """Entries indexed by normalised name (and alias) and by company number."""

    def __init__(self, entries: list[tuple[SupplierEntry, str]], matching: Matching) -> None:
        self.matching = matching
        self.names: list[str] = [entry.name for entry, _ in entries]
        self.categories: list[str] = [entry.category for entry, _ in entries]
        spellings: list[str] = []
        entry_of_spelling: list[int] = []
        for index, (entry, _) in enumerate(entries):
            for spelling in (entry.name, *entry.aliases):
                spellings.append(spelling)
                entry_of_spelling.append(index)
        numbered = [(i, e.company_number) for i, (e, _) in enumerate(entries) if e.company_number]
        self.by_number: dict[str, int] = {}
        if numbered:
            normalised_numbers = normalise_company_number(pa.array([n for _, n in numbered], type=pa.string())).to_pylist()
            self.by_number = {number: index for (index, _), number in zip(numbered, normalised_numbers)}
        normalised = normalise_names(spellings).to_pylist() if spellings else []
        # One key may belong to several entries of different categories: such a key is
        # evidence for all of them, and the line is ambiguous.
        self.exact: dict[str, list[int]] = defaultdict(list)
        for key, entry_index in zip(normalised, entry_of_spelling):
            if key and entry_index not in self.exact[key]:
                self.exact[key].append(entry_index)
        self.unique_keys = list(self.exact)
        # token_sort_ratio(a, b) is ratio() of the two with their words sorted: sort the
        # directory's words once here, not once per comparison.
        self._sorted_keys = np.array([" ".join(sorted(k.split())) for k in self.unique_keys], dtype=object)
        blocks: dict[str, list[int]] = defaultdict(list)
        for key_index, key in enumerate(self.unique_keys):
            for token in set(key.split()):
                blocks[token].append(key_index)
                if len(token) > _PREFIX:
                    blocks[token[:_PREFIX] + "*"].append(key_index)
        self._blocks = {token: np.array(members, dtype=np.int32) for token, members in blocks.items()}

    def __len__(self) -> int:
        return len(self.names)

    def _candidates(self, key: str) -> np.ndarray:
        """Directory keys sharing a word, or a word's first letters, with `key`; words so
        common that they say nothing (more than _BLOCK_TOKEN_LIMIT keys) are skipped unless
        nothing else is shared."""
        tokens = set(key.split())
        blocks = [self._blocks.get(t) for t in tokens]
        blocks += [self._blocks.get(t[:_PREFIX] + "*") for t in tokens if len(t) >= _PREFIX]
        present = [b for b in blocks if b is not None]
        usable = [b for b in present if len(b) <= _BLOCK_TOKEN_LIMIT]
        if not usable:
            usable = sorted(present, key=len)[:1]
        if not usable:
            return np.zeros(0, dtype=np.int32)
        return np.unique(np.concatenate(usable))

    def _scored(self, key: str, limit: int, cutoff: float) -> list[tuple[int, float]]:
        """(key index, score) of the best fuzzy candidates for one normalised name."""
        candidates = self._candidates(key)
        if not len(candidates):
            return []
        query = " ".join(sorted(key.split()))
        found = process.extract(
            query, self._sorted_keys[candidates].tolist(), scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
        )
        return [(int(candidates[position]), float(score)) for _, score, position in found]

    def candidates(self, name: str, limit: int = 5) -> list[dict[str, object]]:
        """The closest directory entries to one supplier name, with scores (for `explain`)."""
        key = normalise_name(name)
        found: list[dict[str, object]] = []
        for entry in self.exact.get(key, []):
            found.append({"name": self.names[entry], "category": self.categories[entry], "score": 100.0, "method": "exact"})
        if not key:
            return found
        for key_index, score in self._scored(key, limit, 0):
            if self.unique_keys[key_index] == key:
                continue
            band = "accept" if score >= self.matching.accept else "review" if score >= self.matching.review else "reject"
            for entry in self.exact[self.unique_keys[key_index]]:
                found.append(
                    {"name": self.names[entry], "category": self.categories[entry], "score": round(score, 1), "method": f"fuzzy ({band})"}
                )
        return found[:limit]

    def _match_key(self, key: str) -> tuple[object, ...]:
        """(category, method, score, matched, weak, runner_up, runner_up_score) for one key."""
        exact = self.exact.get(key)
        if exact:
            entry = exact[0]
            others = sorted({self.categories[e] for e in exact[1:]} - {self.categories[entry]})
            return (
                self.categories[entry], "exact", 100.0, self.names[entry], bool(others),
                others[0] if others else None, 100.0 if others else np.nan,
            )
        scored = self._scored(key, 10, self.matching.review)
        if not scored:
            return (None, None, np.nan, None, False, None, np.nan)
        best_index, best_score = scored[0]
        entry = self.exact[self.unique_keys[best_index]][0]
        category = self.categories[entry]
        weak, runner_up, runner_up_score = best_score < self.matching.accept, None, np.nan
        for other_index, other_score in scored[1:]:
            other_categories = {self.categories[e] for e in self.exact[self.unique_keys[other_index]]} - {category}
            if other_categories and best_score - other_score <= self.matching.margin:
                weak, runner_up, runner_up_score = True, sorted(other_categories)[0], round(other_score, 1)
                break
        return (category, "fuzzy", round(best_score, 1), self.names[entry], weak, runner_up, runner_up_score)

    def match(self, names: pd.Series, company_numbers: pd.Series | None = None) -> pd.DataFrame:
        """Directory evidence for each of `names` (distinct supplier names of a run).

        Columns: category, method (`exact`, `fuzzy`, `company`), score (0-100), matched (the
        directory name), weak (True when the line should be ambiguous: a fuzzy score in the
        review band, a runner-up of another category within the margin, or a key shared by
        entries of different categories), runner_up (its category), runner_up_score.
        Each distinct normalised name is matched once, however many spellings lead to it.
        """
        columns = ("category", "method", "score", "matched", "weak", "runner_up", "runner_up_score")
        empty = (None, None, np.nan, None, False, None, np.nan)
        count = len(names)
        if not count or not self.names:
            return pd.DataFrame([empty] * count, columns=list(columns))
        texts = names.astype(object).where(names.notna(), None).tolist()
        keys = normalise_names(pa.array(texts, type=pa.string())).to_pylist()
        by_key = {key: self._match_key(key) if key else empty for key in dict.fromkeys(keys)}
        rows = [by_key[key] for key in keys]
        if company_numbers is not None and self.by_number:
            numbers_text = company_numbers.astype(object).where(company_numbers.notna(), None).tolist()
            numbers = normalise_company_number(pa.array(numbers_text, type=pa.string())).to_pylist()
            for position, number in enumerate(numbers):
                entry = self.by_number.get(number) if number else None
                if entry is not None:
                    rows[position] = (self.categories[entry], "company", 100.0, self.names[entry], False, None, np.nan)
        frame = pd.DataFrame(rows, columns=list(columns))
        frame["weak"] = frame["weak"].astype(bool)
        return frame
