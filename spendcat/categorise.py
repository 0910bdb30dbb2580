"""Give every line a purpose category, a status and the reason, from rules and suppliers.

The evaluation order (README, "How a line is categorised") is:

1. Every rule whose conditions hold on the line is evidence for its category (or for
   exclusion) at the rule's priority.
2. The supplier directory is evidence at `matching.supplier_priority` (entries in the
   `government` group at `matching.public_body_priority` when set): a match by company
   number, else by exact normalised name, else fuzzy. A fuzzy score in the review band, a
   runner-up of another category within the margin, or one name listed under two
   categories makes that evidence *weak*. With `matching.area_priority` set, rules'
   `purpose` words are also read in the expense area (`RULE@area`, see `area_rule`).
3. The highest priority with evidence decides. If evidence at that priority names
   categories of different groups, or the deciding evidence is weak, the line is
   `ambiguous`. If it says exclude, the line is `excluded`; otherwise `categorised`. No
   evidence: `uncategorised`. A group and a category under it do not disagree: the more
   specific one is the answer; two categories of one group agree on the group.
4. Ties between rules naming the same category go to the earlier rule in the layered order.
5. A decided line whose answer is a group is refined by lower evidence inside it (`_refine`).

Conditions run once per distinct value of a field and are broadcast back to the lines, so
the cost follows the number of distinct suppliers and expense types, not of lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from spendcat.publication import Publication
from spendcat.rules import (
    ABBREVIATED_FIELDS,
    COLUMN_PREFIX,
    PURPOSE_FIELDS,
    Clause,
    Condition,
    Rule,
    RuleSet,
    Shorthand,
    keyword_pattern,
)
from spendcat.suppliers import SupplierDirectory, normalise_names
from spendcat.taxonomy import Taxonomy

CATEGORISED, AMBIGUOUS, UNCATEGORISED, EXCLUDED = "categorised", "ambiguous", "uncategorised", "excluded"
STATUSES = (CATEGORISED, AMBIGUOUS, UNCATEGORISED, EXCLUDED)
# The columns that describe a category, filled from the taxonomy (crosswalk included).
CATEGORY_COLUMNS = ("category", "category_label", "category_group", "sercop", "cofog", "proclass")
ADDED_COLUMNS = (*CATEGORY_COLUMNS, "status", "decided_by", "score", "matched_supplier", "other_categories")
_EXCLUDE_CODE = -2
CONSENSUS = "supplier:consensus"


@dataclass
class _FieldValues:
    codes: np.ndarray  # per line, -1 where blank
    uniques: pa.Array  # distinct values (strings)
    # The distinct values whose ledger shorthand was written out: their positions and new text.
    written_out: tuple[np.ndarray, pa.Array] | None = None


@dataclass
class Evidence:
    """Every piece of evidence for every line: parallel arrays, one entry per (line, source)."""

    rows: list[np.ndarray] = field(default_factory=list)
    priorities: list[np.ndarray] = field(default_factory=list)
    categories: list[np.ndarray] = field(default_factory=list)
    sources: list[np.ndarray] = field(default_factory=list)
    weak: list[np.ndarray] = field(default_factory=list)

    def add(self, rows: np.ndarray, priority: int | np.ndarray, category: int | np.ndarray, source: int | np.ndarray, weak: bool | np.ndarray = False) -> None:
        n = len(rows)
        if not n:
            return
        self.rows.append(rows.astype(np.int64))
        self.priorities.append(np.broadcast_to(np.asarray(priority, dtype=np.int32), (n,)).copy())
        self.categories.append(np.broadcast_to(np.asarray(category, dtype=np.int32), (n,)).copy())
        self.sources.append(np.broadcast_to(np.asarray(source, dtype=np.int32), (n,)).copy())
        self.weak.append(np.broadcast_to(np.asarray(weak, dtype=bool), (n,)).copy())

    def arrays(self) -> tuple[np.ndarray, ...]:
        if not self.rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.astype(np.int32), empty.astype(np.int32), empty.astype(np.int32), empty.astype(bool)
        return tuple(np.concatenate(parts) for parts in (self.rows, self.priorities, self.categories, self.sources, self.weak))


class LineView:
    """The fields of one publication's lines as rules see them, each computed once."""

    def __init__(self, publication: Publication, shorthand: Shorthand | None = None) -> None:
        self.publication = publication
        self.count = publication.line_count
        self._fields: dict[str, _FieldValues | None] = {}
        self._unique_masks: dict[tuple[str, str], np.ndarray | None] = {}
        self._shorthand = shorthand

    def text_field(self, name: str) -> _FieldValues | None:
        if name in self._fields:
            return self._fields[name]
        values: _FieldValues | None = None
        lines, original = self.publication.lines, self.publication.original
        if name.startswith(COLUMN_PREFIX):
            header = name[len(COLUMN_PREFIX) :].strip().lower()
            matches = [c for c in original.columns if str(c).strip().lower() == header]
            if matches:
                codes, uniques = pd.factorize(original[matches[0]].astype(object).where(original[matches[0]].notna(), None))
                values = _FieldValues(codes.astype(np.int64), pa.array(list(uniques), type=pa.string()))
        elif name in lines.columns and isinstance(lines[name].dtype, pd.CategoricalDtype):
            column = lines[name]
            values = _FieldValues(
                column.cat.codes.to_numpy().astype(np.int64),
                pa.array(column.cat.categories.astype(object).tolist(), type=pa.string()),
            )
        elif name in lines.columns:
            # Nearly unique fields (transaction numbers) are kept as text by the reader.
            codes, uniques = pd.factorize(lines[name].where(lines[name] != "", None))
            values = _FieldValues(codes.astype(np.int64), pa.array([str(u) for u in uniques], type=pa.string()))
        if values is not None and self._shorthand is not None and name in ABBREVIATED_FIELDS:
            values.written_out = self._shorthand.written_out(values.uniques)
        self._fields[name] = values
        return values

    def _unique_mask(self, name: str, values: _FieldValues, condition: Condition) -> np.ndarray | None:
        """Which distinct values satisfy a condition's text tests, as written or with their
        shorthand written out; computed once per field and condition."""
        key = (name, condition.key())
        if key not in self._unique_masks:
            self._unique_masks[key] = _unique_text_mask(values.uniques, condition, values.written_out)
        return self._unique_masks[key]

    def condition(self, name: str, condition: Condition) -> np.ndarray:
        """Which lines satisfy one condition on one field (a fresh array each call: only the
        per-distinct-value answers are kept, so memory follows the distinct values)."""
        if name == "purpose":
            masks = [self.condition(f, condition) for f in PURPOSE_FIELDS]
            return np.logical_and.reduce(masks) if condition.missing is True else np.logical_or.reduce(masks)
        if name == "amount":
            return self._amount(condition)
        if name == "date":
            return self._date(condition)
        return self._text(name, condition)

    def some_value_matches(self, name: str, condition: Condition) -> bool:
        """Whether any distinct value of a text field satisfies a condition's text tests,
        decided on the distinct values alone (a cheap test before building line masks)."""
        values = self.text_field(name)
        if values is None or not len(values.uniques):
            return False
        unique_mask = self._unique_mask(name, values, condition)
        return unique_mask is None or bool(unique_mask.any())

    def _amount(self, condition: Condition) -> np.ndarray:
        pence = self.publication.lines["amount_pence"]
        present = pence.notna().to_numpy()
        values = pence.fillna(0).to_numpy(dtype=np.int64)
        mask = np.ones(self.count, dtype=bool)
        if condition.missing is not None:
            mask &= ~present if condition.missing else present
        if condition.min is not None:
            mask &= present & (values >= int(condition.min * 100))
        if condition.max is not None:
            mask &= present & (values <= int(condition.max * 100))
        return mask

    def _date(self, condition: Condition) -> np.ndarray:
        dates = self.publication.lines["date"].to_numpy()
        present = ~np.isnat(dates)
        mask = np.ones(self.count, dtype=bool)
        if condition.missing is not None:
            mask &= ~present if condition.missing else present
        if condition.from_ is not None:
            mask &= present & (dates >= np.datetime64(condition.from_))
        if condition.to is not None:
            mask &= present & (dates <= np.datetime64(condition.to))
        return mask

    def _text(self, name: str, condition: Condition) -> np.ndarray:
        values = self.text_field(name)
        if values is None:
            # A field the publication does not have is blank on every line.
            return np.full(self.count, condition.missing is True and _only_missing(condition))
        present = values.codes >= 0
        mask = np.ones(self.count, dtype=bool)
        if condition.missing is not None:
            mask &= ~present if condition.missing else present
        unique_mask = self._unique_mask(name, values, condition)
        if unique_mask is not None:
            row_mask = np.zeros(self.count, dtype=bool)
            if len(unique_mask):
                row_mask[present] = unique_mask[values.codes[present]]
            mask &= row_mask
        return mask

    def clause(self, clause: Clause) -> np.ndarray:
        mask = np.ones(self.count, dtype=bool)
        for name, condition in clause.items():
            mask &= self.condition(name, condition)
        return mask


def _only_missing(condition: Condition) -> bool:
    return set(condition.model_dump(exclude_none=True)) == {"missing"}


def _unique_text_mask(uniques: pa.Array, condition: Condition, written_out: tuple[np.ndarray, pa.Array] | None = None) -> np.ndarray | None:
    """Which distinct values satisfy the text tests of a condition (None: no text test).

    With shorthand, each test holds when it holds on the value as written or as written out
    (`written_out`), so `all: [veh, repairs and maintenance]` holds on `Veh R&M`. A rule's own
    words are taken as written: `supported accom` in a children's rule must not become the
    adults' `supported accommodation`."""

    tests: list[Callable[[pa.Array], pa.Array]] = []
    if condition.any:
        any_pattern = keyword_pattern(condition.any)
        tests.append(lambda texts: pc.match_substring_regex(texts, any_pattern))
    for word in condition.all or []:
        tests.append(lambda texts, pattern=keyword_pattern([word]): pc.match_substring_regex(texts, pattern))
    if condition.regex:
        regex = condition.regex
        tests.append(lambda texts: pc.match_substring_regex(texts, regex))
    # `equals: x` is `in: [x]`: the whole value, trimmed, any case.
    for words in ([condition.equals] if condition.equals is not None else None, condition.in_):
        if words is not None:
            members = pa.array([w.strip().lower() for w in words], type=pa.string())
            tests.append(lambda texts, members=members: pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(texts)), value_set=members))
    if not tests:
        return None
    combined = np.ones(len(uniques), dtype=bool)
    for test in tests:
        holds = test(uniques).fill_null(False).to_numpy(zero_copy_only=False).copy()
        if written_out is not None:
            positions, texts = written_out
            holds[positions] |= test(texts).fill_null(False).to_numpy(zero_copy_only=False)
        combined &= holds
    return combined


class SupplierCache:
    """Directory matches for the distinct supplier names of a whole run, computed once each."""

    COLUMNS = ("category", "method", "score", "matched", "weak", "runner_up", "runner_up_score")

    def __init__(self, directory: SupplierDirectory) -> None:
        self.directory = directory
        self._known = pd.DataFrame({c: pd.Series(dtype=object) for c in self.COLUMNS})

    def lookup(self, names: list[str]) -> pd.DataFrame:
        index = pd.Index(names, dtype=object)
        new = index[~index.isin(self._known.index)].unique()
        if len(new):
            found = self.directory.match(pd.Series(new, dtype=object))
            found.index = new
            self._known = pd.concat([self._known, found]) if len(self._known) else found
        return self._known.reindex(index).reset_index(drop=True)


@dataclass
class Categorisation:
    """The result for one publication: the added columns, one row per line, in order."""

    added: pd.DataFrame
    rule_fires: np.ndarray  # lines each rule fired on
    rule_wins: np.ndarray  # lines each rule decided


def rule_mask(view: LineView, rule: Rule) -> np.ndarray:
    """Which lines one rule fires on."""
    mask = view.clause(rule.when) if rule.when else np.ones(view.count, dtype=bool)
    if rule.any_of:
        mask &= np.logical_or.reduce([view.clause(c) for c in rule.any_of])
    for clause in rule.unless:
        mask &= ~view.clause(clause)
    return mask


# Words that name an organisational unit, not a service: `Bereavement Services`, `Fostering
# Team`, `Community Equipment Store` and `Street Lighting Unit` say their service as
# `Bereavement`, `Fostering`, `Community Equipment` and `Street Lighting` do.
_UNIT_WORDS = r"(?:[\s_\-]+(?:services?|team|unit|section|division|operations|management|budget|stores?|programmes?|projects?|commissioned|contracts?))?"
# A cost-centre code before the name (`E5300 Pest Control`, `P2200 - Council Offices`).
_COST_CENTRE_CODE = r"(?:[a-z]{0,3}\d{2,6}[a-z]?\s*[-:]?\s+)?"
# Social care cost centres put the client group first: `OP Home Care`, `LD Day Services`,
# `Adults Residential Care`.
_CLIENT_GROUP = (
    r"(?:(?:op|ld|pd|mh|sd|asc|older\s+people'?s?|learning\s+disabilit(?:y|ies)|physical\s+disabilit(?:y|ies)"
    r"|mental\s+health|adults?'?)\s+)?"
)
# Published areas are often cut at a column width (`Looked After Childr`, `Home to School
# Tr`): a phrase cut short at the very end of the area still counts, if enough is left.
_CUT_KEEPS = 12


def _cut_phrase(phrase: str) -> str | None:
    """A regex for `phrase` cut inside one of its words after its first _CUT_KEEPS
    characters (None if it cannot be). Only a cut inside a word counts: `Business
    Improvement` is a whole name, not `business improvement district` cut short.

    Built as nested optional pieces, so its length grows with the phrase's, not with the
    number of places it can be cut."""
    words = phrase.split()

    def from_word(index: int, offset: int) -> str | None:
        word = words[index]
        # Where this word may be cut: between two letters or digits, far enough in.
        cuts = [j for j in range(1, len(word)) if word[j - 1].isalnum() and word[j].isalnum() and offset + j >= _CUT_KEEPS]
        options = []
        if cuts:
            chain = ""
            for start, stop in reversed(list(zip(cuts, cuts[1:]))):
                chain = f"(?:{re.escape(word[start:stop])}{chain})?"
            options.append(re.escape(word[: cuts[0]]) + chain)
        if index + 1 < len(words):
            rest = from_word(index + 1, offset + len(word) + 1)
            if rest is not None:
                options.append(re.escape(word) + r"[\s_\-]+" + rest)
        if not options:
            return None
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return from_word(0, 0) if words else None


def area_phrase_pattern(phrases: list[str]) -> str:
    """A regex for an expense area one of whose parts *is* one of `phrases`: the whole
    value, or a part between separators (`Children Looked After - Fostering`, `City
    Development / Highways`), perhaps after a cost-centre code or a client group (`E5300
    Pest Control`, `OP Home Care`), or followed by a word for a unit (`Bereavement
    Services`), or cut short at the end of the area (`Looked After Childr`). A phrase merely
    inside a part (`Energy Research`, `Hospitality + Trading Services` for "hospitality")
    does not count: an area's name says its service only as a whole."""
    escaped = [r"[\s_\-]+".join(re.escape(part) for part in phrase.split()) for phrase in phrases if phrase.strip()]
    cut = [c for c in (_cut_phrase(phrase) for phrase in phrases if phrase.strip()) if c is not None]
    # Not commas or `&`: `Leisure, Parks & Communities` names a directorate of several
    # services, not one of them.
    before = r"(?:^|\s[-–/:|]\s|[/:;(|])\s*" + _COST_CENTRE_CODE + _CLIENT_GROUP
    after = r"\s*(?:$|\s[-–/:|]\s|[/:;)|])"
    whole = "(?:" + "|".join(escaped) + ")" + _UNIT_WORDS + after
    if cut:
        whole = "(?:" + whole + "|(?:" + "|".join(cut) + r")\s*$)"
    return r"(?i)" + before + whole


def area_rule(rule: Rule, priority: int) -> Rule | None:
    """The rule read in the expense area: its `purpose` words must be a whole part of the
    line's expense area instead, at `priority`. Publishers often say what a line was for
    only in its service area (`Fostering`, `Flood Risk Management`) under a heading that
    says nothing (`Other services`). None for exclusions (an area called `Suspense` holds
    real purchases), rules without `purpose` word lists, and rules that already test the
    area; a `purpose` regex or `all` list is not carried over (its words were written for
    headings)."""
    if rule.category is None or not rule.enabled:
        return None
    if any("expense_area" in clause for clause in (rule.when, *rule.any_of)):
        return None

    def moved(clause: Clause) -> Clause | None:
        if "purpose" not in clause:
            return clause
        condition = clause["purpose"]
        phrases = [*(condition.any or []), *(condition.in_ or []), *([condition.equals] if condition.equals else [])]
        if not phrases or condition.regex or condition.all:
            return None
        area = Condition(regex=area_phrase_pattern(phrases))
        return {("expense_area" if name == "purpose" else name): (area if name == "purpose" else c) for name, c in clause.items()}

    when = moved(rule.when) if rule.when else {}
    if when is None:
        return None
    # Only the alternatives that test purpose words: the others already fire on the line.
    any_of = [c for c in (moved(clause) for clause in rule.any_of if "purpose" in clause) if c is not None]
    if rule.any_of and not any_of:
        return None
    if "expense_area" not in when and not any("expense_area" in c for c in any_of):
        return None
    return rule.model_copy(update={"id": f"{rule.id}@area", "priority": priority, "when": when, "any_of": any_of, "examples": []})


def rule_masks(view: LineView, rule_set: RuleSet) -> list[np.ndarray]:
    """For each rule of the set, which lines it fires on (for explaining a few lines)."""
    return [rule_mask(view, loaded.rule) for loaded in rule_set.rules]


def _categorical(values_per_code: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """A Categorical of `values_per_code[codes]`, without building the per-line strings;
    codes of -1, or of a None value, are missing."""
    value_codes, categories = pd.factorize(pd.Series(values_per_code, dtype=object), use_na_sentinel=True)
    line_codes = np.where(codes >= 0, value_codes[np.clip(codes, 0, None)] if len(value_codes) else -1, -1)
    return pd.Categorical.from_codes(line_codes, categories=pd.Index(categories, dtype=object))


class Categoriser:
    """Applies one rule set and supplier directory to publications."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        self.taxonomy = rule_set.taxonomy
        self.directory = SupplierDirectory(rule_set.suppliers, rule_set.matching)
        self.suppliers = SupplierCache(self.directory)
        self.category_ids: list[str] = list(self.taxonomy.ids)
        self.category_table = category_table(self.taxonomy, self.category_ids)
        self._category_code = {c: i for i, c in enumerate(self.category_ids)}
        # Index len(category_ids) stands for exclusion: compatible only with itself.
        size = len(self.category_ids) + 1
        self._level = np.array([c.count(".") + 1 for c in self.category_ids] + [0], dtype=np.int64)
        self._compatible = np.eye(size, dtype=bool)
        # _under[a, b]: category a lies strictly below b in the tree.
        self._under = np.zeros((size, size), dtype=bool)
        for i, a in enumerate(self.category_ids):
            for j, b in enumerate(self.category_ids):
                if a.startswith(b + "."):
                    self._under[i, j] = True
                if a.startswith(b + ".") or b.startswith(a + "."):
                    self._compatible[i, j] = True
        # Each category's group (its top-level id); exclusion is its own group.
        self._group = np.array(
            [self._category_code[c.split(".")[0]] for c in self.category_ids] + [len(self.category_ids)], dtype=np.int64
        )
        rule_count = len(rule_set.rules)
        matching = rule_set.matching
        # Rules read in the expense area: sources after the supplier ones, named `id@area`.
        self.area_rules: list[Rule] = []
        if matching.area_priority is not None:
            for loaded in rule_set.rules:
                if loaded.rule.priority >= matching.area_rules_from:
                    shadow = area_rule(loaded.rule, matching.area_priority)
                    if shadow is not None:
                        self.area_rules.append(shadow)
        supplier_methods = ("company", "exact", "fuzzy")
        self.source_names = [
            *(r.rule.id for r in rule_set.rules),
            *(f"supplier:{method}" for method in supplier_methods),
            CONSENSUS,
        ]
        self._supplier_source = {method: rule_count + i for i, method in enumerate(supplier_methods)}
        self._first_area_source = len(self.source_names)
        self.source_names += [r.id for r in self.area_rules]
        # Directory evidence's priority by category (public bodies may rank lower).
        public = matching.supplier_priority if matching.public_body_priority is None else matching.public_body_priority
        self._directory_priority = np.array(
            [public if c.split(".")[0] == "government" else matching.supplier_priority for c in self.category_ids],
            dtype=np.int32,
        )

    def evidence(self, publication: Publication) -> tuple[Evidence, np.ndarray, pd.DataFrame | None, np.ndarray | None]:
        view = LineView(publication, self.rule_set.shorthand)
        evidence = Evidence()
        fires = np.zeros(len(self.rule_set.rules), dtype=np.int64)
        for index, loaded in enumerate(self.rule_set.rules):
            rule = loaded.rule
            rows = np.flatnonzero(rule_mask(view, rule))
            fires[index] = len(rows)
            code = _EXCLUDE_CODE if rule.exclude else self._category_code[self.taxonomy.get(rule.category).id]
            evidence.add(rows, rule.priority, code, index)
        for offset, rule in enumerate(self.area_rules):
            # Most areas name no purpose: skip a rule before building its line masks when no
            # distinct area value matches any of its area conditions.
            area_conditions = [c["expense_area"] for c in (rule.when, *rule.any_of) if "expense_area" in c]
            if not any(view.some_value_matches("expense_area", c) for c in area_conditions):
                continue
            rows = np.flatnonzero(rule_mask(view, rule))
            evidence.add(rows, rule.priority, self._category_code[self.taxonomy.get(rule.category).id], self._first_area_source + offset)
        supplier_matches, supplier_codes = None, None
        supplier = publication.lines["supplier"] if "supplier" in publication.lines else None
        if supplier is not None and len(self.directory) and len(supplier.cat.categories):
            names = supplier.cat.categories.astype(str).tolist()
            supplier_matches = self.suppliers.lookup(names)
            supplier_codes = supplier.cat.codes.to_numpy().astype(np.int64)
            if "company_number" in publication.lines:
                supplier_matches = self._with_company_numbers(publication, supplier_matches, supplier_codes)
            unique_category = supplier_matches["category"].map(self._category_code).fillna(-1).to_numpy(dtype=np.int32)
            unique_source = supplier_matches["method"].map(self._supplier_source).fillna(-1).to_numpy(dtype=np.int32)
            unique_weak = supplier_matches["weak"].fillna(False).to_numpy(dtype=bool)
            rows = np.flatnonzero(supplier_codes >= 0)
            codes = supplier_codes[rows]
            has = unique_category[codes] >= 0
            rows, codes = rows[has], codes[has]
            evidence.add(rows, self._directory_priority[unique_category[codes]], unique_category[codes], unique_source[codes], unique_weak[codes])
        return evidence, fires, supplier_matches, supplier_codes

    def _with_company_numbers(self, publication: Publication, matches: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
        # A company number on the line outranks any name match: look up each distinct
        # (supplier, company number) pair, and let a number match replace the name's.
        numbers = publication.lines["company_number"]
        if not numbers.notna().any():
            return matches
        pairs = pd.DataFrame({"code": codes, "number": numbers.astype(object)}).dropna().drop_duplicates("code")
        pairs = pairs[pairs["code"] >= 0]
        if pairs.empty:
            return matches
        found = self.directory.match(pd.Series([""] * len(pairs), dtype=object), pd.Series(pairs["number"].tolist(), dtype=object))
        by_number = found["method"].to_numpy() == "company"
        if not by_number.any():
            return matches
        matches = matches.copy()
        matches.loc[pairs["code"].to_numpy()[by_number]] = found[by_number].to_numpy()
        return matches

    def _refine(
        self,
        evidence: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        open_lines: np.ndarray,
        winner_category: np.ndarray,
        winner_source: np.ndarray,
    ) -> None:
        """A decided line whose answer is a group (or a category with sub-categories) takes
        the more specific category that lower-priority evidence names inside it: `Care Spot`
        says social care, and a care-home supplier says which kind. Only lines in
        `open_lines` (not contested, not decided by weak evidence) are refined; weak
        evidence refines nothing; and if any evidence at the refining priority, inside the
        branch or not, disagrees with the refinement, the line keeps its answer. Updates
        winner_category and winner_source in place. `evidence` is sorted by line, then
        priority (high first), then specificity, with exclusion as the last category index."""
        rows, priorities, categories, sources, weak = evidence
        exclude = len(self.category_ids)
        winner = winner_category[rows]
        decided = np.where(winner == _EXCLUDE_CODE, exclude, np.clip(winner, 0, None))
        inside = ~weak & open_lines[rows] & (winner >= 0) & (categories != exclude) & self._under[categories, decided]
        if not inside.any():
            return
        candidate_rows = rows[inside]
        first = np.ones(len(candidate_rows), dtype=bool)
        first[1:] = candidate_rows[1:] != candidate_rows[:-1]
        best = np.flatnonzero(inside)[first]  # each refinable line's best refining entry
        line_count = len(winner_category)
        refine_priority = np.full(line_count, -1, dtype=np.int64)
        refine_category = np.full(line_count, exclude, dtype=np.int64)
        refine_priority[rows[best]] = priorities[best]
        refine_category[rows[best]] = categories[best]
        at_level = ~weak & (priorities == refine_priority[rows])
        clash = at_level & ~self._compatible[categories, refine_category[rows]]
        keep = ~np.isin(rows[best], rows[clash])
        best = best[keep]
        winner_category[rows[best]] = categories[best]
        winner_source[rows[best]] = sources[best]

    def categorise(self, publication: Publication) -> Categorisation:
        evidence, fires, supplier_matches, supplier_codes = self.evidence(publication)
        count = publication.line_count
        rows, priorities, categories, sources, weak = evidence.arrays()
        # Within a priority, the most specific category first, then the earliest source.
        levels = self._level[np.where(categories == _EXCLUDE_CODE, len(self.category_ids), categories)]
        order = np.lexsort((sources, -levels, -priorities.astype(np.int64), rows))
        rows, priorities, categories, sources, weak = (a[order] for a in (rows, priorities, categories, sources, weak))

        has_evidence = np.zeros(count, dtype=bool)
        winner_category = np.full(count, -1, dtype=np.int32)
        winner_source = np.full(count, -1, dtype=np.int32)
        winner_weak = np.zeros(count, dtype=bool)
        contested = np.zeros(count, dtype=bool)
        if len(rows):
            first = np.ones(len(rows), dtype=bool)
            first[1:] = rows[1:] != rows[:-1]
            starts = np.flatnonzero(first)
            winners = rows[starts]
            has_evidence[winners] = True
            winner_category[winners] = categories[starts]
            winner_source[winners] = sources[starts]
            winner_weak[winners] = weak[starts]
            group = np.cumsum(first) - 1
            top = priorities == priorities[starts][group]
            # A group and a category under it agree (the category is the more specific
            # answer); two categories neither of which contains the other disagree.
            as_index = np.where(categories == _EXCLUDE_CODE, len(self.category_ids), categories)
            disagree = top & ~self._compatible[as_index, as_index[starts][group]]
            contested[rows[disagree]] = True
            # Top evidence that names two categories of one group still says the group
            # ("Vehicle Costs" and "diesel": transport), so the line is categorised at
            # group level rather than left ambiguous.
            across_groups = np.zeros(count, dtype=bool)
            across_groups[rows[top & (self._group[as_index] != self._group[as_index[starts][group]])]] = True
            one_group = contested & ~across_groups
            winner_category[one_group] = self._group[np.clip(winner_category[one_group], 0, None)]
            contested &= across_groups
            winner_weak[rows[top & weak]] = True
            # The rule that decided keeps the credit in `rule_wins` when another refines it.
            deciding_source = winner_source.copy()
            self._refine((rows, priorities, as_index, sources, weak), ~(contested | winner_weak), winner_category, winner_source)
        else:
            deciding_source = winner_source.copy()

        status = np.zeros(count, dtype=np.int8) + STATUSES.index(UNCATEGORISED)
        status[has_evidence] = STATUSES.index(CATEGORISED)
        status[has_evidence & (winner_category == _EXCLUDE_CODE)] = STATUSES.index(EXCLUDED)
        status[has_evidence & (contested | winner_weak)] = STATUSES.index(AMBIGUOUS)
        decided = status == STATUSES.index(CATEGORISED)
        category_index = np.where(decided, winner_category, -1)

        added = pd.DataFrame(
            {name: _categorical(self.category_table[name].to_numpy()[:-1], category_index) for name in CATEGORY_COLUMNS}
        )
        added["status"] = pd.Categorical.from_codes(status, categories=list(STATUSES))
        added["decided_by"] = pd.Categorical.from_codes(
            np.where(has_evidence, winner_source, -1), categories=self.source_names
        )
        score = np.full(count, np.nan)
        matched_codes = np.full(count, -1, dtype=np.int64)
        unique_matched = np.zeros(0, dtype=object)
        if supplier_matches is not None and supplier_codes is not None:
            present = supplier_codes >= 0
            unique_score = supplier_matches["score"].to_numpy(dtype=float)
            unique_matched = supplier_matches["matched"].to_numpy(dtype=object)
            matched_codes[present] = supplier_codes[present]
            by_supplier = has_evidence & np.isin(winner_source, list(self._supplier_source.values()))
            score[by_supplier] = unique_score[supplier_codes[by_supplier]]
        added["score"] = score
        added["matched_supplier"] = _categorical(unique_matched, matched_codes)
        added["other_categories"] = _other_categories(count, rows, categories, winner_category, decided, self.category_ids)
        def credited(source: np.ndarray, lines: np.ndarray) -> np.ndarray:
            picked = source[lines & (source >= 0) & (source < len(fires))]
            return np.bincount(picked, minlength=len(fires))[: len(fires)]

        # A refined line counts for both the rule that decided it and the one that refined it.
        wins = credited(deciding_source, decided) + credited(winner_source, decided & (winner_source != deciding_source))
        return Categorisation(added=added, rule_fires=fires, rule_wins=wins)


def category_table(taxonomy: Taxonomy, ids: list[str]) -> pd.DataFrame:
    """One row per category id (plus a last all-empty row for "no category"): its label,
    group and crosswalk, so lines take theirs by position."""
    nodes = [taxonomy.get(c) for c in ids]
    table = pd.DataFrame(
        {
            "category": [n.id for n in nodes],
            "category_label": [n.label for n in nodes],
            "category_group": [n.group for n in nodes],
            "sercop": [n.sercop for n in nodes],
            "cofog": [n.cofog for n in nodes],
            "proclass": [n.proclass for n in nodes],
        },
        dtype=object,
    )
    return pd.concat([table, pd.DataFrame([[None] * len(CATEGORY_COLUMNS)], columns=list(CATEGORY_COLUMNS), dtype=object)], ignore_index=True)


def _other_categories(
    count: int, rows: np.ndarray, categories: np.ndarray, winner: np.ndarray, decided: np.ndarray, ids: list[str]
) -> pd.Categorical:
    """Per line, the candidate categories other than the winner (all of them when no
    winner), joined with "; ". Built per distinct combination, not per line."""
    codes = np.full(count, -1, dtype=np.int64)
    keep = (categories != winner[rows]) | ~decided[rows]
    rows, categories = rows[keep], categories[keep]
    if not len(rows):
        return pd.Categorical.from_codes(codes, categories=pd.Index([], dtype=object))
    names = np.array([*ids, "(exclude)"], dtype=object)
    name_index = np.where(categories == _EXCLUDE_CODE, len(ids), categories)
    order = np.lexsort((name_index, rows))
    rows, name_index = rows[order], name_index[order]
    fresh = np.ones(len(rows), dtype=bool)
    fresh[1:] = (rows[1:] != rows[:-1]) | (name_index[1:] != name_index[:-1])
    rows, name_index = rows[fresh], name_index[fresh]
    # Each line's set of candidates as a bitset (one uint64 word per 64 names), so the
    # distinct sets are found with numpy and only they are turned into text.
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    words = (len(names) + 63) // 64
    bits = np.left_shift(np.uint64(1), (name_index % 64).astype(np.uint64))
    word_of = name_index // 64
    sets = np.stack(
        [np.bitwise_or.reduceat(np.where(word_of == w, bits, np.uint64(0)), starts) for w in range(words)], axis=1
    )
    unique_sets, inverse = np.unique(sets, axis=0, return_inverse=True)
    alphabetical = sorted(range(len(names)), key=lambda i: names[i])
    texts = [
        "; ".join(names[i] for i in alphabetical if int(unique_set[i // 64]) >> (i % 64) & 1) for unique_set in unique_sets
    ]
    codes[rows[starts]] = inverse.reshape(-1)
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))


CONSENSUS_MIN_LINES = 3
CONSENSUS_MIN_SHARE = 0.9


def supplier_consensus(
    supplier: pd.Series, redacted: np.ndarray, status: pd.Series, category: pd.Series, amount_pence: pd.Series
) -> pd.Series:
    """For each uncategorised line, the category its supplier's other lines agree on (else NA).

    A supplier agrees when at least 3 of its lines in the run are categorised and at least
    90% of their (absolute) £ is in one category. Redacted and blank suppliers never agree:
    "REDACTED PERSONAL DATA" is many people, not one supplier. Consensus only fills lines
    with no evidence of their own; it never overrides a rule, a match or an ambiguity.
    """
    result = pd.Series([None] * len(supplier), dtype=object, index=supplier.index)
    name_codes, unique_names = pd.factorize(supplier, use_na_sentinel=True)
    usable = (name_codes >= 0) & ~np.asarray(redacted, dtype=bool)
    if not usable.any():
        return result
    # Normalise each distinct name once; lines take their key by code.
    key_of_name = normalise_names(pa.array([str(n) for n in unique_names], type=pa.string())).to_numpy(zero_copy_only=False)
    key_codes_of_name, unique_keys = pd.factorize(pd.Series(key_of_name, dtype=object).replace("", None), use_na_sentinel=True)
    line_key = np.where(usable, key_codes_of_name[np.clip(name_codes, 0, None)] if len(unique_names) else -1, -1)
    money = amount_pence.fillna(0).abs().to_numpy(dtype=np.int64)
    decided = (status == CATEGORISED).to_numpy() & (line_key >= 0)
    if not decided.any():
        return result
    category_codes, category_names = pd.factorize(category[decided].astype(object))
    votes = pd.DataFrame({"key": line_key[decided], "category": category_codes, "money": money[decided]})
    by_category = votes.groupby(["key", "category"], sort=False).agg(lines=("money", "size"), money=("money", "sum")).reset_index()
    totals = by_category.groupby("key").agg(lines=("lines", "sum"), money=("money", "sum"))
    best = by_category.sort_values("money", ascending=False, kind="stable").drop_duplicates("key").set_index("key")
    best = best.join(totals.add_suffix("_total"))
    share = np.where(best["money_total"] > 0, best["money"] / best["money_total"].where(best["money_total"] > 0, 1), 1.0)
    agreed = best[(best["lines_total"] >= CONSENSUS_MIN_LINES) & (share >= CONSENSUS_MIN_SHARE)]["category"]
    if agreed.empty:
        return result
    lent_category = np.full(len(unique_keys), -1, dtype=np.int64)
    lent_category[agreed.index.to_numpy()] = agreed.to_numpy()
    open_lines = np.flatnonzero((status == UNCATEGORISED).to_numpy() & (line_key >= 0))
    lent = lent_category[line_key[open_lines]]
    chosen = open_lines[lent >= 0]
    result.iloc[chosen] = np.asarray(category_names, dtype=object)[lent[lent >= 0]]
    return result
