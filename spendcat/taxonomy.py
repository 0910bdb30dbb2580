"""The purpose taxonomy: load `rules/taxonomy.yaml`, validate it, and answer questions about it.

A taxonomy is a tree of at most three levels: the fixed groups (`workforce`), categories
(`workforce.agency`) and, sparingly, details (`social_care.children_placements.secure`).
Every node, groups included, is a category a rule may name. Validation errors name the file,
the offending id or key and the YAML line, because the people who fix them are editing YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from spendcat.errors import SpendcatError, UnreadableFile
from spendcat.shipped import shipped_rules_dir

__all__ = [
    "COFOG_DIVISIONS",
    "SERCOP_GROUPS",
    "Category",
    "Taxonomy",
    "TaxonomyError",
    "load_taxonomy",
    "parse_taxonomy",
]

# The subjective groups of CIPFA's SeRCOP, plus "Capital": a transparency line for capital
# works has no revenue subjective, and leaving it null would hide what it is.
SERCOP_GROUPS: tuple[str, ...] = (
    "Employees",
    "Premises-related expenditure",
    "Transport-related expenditure",
    "Supplies and services",
    "Third party payments",
    "Transfer payments",
    "Support services",
    "Depreciation and impairment losses",
    "Capital",
)

COFOG_DIVISIONS: Mapping[str, str] = MappingProxyType(
    {
        "01": "General public services",
        "02": "Defence",
        "03": "Public order and safety",
        "04": "Economic affairs",
        "05": "Environmental protection",
        "06": "Housing and community amenities",
        "07": "Health",
        "08": "Recreation, culture and religion",
        "09": "Education",
        "10": "Social protection",
    }
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,2}$")
# An exclude says where the example belongs instead, so a reader (and a rule writer) can
# follow it; a bracketed id at the end is how the file says it.
_EXCLUDE_TARGET = re.compile(r"\(([^()]*)\)\s*$")
_TAXONOMY_FORMAT = 1

# The repository keeps spendcat/ and rules/ side by side; an installed wheel may carry the
# rules as package data instead (see `_default_source`).


class TaxonomyError(SpendcatError):
    """A taxonomy file is not valid; the message names the id or key and the YAML line."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message, file=file)
        self.line = line


# --- the file format, as pydantic models ---------------------------------------------------


class _Spec(BaseModel):
    # strict: YAML turns `cofog: 07` into the integer 7 and `label: yes` into True; coercing
    # them back would hide typos that change meaning.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _CrosswalkSpec(_Spec):
    # All three keys are required, null allowed: an absent key and "no mapping" must differ.
    sercop: str | None
    cofog: str | None
    proclass: str | None

    @field_validator("sercop", mode="before")
    @classmethod
    def _known_sercop(cls, value: Any) -> Any:
        if value is not None and value not in SERCOP_GROUPS:
            raise ValueError(f"must be one of {', '.join(SERCOP_GROUPS)} or null; got {value!r}")
        return value

    @field_validator("cofog", mode="before")
    @classmethod
    def _known_cofog(cls, value: Any) -> Any:
        if value is None:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            # pydantic turns only ValueError into a located validation error, so not TypeError.
            raise ValueError(  # noqa: TRY004
                f'must be a quoted two-digit string such as "{value:02d}"; got the number {value}'
            )
        if value not in COFOG_DIVISIONS:
            raise ValueError(f'must be a COFOG division "01" to "10" or null; got {value!r}')
        return value

    @field_validator("proclass")
    @classmethod
    def _non_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be a ProClass heading or null, not blank")
        return value


class _NodeSpec(_Spec):
    id: str
    label: str
    definition: str
    includes: list[str] = []
    excludes: list[str] = []
    crosswalk: _CrosswalkSpec
    aliases: list[str] = []
    categories: list[_NodeSpec] = []

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(
                f"{value!r} is not a valid id: lower-case snake_case words joined by dots, at most three"
            )
        return value

    @field_validator("label", "definition")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("includes", "excludes")
    @classmethod
    def _no_blank_examples(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("examples must not be blank")
        return value


class _FileSpec(_Spec):
    spendcat_taxonomy: Literal[1]
    id: str
    groups: list[_NodeSpec]

    @field_validator("spendcat_taxonomy", mode="before")
    @classmethod
    def _known_format(cls, value: Any) -> Any:
        if value != _TAXONOMY_FORMAT or isinstance(value, bool):
            raise ValueError(
                f"unsupported taxonomy format {value!r}: this spendcat reads format {_TAXONOMY_FORMAT}"
            )
        return value

    @field_validator("id")
    @classmethod
    def _simple_id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError(f"{value!r} is not a valid taxonomy id: one lower-case snake_case word")
        return value

    @field_validator("groups")
    @classmethod
    def _some_groups(cls, value: list[_NodeSpec]) -> list[_NodeSpec]:
        if not value:
            raise ValueError("a taxonomy needs at least one group")
        return value


# --- the public, frozen view ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    """One node of the taxonomy: a group (level 1) or a category under one (levels 2 and 3)."""

    id: str
    label: str
    definition: str
    group: str
    parent: str | None
    level: int
    sercop: str | None
    cofog: str | None
    proclass: str | None
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.parent is None


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """A validated taxonomy. Lookups accept aliases (old ids) and answer with current ids."""

    id: str
    nodes: tuple[Category, ...]
    source: str | None = None
    _by_id: Mapping[str, Category] = field(init=False, repr=False)
    _alias_to_id: Mapping[str, str] = field(init=False, repr=False)
    _children: Mapping[str, tuple[Category, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Category] = {}
        children: dict[str, list[Category]] = {}
        for node in self.nodes:
            # Guards for taxonomies built in code: the loader has already said where and why.
            if node.id in by_id:
                raise ValueError(f"duplicate id {node.id!r}")
            if node.parent is not None and node.parent not in by_id:
                raise ValueError(f"{node.id!r} comes before its parent {node.parent!r}")
            by_id[node.id] = node
            children[node.id] = []
            if node.parent is not None:
                children[node.parent].append(node)
        aliases = {alias: node.id for node in self.nodes for alias in node.aliases}
        clash = sorted(set(aliases) & set(by_id))
        if clash:
            raise ValueError(f"alias {clash[0]!r} is also an id")
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(self, "_alias_to_id", MappingProxyType(aliases))
        object.__setattr__(
            self, "_children", MappingProxyType({key: tuple(value) for key, value in children.items()})
        )

    def resolve(self, category_id: str) -> str:
        """The current id for an id or alias; KeyError when it is neither."""
        if category_id in self._by_id:
            return category_id
        try:
            return self._alias_to_id[category_id]
        except (KeyError, TypeError):
            raise KeyError(f"unknown category {category_id!r} in taxonomy {self.id!r}") from None

    def get(self, category_id: str) -> Category:
        """The category for an id or alias; KeyError when it is neither."""
        return self._by_id[self.resolve(category_id)]

    def __contains__(self, category_id: object) -> bool:
        return isinstance(category_id, str) and (
            category_id in self._by_id or category_id in self._alias_to_id
        )

    def __iter__(self) -> Iterator[Category]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every group and category id, in file order (each parent before its children)."""
        return tuple(node.id for node in self.nodes)

    @property
    def groups(self) -> tuple[Category, ...]:
        return tuple(node for node in self.nodes if node.parent is None)

    @property
    def aliases(self) -> Mapping[str, str]:
        """Old id -> current id."""
        return self._alias_to_id

    def children(self, category_id: str) -> tuple[Category, ...]:
        """The direct children of a group or category, in file order."""
        return self._children[self.resolve(category_id)]

    def label(self, category_id: str) -> str:
        return self.get(category_id).label

    def group_of(self, category_id: str) -> str:
        """The id of the top-level group a category falls in (a group is its own group)."""
        return self.get(category_id).group

    def to_rows(self) -> list[dict[str, str | int | None]]:
        """One flat dict per node, in file order, for CSV or JSON export."""
        return [
            {
                "id": node.id,
                "parent": node.parent,
                "level": node.level,
                "label": node.label,
                "definition": node.definition,
                "sercop": node.sercop,
                "cofog": node.cofog,
                "proclass": node.proclass,
            }
            for node in self.nodes
        ]


# --- loading --------------------------------------------------------------------------------

_Path = tuple[str | int, ...]

# The C loader when PyYAML was built with it; both are safe loaders and both give line marks.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Lines:
    """Maps a key path in the document, like ('groups', 0, 'id'), to its 1-based YAML line."""

    def __init__(self, root: yaml.Node) -> None:
        self.root = root

    def line(self, path: Iterable[str | int]) -> int:
        node = self.root
        key_line: int | None = None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                match = next(
                    (
                        pair
                        for pair in node.value
                        if isinstance(pair[0], yaml.ScalarNode) and pair[0].value == step
                    ),
                    None,
                )
                if match is None:
                    # A missing key is reported where the mapping that lacks it starts.
                    return node.start_mark.line + 1
                key, node = match
                key_line = key.start_mark.line + 1
            elif (
                isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value)
            ):
                node, key_line = node.value[step], None
            else:
                return node.start_mark.line + 1
        # A key's own line rather than its value's: a block list under a key starts a line later.
        return key_line if key_line is not None else node.start_mark.line + 1


def _check_duplicate_keys(node: yaml.Node, file: str | None) -> None:
    # PyYAML keeps the last of two equal keys without a word; in a taxonomy that silently
    # drops a definition or a list of children.
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise TaxonomyError(
                        f"line {line}: duplicate key {key.value!r} (first at line {seen[key.value]})",
                        file=file,
                        line=line,
                    )
                seen[key.value] = line
            _check_duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, file)


def _compose(text: str, file: str | None) -> tuple[Any, _Lines]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise TaxonomyError("the taxonomy file is empty", file=file)
        _check_duplicate_keys(root, file)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "not valid YAML"
        where = f"line {line}: " if line else ""
        raise TaxonomyError(f"{where}not valid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"not valid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    return data, _Lines(root)


def _node_context(data: Any, loc: _Path) -> tuple[str | None, _Path]:
    """The id of the innermost taxonomy node on a path, and the path inside that node."""
    node_id: str | None = None
    inner_start = 0
    current = data
    for index, step in enumerate(loc):
        in_mapping = isinstance(current, Mapping) and step in current
        in_list = isinstance(current, list) and isinstance(step, int) and step < len(current)
        if not (in_mapping or in_list):
            break
        current = current[step]
        if isinstance(step, int) and isinstance(current, Mapping) and isinstance(current.get("id"), str):
            node_id, inner_start = current["id"], index + 1
    return node_id, loc[inner_start:]


# Pydantic's wording names Python types and model classes; a YAML author needs YAML words.
_PLAIN_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "model_type": "must be a mapping of keys to values",
        "dict_type": "must be a mapping of keys to values",
        "list_type": "must be a list",
        "string_type": "must be text",
    }
)


def _describe(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    loc = error["loc"]
    key = loc[-1] if loc else None
    if kind == "extra_forbidden":
        return f"unknown key {key!r}"
    if kind == "missing":
        return f"missing key {key!r}"
    if kind in _PLAIN_WORDS:
        # The input may be a whole block of the file; the line number already points at it.
        shown = repr(error.get("input"))
        return f"{_PLAIN_WORDS[kind]}, got {shown if len(shown) <= 60 else shown[:57] + '...'}"
    return str(error["msg"]).removeprefix("Value error, ")


def _pydantic_errors(exc: ValidationError, data: Any, lines: _Lines) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for error in exc.errors(include_url=False):
        loc: _Path = tuple(error["loc"])
        node_id, inner = _node_context(data, loc)
        if inner == ("id",):
            node_id = None  # the message quotes the bad id itself
        # The offending key names itself in "unknown key"/"missing key"; elsewhere say which.
        shown = inner[:-1] if error["type"] in ("extra_forbidden", "missing") else inner
        parts = []
        if node_id is not None:
            parts.append(f"{node_id!r}")
        if shown:
            parts.append(".".join(str(step) for step in shown if not isinstance(step, int)) or str(shown))
        where = ": ".join(parts)
        line = lines.line(loc)
        found.append((line, f"line {line}: {where + ': ' if where else ''}{_describe(error)}"))
    return found


def _raise(problems: list[tuple[int, str]], file: str | None) -> NoReturn:
    problems.sort(key=lambda item: item[0])
    first_line = problems[0][0]
    message = "; ".join(text for _, text in problems[:3])
    if len(problems) > 3:
        message += f" (and {len(problems) - 3} more)"
    raise TaxonomyError(message, file=file, line=first_line)


def _build(spec: _FileSpec, lines: _Lines, file: str | None) -> Taxonomy:
    problems: list[tuple[int, str]] = []
    nodes: list[Category] = []
    id_lines: dict[str, int] = {}
    # (node, where its spec sits) for the checks that need every id first.
    placed: list[tuple[_NodeSpec, _Path]] = []

    def visit(node: _NodeSpec, path: _Path, parent: Category | None) -> None:
        id_line = lines.line((*path, "id"))
        level = 1 if parent is None else parent.level + 1
        if parent is None and "." in node.id:
            problems.append((id_line, f"line {id_line}: group id {node.id!r} must be one word, without dots"))
        elif parent is not None:
            expected = f"{parent.id}."
            rest = node.id[len(expected) :]
            if not node.id.startswith(expected) or not rest or "." in rest:
                problems.append(
                    (
                        id_line,
                        (
                            f"line {id_line}: id {node.id!r} must be its parent's id {parent.id!r} "
                            f"followed by one more word, e.g. '{parent.id}.{node.id.rsplit('.', 1)[-1]}'"
                        ),
                    )
                )
        if node.id in id_lines:
            problems.append(
                (id_line, f"line {id_line}: duplicate id {node.id!r} (first at line {id_lines[node.id]})")
            )
        else:
            id_lines[node.id] = id_line
        if parent is not None and not node.includes:
            problems.append((id_line, f"line {id_line}: {node.id!r}: needs at least one 'includes' example"))
        if level >= 3 and node.categories:
            child_line = lines.line((*path, "categories"))
            problems.append(
                (child_line, f"line {child_line}: {node.id!r}: the taxonomy has at most three levels")
            )
        category = Category(
            id=node.id,
            label=node.label.strip(),
            definition=node.definition.strip(),
            group=parent.group if parent is not None else node.id,
            parent=parent.id if parent is not None else None,
            level=level,
            sercop=node.crosswalk.sercop,
            cofog=node.crosswalk.cofog,
            proclass=node.crosswalk.proclass.strip() if node.crosswalk.proclass else None,
            includes=tuple(item.strip() for item in node.includes),
            excludes=tuple(item.strip() for item in node.excludes),
            aliases=tuple(node.aliases),
        )
        nodes.append(category)
        placed.append((node, path))
        if level < 3:
            for index, child in enumerate(node.categories):
                visit(child, (*path, "categories", index), category)

    for index, group in enumerate(spec.groups):
        visit(group, ("groups", index), None)
    # A misplaced or duplicated id makes every reference to it look wrong too; report the
    # cause alone.
    if problems:
        _raise(problems, file)

    alias_lines: dict[str, int] = {}
    for node, path in placed:
        for index, alias in enumerate(node.aliases):
            line = lines.line((*path, "aliases", index))
            if not ID_PATTERN.match(alias):
                problems.append((line, f"line {line}: {node.id!r}: alias {alias!r} is not a valid id"))
            elif alias in id_lines:
                problems.append(
                    (
                        line,
                        f"line {line}: {node.id!r}: alias {alias!r} is the id of a category (line {id_lines[alias]})",
                    )
                )
            elif alias in alias_lines:
                problems.append(
                    (
                        line,
                        f"line {line}: {node.id!r}: duplicate alias {alias!r} (first at line {alias_lines[alias]})",
                    )
                )
            else:
                alias_lines[alias] = line
        for index, example in enumerate(node.excludes):
            line = lines.line((*path, "excludes", index))
            target = _EXCLUDE_TARGET.search(example)
            if target is None:
                problems.append(
                    (
                        line,
                        (
                            f"line {line}: {node.id!r}: exclude {example!r} must end with the id it "
                            "belongs to instead, in brackets, e.g. 'job adverts (workforce.recruitment)'"
                        ),
                    )
                )
            elif target.group(1) not in id_lines:
                problems.append(
                    (
                        line,
                        f"line {line}: {node.id!r}: exclude {example!r} names unknown id {target.group(1)!r}",
                    )
                )
            elif target.group(1) == node.id:
                problems.append(
                    (line, f"line {line}: {node.id!r}: exclude {example!r} names the category itself")
                )

    if problems:
        _raise(problems, file)
    return Taxonomy(id=spec.id, nodes=tuple(nodes), source=file)


def parse_taxonomy(text: str, file: str | None = None) -> Taxonomy:
    """Validate taxonomy YAML text; `file` only names it in error messages."""
    data, lines = _compose(text, file)
    try:
        spec = _FileSpec.model_validate(data)
    except ValidationError as exc:
        _raise(_pydantic_errors(exc, data, lines), file)
    return _build(spec, lines, file)


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile("taxonomy file not found", file=str(path)) from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read taxonomy file: {exc.strerror or exc}", file=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"taxonomy file is not UTF-8 (byte {exc.start})", file=str(path)) from None


def _default_source() -> tuple[str, str]:
    path = shipped_rules_dir() / "taxonomy.yaml"
    return _read(path), str(path)


@lru_cache(maxsize=1)
def _load_default() -> Taxonomy:
    text, name = _default_source()
    return parse_taxonomy(text, file=name)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file; None loads the shipped default (cached: it is frozen)."""
    if path is None:
        return _load_default()
    path = Path(path)
    return parse_taxonomy(_read(path), file=str(path))
