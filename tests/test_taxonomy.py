"""The purpose taxonomy: the shipped file obeys DOMAIN.md, and bad files fail with the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spendcat.errors import SpendcatError, UnreadableFile
from spendcat.shipped import shipped_rules_dir
from spendcat.taxonomy import (
    COFOG_DIVISIONS,
    SERCOP_GROUPS,
    Category,
    Taxonomy,
    TaxonomyError,
    load_taxonomy,
    parse_taxonomy,
)

# DOMAIN.md, "Top level (fixed: ids and meanings are part of the contract)", in its order.
DOMAIN_GROUPS = (
    "workforce",
    "premises",
    "construction",
    "highways",
    "transport",
    "ict",
    "supplies",
    "professional",
    "marketing",
    "social_care",
    "education",
    "health",
    "housing",
    "environment",
    "culture_leisure",
    "grants",
    "government",
    "finance",
)

# Ids that other parts of spendcat (DESIGN.md's rule sketch) and DOMAIN.md's conventions
# already name; renaming one without an alias would break them.
IDS_NAMED_ELSEWHERE = ("workforce.agency", "social_care.residential", "ict.software")


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy()


# --- the shipped taxonomy -------------------------------------------------------------------


def test_shipped_taxonomy_loads_from_the_repository(shipped: Taxonomy) -> None:
    assert (shipped_rules_dir() / "taxonomy.yaml").is_file()
    assert shipped.id == "default"
    assert load_taxonomy(shipped_rules_dir() / "taxonomy.yaml").ids == shipped.ids
    assert load_taxonomy(str(shipped_rules_dir() / "taxonomy.yaml")).ids == shipped.ids


def test_format_line_comes_first() -> None:
    # rules.py tells a taxonomy file from a rule file in the same folder by its first line.
    with (shipped_rules_dir() / "taxonomy.yaml").open(encoding="utf-8") as stream:
        assert stream.readline() == "spendcat_taxonomy: 1\n"


def test_groups_are_exactly_domain_md(shipped: Taxonomy) -> None:
    assert tuple(group.id for group in shipped.groups) == DOMAIN_GROUPS


def test_groups_match_domain_md_file_when_present(shipped: Taxonomy) -> None:
    domain = Path(__file__).resolve().parents[2] / "shared" / "DOMAIN.md"
    if not domain.is_file():
        pytest.skip(f"{domain} not present")
    text = domain.read_text(encoding="utf-8")
    top = text.split("### Top level", 1)[1].split("\n\n", 2)[1]
    ids = tuple(re.findall(r"^\| `([a-z_]+)` \|", top, flags=re.MULTILINE))
    assert ids == tuple(group.id for group in shipped.groups)


def test_category_count_in_range(shipped: Taxonomy) -> None:
    categories = [node for node in shipped if not node.is_group]
    assert 60 <= len(categories) <= 120
    # Every group has categories under it, and the third level stays rare.
    assert all(shipped.children(group.id) for group in shipped.groups)
    assert sum(node.level == 3 for node in shipped) <= 10


def test_every_category_is_documented(shipped: Taxonomy) -> None:
    for node in shipped:
        assert node.label.strip(), node.id
        assert node.definition.endswith("."), node.id
        if node.is_group:
            continue
        assert 2 <= len(node.includes) <= 5, node.id
        assert 1 <= len(node.excludes) <= 3, node.id


def test_excludes_point_at_real_other_categories(shipped: Taxonomy) -> None:
    for node in shipped:
        for example in node.excludes:
            target = re.search(r"\(([^()]+)\)$", example)
            assert target, (node.id, example)
            assert target.group(1) in shipped, (node.id, example)
            assert target.group(1) != node.id, (node.id, example)


def test_crosswalk_values_are_from_the_standards(shipped: Taxonomy) -> None:
    for node in shipped:
        assert node.sercop is None or node.sercop in SERCOP_GROUPS, node.id
        assert node.cofog is None or node.cofog in COFOG_DIVISIONS, node.id
        assert node.proclass is None or node.proclass.strip() == node.proclass, node.id


def test_non_procurement_spend_has_no_proclass(shipped: Taxonomy) -> None:
    # ProClass covers influenceable third-party spend only: never grants, tax or transfers.
    for group in ("grants", "government", "finance"):
        for node in shipped:
            if node.group == group:
                assert node.proclass is None, node.id
    assert shipped.get("social_care.direct_payments").proclass is None
    assert shipped.get("housing.benefit").proclass is None


def test_domain_conventions_have_a_home(shipped: Taxonomy) -> None:
    # DOMAIN.md's conventions and DESIGN.md's examples name these places.
    for category_id in IDS_NAMED_ELSEWHERE:
        assert category_id in shipped
    assert shipped.group_of("government.hmrc") == "government"
    assert shipped.group_of("government.precepts") == "government"
    assert shipped.group_of("government.grant_in_aid") == "government"
    assert shipped.group_of("social_care.direct_payments") == "social_care"
    assert "PFI" in " ".join(shipped.get("premises.facilities_management").includes)
    assert shipped.get("transport.business_travel").group == "transport"


def test_ids_are_well_formed_and_nested(shipped: Taxonomy) -> None:
    pattern = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,2}$")
    assert len(set(shipped.ids)) == len(shipped.ids)
    for node in shipped:
        assert pattern.match(node.id)
        assert node.level == node.id.count(".") + 1
        if node.parent is not None:
            assert node.id.startswith(node.parent + ".")
            assert shipped.ids.index(node.parent) < shipped.ids.index(node.id)


# --- the API --------------------------------------------------------------------------------


def test_lookups(shipped: Taxonomy) -> None:
    agency = shipped.get("workforce.agency")
    assert isinstance(agency, Category)
    assert agency.group == "workforce" and agency.parent == "workforce" and agency.level == 2
    assert agency.sercop == "Employees"
    assert shipped.label("workforce.agency") == agency.label
    assert shipped.group_of("social_care.children_placements.secure") == "social_care"
    assert shipped.get("social_care.children_placements.secure").parent == "social_care.children_placements"
    # A group is a category too.
    assert "workforce" in shipped and shipped.get("workforce").is_group
    assert shipped.group_of("workforce") == "workforce"
    assert shipped.children("workforce")[0].id == "workforce.agency"
    assert "no.such" not in shipped and 42 not in shipped
    with pytest.raises(KeyError):
        shipped.get("no.such")


def test_to_rows(shipped: Taxonomy) -> None:
    rows = shipped.to_rows()
    assert [row["id"] for row in rows] == list(shipped.ids)
    assert set(rows[0]) == {"id", "parent", "level", "label", "definition", "sercop", "cofog", "proclass"}
    assert rows[0]["parent"] is None and rows[0]["level"] == 1
    secure = next(row for row in rows if row["id"] == "social_care.children_placements.secure")
    assert secure["level"] == 3 and secure["cofog"] == "10"


def test_taxonomy_is_frozen(shipped: Taxonomy) -> None:
    with pytest.raises(AttributeError):
        shipped.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        shipped.get("workforce").label = "Staff"  # type: ignore[misc]
    with pytest.raises(TypeError):
        shipped.aliases["x"] = "workforce"  # type: ignore[index]


# --- small files: aliases and validation ----------------------------------------------------

GOOD = """\
spendcat_taxonomy: 1
id: test
groups:
  - id: workforce
    label: Workforce
    definition: Staff.
    crosswalk: {sercop: Employees, cofog: null, proclass: null}
    categories:
      - id: workforce.agency
        label: Agency staff
        definition: Staff through agencies.
        includes: [agency social workers]
        excludes: [job adverts (workforce.recruitment)]
        crosswalk: {sercop: Employees, cofog: null, proclass: Human Resources}
        aliases: [workforce.temps, workforce.interim]
      - id: workforce.recruitment
        label: Recruitment
        definition: Finding staff.
        includes: [job adverts]
        crosswalk:
          sercop: Employees
          cofog: "01"
          proclass: Human Resources
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fails(tmp_path: Path, text: str) -> TaxonomyError:
    path = write(tmp_path, text)
    with pytest.raises(SpendcatError) as caught:
        load_taxonomy(path)
    assert isinstance(caught.value, TaxonomyError)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}: line ")
    return caught.value


def test_small_file_loads(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(write(tmp_path, GOOD))
    assert taxonomy.ids == ("workforce", "workforce.agency", "workforce.recruitment")
    assert taxonomy.get("workforce.recruitment").cofog == "01"
    assert taxonomy.source == str(tmp_path / "taxonomy.yaml")


def test_aliases_resolve_to_current_ids(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(write(tmp_path, GOOD))
    assert "workforce.temps" in taxonomy
    assert taxonomy.get("workforce.temps").id == "workforce.agency"
    assert taxonomy.resolve("workforce.interim") == "workforce.agency"
    assert taxonomy.label("workforce.temps") == "Agency staff"
    assert taxonomy.group_of("workforce.temps") == "workforce"
    assert taxonomy.children("workforce.temps") == ()
    assert dict(taxonomy.aliases) == {
        "workforce.temps": "workforce.agency",
        "workforce.interim": "workforce.agency",
    }
    # Aliases are not ids: exports list each category once, under its current id.
    assert "workforce.temps" not in taxonomy.ids


def test_duplicate_id(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("id: workforce.recruitment", "id: workforce.agency"))
    assert "line 16: duplicate id 'workforce.agency' (first at line 9)" in str(error)
    assert error.line == 16
    # The knock-on "unknown id" of the exclude is not reported over the cause.
    assert "unknown id" not in str(error)


def test_bad_parent_prefix(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("id: workforce.recruitment", "id: premises.recruitment"))
    assert "line 16: id 'premises.recruitment' must be its parent's id 'workforce'" in str(error)
    assert error.line == 16


def test_group_id_with_a_dot(tmp_path: Path) -> None:
    text = GOOD.replace("  - id: workforce\n", "  - id: staff.workforce\n")
    error = fails(tmp_path, text)
    assert "line 4: group id 'staff.workforce' must be one word" in str(error)


def test_unknown_key(tmp_path: Path) -> None:
    text = GOOD.replace("        label: Recruitment\n", "        label: Recruitment\n        colour: blue\n")
    error = fails(tmp_path, text)
    assert "line 18: 'workforce.recruitment': unknown key 'colour'" in str(error)
    assert error.line == 18


def test_unknown_key_in_crosswalk(tmp_path: Path) -> None:
    text = GOOD.replace(
        "          proclass: Human Resources\n", "          proclass: Human Resources\n          cpv: x\n"
    )
    error = fails(tmp_path, text)
    assert "line 24: 'workforce.recruitment': crosswalk: unknown key 'cpv'" in str(error)


def test_bad_cofog(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace('cofog: "01"', 'cofog: "11"'))
    assert "line 22: 'workforce.recruitment': crosswalk.cofog:" in str(error)
    assert "'11'" in str(error)
    assert error.line == 22


def test_unquoted_cofog_is_refused_with_a_hint(tmp_path: Path) -> None:
    # YAML reads 07 as the number 7: the file must say "07".
    error = fails(tmp_path, GOOD.replace('cofog: "01"', "cofog: 07"))
    assert "line 22" in str(error) and 'quoted two-digit string such as "07"' in str(error)


def test_bad_sercop(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{sercop: Employees, cofog: null, proclass: Human", "{sercop: Staff, cofog: null, proclass: Human"
    )
    error = fails(tmp_path, text)
    assert "line 14: 'workforce.agency': crosswalk.sercop:" in str(error) and "'Staff'" in str(error)


def test_missing_key(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("        definition: Finding staff.\n", ""))
    assert "line 16: 'workforce.recruitment': missing key 'definition'" in str(error)


def test_bad_id_shape(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("id: workforce.agency", "id: workforce.Agency-Staff"))
    assert "line 9:" in str(error) and "'workforce.Agency-Staff' is not a valid id" in str(error)


def test_too_deep(tmp_path: Path) -> None:
    deeper = (
        "        categories:\n"
        "          - id: workforce.recruitment.adverts\n"
        "            label: Adverts\n"
        "            definition: Adverts.\n"
        "            includes: [job adverts]\n"
        "            crosswalk: {sercop: null, cofog: null, proclass: null}\n"
        "            categories:\n"
        "              - id: workforce.recruitment.adverts.online\n"
        "                label: Online\n"
        "                definition: Online.\n"
        "                includes: [job boards]\n"
        "                crosswalk: {sercop: null, cofog: null, proclass: null}\n"
    )
    error = fails(tmp_path, GOOD + deeper)
    assert "line 31:" in str(error) and "workforce.recruitment.adverts.online" in str(error)


def test_alias_clashing_with_an_id(tmp_path: Path) -> None:
    error = fails(
        tmp_path,
        GOOD.replace("aliases: [workforce.temps, workforce.interim]", "aliases: [workforce.recruitment]"),
    )
    assert (
        "line 15: 'workforce.agency': alias 'workforce.recruitment' is the id of a category (line 16)"
        in str(error)
    )


def test_duplicate_alias(tmp_path: Path) -> None:
    text = GOOD.replace(
        "        includes: [job adverts]\n",
        "        includes: [job adverts]\n        aliases: [workforce.temps]\n",
    )
    error = fails(tmp_path, text)
    assert "line 20: 'workforce.recruitment': duplicate alias 'workforce.temps' (first at line 15)" in str(
        error
    )


def test_exclude_naming_an_unknown_category(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("(workforce.recruitment)]", "(workforce.adverts)]"))
    assert "line 13: 'workforce.agency': exclude" in str(error) and "unknown id 'workforce.adverts'" in str(
        error
    )


def test_exclude_without_a_target(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("(workforce.recruitment)]", "]"))
    assert "line 13:" in str(error) and "must end with the id it belongs to instead" in str(error)


def test_category_without_includes(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("        includes: [job adverts]\n", ""))
    assert "line 16: 'workforce.recruitment': needs at least one 'includes' example" in str(error)


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    error = fails(
        tmp_path,
        GOOD.replace("        label: Recruitment\n", "        label: Recruitment\n        label: Hiring\n"),
    )
    assert "line 18: duplicate key 'label' (first at line 17)" in str(error)


def test_broken_yaml(tmp_path: Path) -> None:
    error = fails(
        tmp_path, GOOD.replace("includes: [agency social workers]", "includes: [agency social workers")
    )
    assert "not valid YAML" in str(error)


def test_wrong_format_version(tmp_path: Path) -> None:
    error = fails(tmp_path, GOOD.replace("spendcat_taxonomy: 1", "spendcat_taxonomy: 2"))
    assert "line 1: spendcat_taxonomy: unsupported taxonomy format 2" in str(error)


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    text = GOOD.replace('cofog: "01"', 'cofog: "99"').replace(
        "        label: Recruitment\n", "        label: Recruitment\n        colour: blue\n"
    )
    error = fails(tmp_path, text)
    assert "unknown key 'colour'" in str(error) and "'99'" in str(error)
    assert error.line == 18


def test_not_a_mapping_and_empty_file(tmp_path: Path) -> None:
    assert "must be a mapping" in str(fails(tmp_path, "- a\n- b\n"))
    with pytest.raises(TaxonomyError, match="empty"):
        parse_taxonomy("", file="x.yaml")


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as caught:
        load_taxonomy(tmp_path / "nope.yaml")
    assert isinstance(caught.value, SpendcatError) and caught.value.file == str(tmp_path / "nope.yaml")
