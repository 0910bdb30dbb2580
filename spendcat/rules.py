"""Rule sets: YAML files of rules that give lines a purpose category, validated on load.

A rule file (see README, "Rule files") holds rules, supplier directory entries and the
fuzzy-matching thresholds. Files layer: `load_rule_set([a, b])` reads `a` then `b`, and a
rule in `b` with the id of a rule in `a` replaces it (or, with `enabled: false`, removes it).
Every error names the file, the line and what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from rapidfuzz import process

from spendcat.columns import CANONICAL_FIELDS
from spendcat.errors import SpendcatError
from spendcat.taxonomy import Taxonomy, load_taxonomy


class InvalidRuleFile(SpendcatError):
    """A rule or supplier file that does not validate."""


# Fields a condition may test beyond the canonical ones: `purpose` is any of the fields that
# say what was bought, so one keyword list covers publishers that put it in different places.
PURPOSE_FIELDS: tuple[str, ...] = ("expense_type", "description", "merchant_category")
PSEUDO_FIELDS: tuple[str, ...] = ("purpose",)
COLUMN_PREFIX = "column:"
RULE_FIELDS: tuple[str, ...] = (*CANONICAL_FIELDS, *PSEUDO_FIELDS)
EXCLUDED = "excluded"
NONE = "none"


def keyword_pattern(words: list[str]) -> str:
    """Whole-word, case-insensitive alternation of keywords (spaces match any whitespace,
    underscores and hyphens separate words)."""
    escaped = [r"[\s_\-]+".join(re.escape(part) for part in word.split()) for word in words if word.strip()]
    # Words end at anything but a letter or digit: ledgers write `AGENCY_STAFF` and
    # `Agency-Staff` as often as `Agency Staff`.
    return r"(?i)(?:^|[^\p{L}\p{N}])(?:" + "|".join(escaped) + r")(?:$|[^\p{L}\p{N}])"


def _check_re2(pattern: str) -> None:
    """Compile a pattern with the engine that will run it (RE2, via Arrow)."""
    try:
        pc.match_substring_regex(pa.array([""]), pattern)
    except pa.ArrowInvalid as exc:
        raise ValueError(f"bad regex {pattern!r}: {str(exc).split(':', 1)[-1].strip()}") from None


class Condition(BaseModel):
    """What one field must satisfy; every key given must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    any: list[str] | None = Field(None, description="At least one of these words or phrases (whole words, any case).")
    all: list[str] | None = Field(None, description="Every one of these words or phrases.")
    regex: str | None = Field(None, description="A regular expression (RE2 syntax) found in the value.")
    equals: str | None = Field(None, description="The whole value, ignoring case and surrounding spaces.")
    in_: list[str] | None = Field(None, alias="in", description="The whole value is one of these (ignoring case).")
    min: Decimal | None = Field(None, description="Amount at least this many pounds (amount only).")
    max: Decimal | None = Field(None, description="Amount at most this many pounds (amount only).")
    from_: date | None = Field(None, alias="from", description="Date on or after (date only).")
    to: date | None = Field(None, description="Date on or before (date only).")
    missing: bool | None = Field(None, description="true: the field is blank; false: it is not.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `supplier: council` and `expense_type: [agency, interim]` mean `any:` of those words.
        if isinstance(value, str):
            return {"any": [value]}
        if isinstance(value, list):
            return {"any": value}
        return value

    @field_validator("regex")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            _check_re2(value)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_dump(exclude_none=True):
            raise ValueError("a condition needs at least one of: any, all, regex, equals, in, min, max, from, to, missing")
        return self

    def key(self) -> str:
        return self.model_dump_json(exclude_none=True, by_alias=True)


Clause = dict[str, Condition]


def _check_clause_fields(clause: Clause) -> Clause:
    for name in clause:
        if name in RULE_FIELDS or (name.startswith(COLUMN_PREFIX) and name[len(COLUMN_PREFIX) :].strip()):
            continue
        close = process.extractOne(name, RULE_FIELDS, score_cutoff=75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown field {name!r}{hint} (fields: {', '.join(RULE_FIELDS)}; "
            f"an original column is written {COLUMN_PREFIX}HEADER)"
        )
    for name, condition in clause.items():
        base = name
        if (condition.min is not None or condition.max is not None) and base != "amount":
            raise ValueError(f"min/max apply to amount only, not {name!r}")
        if (condition.from_ is not None or condition.to is not None) and base != "date":
            raise ValueError(f"from/to apply to date only, not {name!r}")
        if base in ("amount", "date") and (condition.any or condition.all or condition.regex or condition.equals or condition.in_):
            raise ValueError(f"{name!r} takes only {'min/max' if base == 'amount' else 'from/to'} and missing")
    return clause


class Example(BaseModel):
    """A line (its fields) and what the rule set should make of it."""

    model_config = ConfigDict(extra="allow")

    expect: str | None = Field(
        None, description="Category id expected; `none` when this rule must not fire; `excluded`. Default: the rule's own."
    )


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", description="Unique id; a later file replaces a rule of the same id.")
    category: str | None = Field(None, description="Category id from the taxonomy.")
    exclude: bool = Field(False, description="true: lines this rule fires on are excluded (internal recharges, suspense...).")
    priority: int = Field(50, ge=0, le=1000, description="Higher wins; equal priorities naming different categories make a line ambiguous.")
    when: Clause = Field(default_factory=dict, description="Field conditions that must all hold.")
    any_of: list[Clause] = Field(default_factory=list, description="At least one of these groups of conditions must hold.")
    unless: list[Clause] = Field(default_factory=list, description="The rule does not fire if any of these groups holds.")
    enabled: bool = Field(True, description="false in a later layer switches off a rule of the same id.")
    note: str | None = Field(None, description="Why the rule exists.")
    examples: list[Example] = Field(default_factory=list)

    @field_validator("unless", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("when")
    @classmethod
    def _when_fields(cls, value: Clause) -> Clause:
        return _check_clause_fields(value)

    @field_validator("any_of", "unless")
    @classmethod
    def _clauses_fields(cls, value: list[Clause]) -> list[Clause]:
        for clause in value:
            _check_clause_fields(clause)
        return value

    @model_validator(mode="after")
    def _complete(self) -> Rule:
        if not self.enabled:
            return self
        if self.exclude == (self.category is not None):
            raise ValueError("a rule names a category or says `exclude: true`, exactly one of the two")
        if not self.when and not self.any_of:
            raise ValueError("a rule needs conditions: `when` and/or `any_of`")
        return self


class Matching(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept: int = Field(90, ge=0, le=100, description="Fuzzy score at or above which a supplier match is taken.")
    review: int = Field(80, ge=0, le=100, description="Fuzzy score at or above which a match makes the line ambiguous.")
    margin: int = Field(5, ge=0, le=100, description="A runner-up of another category this close makes the line ambiguous.")
    supplier_priority: int = Field(40, ge=0, le=1000, description="Priority of supplier directory evidence among the rules.")
    area_priority: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="Priority at which a rule's `purpose` words, found in the line's expense area instead, "
        "are evidence for its category (a `Fostering` service area with an `Other services` heading); "
        "none: off.",
    )
    public_body_priority: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="Priority of directory entries in the `government` group: a public body paid for a service "
        "goes to the service the line names, so its entry may rank below the headings that name one; "
        "none: supplier_priority.",
    )
    area_rules_from: int = Field(50, ge=0, le=1000, description="Only rules at or above this priority are read in the expense area.")

    @model_validator(mode="after")
    def _ordered(self) -> Matching:
        if self.review > self.accept:
            raise ValueError("review must not be above accept")
        return self


class SupplierEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    category: str
    aliases: list[str] = Field(default_factory=list)
    company_number: str | None = None

    @field_validator("aliases", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [a.strip() for a in re.split(r"[|;]", value) if a.strip()]
        return value or []


class RuleFile(BaseModel):
    """One YAML rule file."""

    model_config = ConfigDict(extra="forbid")

    spendcat: Literal[1] = Field(description="Format version of the rule file.")
    taxonomy: str = Field("default", description="`default`, or the path of a taxonomy YAML file.")
    matching: Matching | None = None
    abbreviations: dict[str, str] = Field(
        default_factory=dict,
        description="Ledger shorthand and the words it stands for (`indep sec: independent sector`); rules also "
        "test the expense type, merchant category and expense area with these written out. Later "
        "files add to and override earlier ones.",
    )
    rules: list[Rule] = Field(default_factory=list)
    suppliers: list[SupplierEntry] = Field(default_factory=list)
    supplier_files: list[str] = Field(default_factory=list, description="CSV supplier directories, relative to this file.")

    @field_validator("abbreviations")
    @classmethod
    def _no_blank_shorthand(cls, value: dict[str, str]) -> dict[str, str]:
        for key, words in value.items():
            if not key.strip() or not words.strip():
                raise ValueError(f"abbreviation {key!r}: {words!r}: neither the shorthand nor its words may be blank")
        return value


def rule_file_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file, for editors."""
    schema = RuleFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "spendcat rule file"
    return schema


# --- Loading ---------------------------------------------------------------------------


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key, value in node.value:
                if key.value == str(part) or (part == "in_" and key.value == "in") or (part == "from_" and key.value == "from"):
                    found = (key, value)
                    break
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _describe_loc(document: Any, loc: tuple[Any, ...]) -> str:
    parts = []
    value = document
    for part in loc:
        if isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
            rule_id = value.get("id") if isinstance(value, dict) else None
            parts.append(f"{rule_id}" if rule_id else f"[{part}]")
        elif isinstance(value, dict):
            value = value.get(part if part in value else {"in_": "in", "from_": "from"}.get(part, part))
            parts.append(str(part).rstrip("_"))
        else:
            parts.append(str(part))
    return " > ".join(p for p in parts if not p.startswith(("function-", "tagged-union")))


def read_rule_file(path: Path) -> tuple[RuleFile, yaml.Node | None]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidRuleFile("no such rule file", file=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRuleFile(f"cannot read rule file ({exc})", file=name) from None
    try:
        document = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InvalidRuleFile(
            f"line {mark.line + 1}: not valid YAML ({getattr(exc, 'problem', exc)})" if mark else f"not valid YAML ({exc})",
            file=name,
        ) from None
    if not isinstance(document, dict):
        raise InvalidRuleFile("a rule file is a YAML mapping starting `spendcat: 1`", file=name)
    try:
        model = RuleFile.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "tagged-union"))))
        line = _line_of(node, loc)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        where = _describe_loc(document, loc)
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise InvalidRuleFile(f"line {line}: {where}: {message}{more}", file=name) from None
    return model, node


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    file: str
    line: int | None
    order: int  # position in the layered rule set


@dataclass
class RuleSet:
    """Rules and supplier entries from one or more layered files, checked against a taxonomy."""

    taxonomy: Taxonomy
    rules: list[LoadedRule]
    suppliers: list[tuple[SupplierEntry, str]]  # entry, where it came from
    matching: Matching
    files: list[Path] = field(default_factory=list)
    supplier_paths: list[Path] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)
    # (rule id, file of the replaced rule, file and line of the rule that replaced it)
    replaced: list[tuple[str, str, str, int | None]] = field(default_factory=list)

    @cached_property
    def shorthand(self) -> Shorthand | None:
        return Shorthand.of(self.abbreviations)

    def rule(self, rule_id: str) -> LoadedRule:
        for loaded in self.rules:
            if loaded.rule.id == rule_id:
                return loaded
        raise KeyError(rule_id)


def _rule_line(node: yaml.Node | None, index: int) -> int | None:
    return _line_of(node, ("rules", index))


def rule_files_in(paths: list[Path]) -> list[Path]:
    """Rule files named, folders expanded to their *.yaml files (taxonomy files left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml") and not _is_taxonomy(p))
            if not found:
                raise InvalidRuleFile("folder holds no rule files (*.yaml)", file=str(path))
            files.extend(found)
        else:
            files.append(path)
    return files


def _is_taxonomy(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig") as stream:
            for line in stream:
                if line.strip() and not line.lstrip().startswith("#"):
                    return line.startswith("spendcat_taxonomy")
    except (OSError, UnicodeDecodeError):
        return False
    return False


def load_rule_set(paths: list[Path], *, supplier_csvs: list[Path] | None = None) -> RuleSet:
    """Read rule files in order, later ones extending or overriding earlier ones by rule id."""
    from spendcat.suppliers import read_supplier_csv

    files = rule_files_in(paths)
    by_id: dict[str, LoadedRule] = {}
    suppliers: list[tuple[SupplierEntry, str]] = []
    matching = Matching()
    abbreviations: dict[str, str] = {}
    taxonomy_name = "default"
    taxonomy_base: Path | None = None
    supplier_paths: list[Path] = []
    replaced: list[tuple[str, str, str, int | None]] = []
    models = []
    for path in files:
        model, node = read_rule_file(path)
        models.append((path, model, node))
        if model.taxonomy != "default" or taxonomy_base is None:
            if model.taxonomy != "default":
                taxonomy_name, taxonomy_base = model.taxonomy, path.parent
    taxonomy = load_taxonomy(None if taxonomy_name == "default" else (taxonomy_base or Path(".")) / taxonomy_name)
    order = 0
    for path, model, node in models:
        name = str(path)
        seen_here: set[str] = set()
        if model.matching is not None:
            matching = model.matching
        abbreviations.update({_shorthand_key(k): v for k, v in model.abbreviations.items()})
        for index, rule in enumerate(model.rules):
            line = _rule_line(node, index)
            if rule.id in seen_here:
                raise InvalidRuleFile(f"line {line}: duplicate rule id {rule.id!r}", file=name)
            seen_here.add(rule.id)
            if rule.category is not None and rule.category not in taxonomy:
                close = process.extractOne(rule.category, taxonomy.ids, score_cutoff=70)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InvalidRuleFile(f"line {line}: rule {rule.id!r}: unknown category {rule.category!r}{hint}", file=name)
            for example_index, example in enumerate(rule.examples):
                expect = example.expect
                if expect not in (None, NONE, EXCLUDED) and expect not in taxonomy:
                    example_line = _line_of(node, ("rules", index, "examples", example_index))
                    raise InvalidRuleFile(
                        f"line {example_line}: rule {rule.id!r}: example expects unknown category {expect!r}", file=name
                    )
            if not rule.enabled:
                by_id.pop(rule.id, None)
                continue
            earlier = by_id.pop(rule.id, None)  # a replaced rule takes its new place in the order
            if earlier is not None:
                replaced.append((rule.id, earlier.file, name, line))
            by_id[rule.id] = LoadedRule(rule, name, line, order)
            order += 1
        for index, entry in enumerate(model.suppliers):
            if entry.category not in taxonomy:
                line = _line_of(node, ("suppliers", index))
                raise InvalidRuleFile(f"line {line}: supplier {entry.name!r}: unknown category {entry.category!r}", file=name)
            suppliers.append((entry, f"{name}:{_line_of(node, ('suppliers', index))}"))
        for relative in model.supplier_files:
            csv_path = path.parent / relative
            supplier_paths.append(csv_path)
            suppliers.extend(read_supplier_csv(csv_path, taxonomy))
    for csv_path in supplier_csvs or []:
        supplier_paths.append(csv_path)
        if csv_path.suffix.lower() in (".yaml", ".yml"):
            model, node = read_rule_file(csv_path)
            for index, entry in enumerate(model.suppliers):
                if entry.category not in taxonomy:
                    line = _line_of(node, ("suppliers", index))
                    raise InvalidRuleFile(f"line {line}: supplier {entry.name!r}: unknown category {entry.category!r}", file=str(csv_path))
                suppliers.append((entry, f"{csv_path}:{_line_of(node, ('suppliers', index))}"))
        else:
            suppliers.extend(read_supplier_csv(csv_path, taxonomy))
    rules = sorted(by_id.values(), key=lambda r: r.order)
    return RuleSet(taxonomy, rules, suppliers, matching, files, supplier_paths, abbreviations, replaced)


# Fields whose ledger shorthand is written out before rules test them: the chart-of-accounts
# fields, whose few distinct values are cut short. Not the free-text description, which is
# nearly unique per line in card files: writing it out doubled the time of a million-line run.
ABBREVIATED_FIELDS: tuple[str, ...] = ("expense_type", "merchant_category", "expense_area")


def _shorthand_key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Shorthand:
    """Ledger shorthand and the words it stands for, compiled once per rule set.

    Shorthand is matched as whole words (ending at anything but a letter or digit, as rule
    words do), any case, longest first."""

    words: dict[str, str]
    pattern: re.Pattern[str]
    screen: str  # RE2: every value holding some shorthand matches (and a few others)

    @classmethod
    def of(cls, abbreviations: dict[str, str]) -> Shorthand | None:
        if not abbreviations:
            return None
        words = {_shorthand_key(key): value for key, value in abbreviations.items()}
        body = "|".join(r"\s+".join(re.escape(part) for part in key.split()) for key in sorted(words, key=len, reverse=True))
        return cls(words, re.compile(rf"(?<![^\W_])({body})(?![^\W_])", re.IGNORECASE), keyword_pattern(list(words)))

    def expand(self, value: str) -> str:
        """The value with its shorthand written out (`INDEP SEC RES CARE` to `independent
        sector residential care`)."""
        # Case-blind matching can pair letters that casefold differently (`İ` and `i`): such
        # a match is left as written.
        return self.pattern.sub(lambda m: self.words.get(_shorthand_key(m.group(1)), m.group(1)), value)

    def written_out(self, values: pa.Array) -> tuple[np.ndarray, pa.Array] | None:
        """The positions and new text of the distinct values whose shorthand is written out,
        or None when none is. Only values the fast screen flags go through Python."""
        found = np.flatnonzero(pc.match_substring_regex(values, self.screen).fill_null(False).to_numpy(zero_copy_only=False))
        raw = values.take(pa.array(found, type=pa.int64())).to_pylist()
        written = [self.expand(value) for value in raw]
        changed = [i for i, (before, after) in enumerate(zip(raw, written)) if after != before]
        if not changed:
            return None
        return found[changed], pa.array([written[i] for i in changed], type=pa.string())
