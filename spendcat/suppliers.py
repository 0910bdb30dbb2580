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

# Words that say what legal form a supplier takes, not who it is.
LEGAL_SUFFIXES = (
    "ltd", "limited", "plc", "llp", "lp", "cic", "cio", "inc", "llc", "co", "company", "uk ltd",
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
        self.names: list[str] = []
        self.categories: list[str] = []
        self.keys: list[str] = []
        self.entry_of_key: list[int] = []
        by_number: dict[str, int] = {}
        for index, (entry, _) in enumerate(entries):
            self.names.append(entry.name)
            self.categories.append(entry.category)
            for spelling in [entry.name, *entry.aliases]:
                self.keys.append(spelling)
                self.entry_of_key.append(index)
            if entry.company_number:
                number = normalise_company_number(pa.array([entry.company_number]))[0].as_py()
                by_number[number] = index
        normalised = normalise_names(self.keys).to_pylist() if self.keys else []
        # One key may belong to several entries of different categories: such a key is
        # evidence for all of them, and the line is ambiguous.
        self.exact: dict[str, list[int]] = defaultdict(list)
        for key, entry_index in zip(normalised, self.entry_of_key):
            if key and entry_index not in self.exact[key]:
                self.exact[key].append(entry_index)
        self.unique_keys = list(self.exact)
        self.by_number = by_number
        self._blocks: dict[str, list[int]] = defaultdict(list)
        for key_index, key in enumerate(self.unique_keys):
            for token in set(key.split()):
                self._blocks[token].append(key_index)
                if len(token) > _PREFIX:
                    self._blocks[token[:_PREFIX] + "*"].append(key_index)

    def __len__(self) -> int:
        return len(self.names)

    def _candidates(self, key: str) -> list[int]:
        tokens = set(key.split())
        blocks = [self._blocks.get(t, []) for t in tokens]
        blocks += [self._blocks.get(t[:_PREFIX] + "*", []) for t in tokens if len(t) >= _PREFIX]
        usable = [b for b in blocks if 0 < len(b) <= _BLOCK_TOKEN_LIMIT]
        if not usable:
            usable = sorted((b for b in blocks if b), key=len)[:1]
        found: set[int] = set()
        for block in usable:
            found.update(block)
        return list(found)

    def candidates(self, name: str, limit: int = 5) -> list[dict[str, object]]:
        """The closest directory entries to one supplier name, with scores (for `explain`)."""
        key = normalise_name(name)
        found: list[dict[str, object]] = []
        for entry in self.exact.get(key, []):
            found.append({"name": self.names[entry], "category": self.categories[entry], "score": 100.0, "method": "exact"})
        if not key:
            return found
        choices = [self.unique_keys[i] for i in self._candidates(key)]
        for choice, score, _ in process.extract(key, choices, scorer=fuzz.token_sort_ratio, limit=limit):
            if choice == key:
                continue
            for entry in self.exact[choice]:
                band = "accept" if score >= self.matching.accept else "review" if score >= self.matching.review else "reject"
                found.append({"name": self.names[entry], "category": self.categories[entry], "score": round(float(score), 1), "method": f"fuzzy ({band})"})
        return found[:limit]

    def match(self, names: pd.Series, company_numbers: pd.Series | None = None) -> pd.DataFrame:
        """Directory evidence for each of `names` (distinct supplier names of a run).

        Columns: category, method (`exact`, `fuzzy`, `company`), score (0-100), matched (the
        directory name), weak (True when the line should be ambiguous: a fuzzy score in the
        review band, a runner-up of another category within the margin, or a key shared by
        entries of different categories), runner_up (its category), runner_up_score.
        """
        count = len(names)
        result = {
            "category": np.full(count, None, dtype=object),
            "method": np.full(count, None, dtype=object),
            "score": np.full(count, np.nan),
            "matched": np.full(count, None, dtype=object),
            "weak": np.zeros(count, dtype=bool),
            "runner_up": np.full(count, None, dtype=object),
            "runner_up_score": np.full(count, np.nan),
        }
        if not count or not self.names:
            return pd.DataFrame(result)
        keys = normalise_names(pa.array(names.astype(object).where(names.notna(), None).tolist(), type=pa.string())).to_pylist()
        numbers = None
        if company_numbers is not None and self.by_number:
            numbers = normalise_company_number(pa.array(company_numbers.astype(object).where(company_numbers.notna(), None).tolist(), type=pa.string())).to_pylist()
        accept, review, margin = self.matching.accept, self.matching.review, self.matching.margin
        for position, key in enumerate(keys):
            if numbers is not None and numbers[position] in self.by_number:
                entry = self.by_number[numbers[position]]
                result["category"][position] = self.categories[entry]
                result["method"][position] = "company"
                result["score"][position] = 100.0
                result["matched"][position] = self.names[entry]
                continue
            if not key:
                continue
            exact = self.exact.get(key)
            if exact:
                entry = exact[0]
                result["category"][position] = self.categories[entry]
                result["method"][position] = "exact"
                result["score"][position] = 100.0
                result["matched"][position] = self.names[entry]
                others = {self.categories[e] for e in exact[1:]} - {self.categories[entry]}
                if others:
                    result["weak"][position] = True
                    result["runner_up"][position] = sorted(others)[0]
                    result["runner_up_score"][position] = 100.0
                continue
            candidates = self._candidates(key)
            if not candidates:
                continue
            choices = [self.unique_keys[i] for i in candidates]
            scored = process.extract(key, choices, scorer=fuzz.token_sort_ratio, limit=10, score_cutoff=review)
            if not scored:
                continue
            _, best_score, best_choice = scored[0]
            entry = self.exact[choices[best_choice]][0]
            category = self.categories[entry]
            result["category"][position] = category
            result["method"][position] = "fuzzy"
            result["score"][position] = round(float(best_score), 1)
            result["matched"][position] = self.names[entry]
            weak = best_score < accept
            for _, other_score, other_choice in scored[1:]:
                other_categories = {self.categories[e] for e in self.exact[choices[other_choice]]} - {category}
                if other_categories and best_score - other_score <= margin:
                    weak = True
                    result["runner_up"][position] = sorted(other_categories)[0]
                    result["runner_up_score"][position] = round(float(other_score), 1)
                    break
            result["weak"][position] = weak
        return pd.DataFrame(result)

