"""Agreement of the PS3.3 2024c extraction with highdicom's tables of the standard.

highdicom (``pip install highdicom``) ships ``_standard/iod_module_map.json`` (IOD → modules
with IE and usage) and ``_standard/module_attribute_map.json`` (module → attribute paths of
keywords with Types, macros expanded) made by an independent parser from a later edition
(2026b: 175 IODs, 436 modules, 3,349 IOD→module rows). For every IOD and every module present
in both, the test compares (module, usage) and (attribute path, Type).

Disagreement classes and why (2024c here against 2026b there, not parsing):

- ``only highdicom: attribute absent from the 2024c module``: Attributes added by Change
  Proposals after 2024c (e.g. Scan Start/Stop Position Sequences in the CT Image Module,
  with the macros they include); checked: the top-level Attribute they sit under is not in
  our 2024c module at all.
- ``only highdicom: elsewhere or new inside a 2024c Sequence`` / ``only ours``: an
  Attribute or include added to, removed from or moved within a Sequence after 2024c.
- ``type differs``: Types changed by Change Proposals after 2024c.
- IOD module rows: highdicom puts its per-IOD pseudo-module "<IOD> Multi-frame Functional
  Groups" (or "Current Frame Functional Groups") where PS3.3 lists the Multi-frame (or
  Current Frame, Sparse Multi-frame) Functional Groups Module (31 rows); Enhanced Patient
  Orientation (15 IODs), ICC Profile/Palette Color rows and the RT Beams Salvage Record
  modules are new after 2024c; RT Beams Session Record became C; "Image - Equipment
  Coordinate Relationship" slugs differently (its " - ").
- modules and IODs in only one of the two (new in 2026b: Height Map Segmentation, Waveform
  Presentation States; highdicom's pseudo-modules "<IOD> Multi-frame Functional Groups",
  which PS3.3 prints as Functional Group Macro tables) are not compared.
"""

from __future__ import annotations

import collections
import json
import re
from importlib import resources
from typing import Any

import pytest

from conftest import require_publication
from dicomstd.generator.extractors.part03 import extract_information_object_definitions
from dicomstd.generator.iod_model import AttributeSpec, Part03Model

pytestmark = pytest.mark.standard

Key = tuple[tuple[str, ...], str, str]


def slug(name: str) -> str:
    """highdicom's key for a name: ``Contrast/Bolus`` → ``contrast-bolus``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def keyword(spec: AttributeSpec) -> str:
    from pydicom.datadict import keyword_for_tag

    try:
        # A repeating group (60xx) is looked up with x = 0, as pydicom's dictionary holds it.
        return keyword_for_tag(spec.tag_value) or spec.tag
    except Exception:  # pydicom raises for tags it cannot parse; keep ours
        return spec.tag


@pytest.fixture(scope="module")
def highdicom_maps() -> tuple[dict[str, Any], dict[str, Any]]:
    pytest.importorskip("highdicom")
    folder = resources.files("highdicom").joinpath("_standard")
    iods = json.loads(folder.joinpath("iod_module_map.json").read_text(encoding="utf-8"))
    modules = json.loads(folder.joinpath("module_attribute_map.json").read_text(encoding="utf-8"))
    return iods, modules


@pytest.fixture(scope="module")
def model() -> Part03Model:
    from dicomstd.generator.publications import read_publication

    document = read_publication(require_publication("2024c/part03.chtml.tar.xz"))
    return extract_information_object_definitions(document)[0]


def test_module_usage_agreement(
    model: Part03Model, highdicom_maps: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    iods, _ = highdicom_maps
    ours = {slug(iod.name): iod for iod in model.iods.values()}
    common = sorted(set(ours) & set(iods))
    assert len(common) >= 171
    agree = total = 0
    differences: collections.Counter[str] = collections.Counter()
    for key in common:
        mine = {(slug(row.module), row.usage or "None") for row in ours[key].modules}
        # highdicom lists an enhanced IOD's Functional Group Macros table as a pseudo-module;
        # PS3.3 (and IOD.functional_groups) keep it apart from the module table.
        theirs = {
            (row["key"], row["usage"])
            for row in iods[key]
            if not row["key"].endswith("-multi-frame-functional-groups")
        }
        agree += len(mine & theirs)
        total += len(mine | theirs)
        for module, usage in mine ^ theirs:
            differences[f"{module} {usage}"] += 1
    print(f"\nIOD module rows: {agree}/{total} agree ({agree / total:.2%}); differing rows:")
    for key, count in differences.most_common():
        print(f"  {key}: {count}")
    assert agree / total >= 0.97


def test_module_attribute_agreement(
    model: Part03Model, highdicom_maps: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    _, modules = highdicom_maps
    table_of: dict[str, str] = {}
    for iod in model.iods.values():
        for row in iod.modules:
            if row.table_id:
                table_of.setdefault(slug(row.module), row.table_id)
    for table in model.modules.values():
        table_of.setdefault(slug(table.name), table.table_id)
    compared = agree = total = 0
    classes: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[tuple[str, Key]]] = collections.defaultdict(list)
    for key, attributes in modules.items():
        if key not in table_of:
            continue
        compared += 1
        expanded = model.expand(table_of[key])
        mine: set[Key] = {
            (tuple(keyword(parent) for parent in path), keyword(spec), spec.type or "None")
            for path, spec in expanded
        }
        theirs: set[Key] = {
            (tuple(item["path"]), item["keyword"], item["type"]) for item in attributes
        }
        agree += len(mine & theirs)
        total += len(mine | theirs)
        my_paths = {(path, word) for path, word, _ in mine}
        my_roots = {path[0] if path else word for path, word, _ in mine}
        their_paths = {(path, word) for path, word, _ in theirs}
        for item in mine - theirs:
            label = "type differs" if item[:2] in their_paths else "only ours"
            classes[label] += 1
            examples[label].append((key, item))
        for item in theirs - mine:
            if item[:2] in my_paths:
                continue  # counted as "type differs" above
            root = item[0][0] if item[0] else item[1]
            label = (
                "only highdicom: attribute absent from the 2024c module"
                if root not in my_roots
                else "only highdicom: elsewhere or new inside a 2024c Sequence"
            )
            classes[label] += 1
            examples[label].append((key, item))
    print(
        f"\nmodules compared: {compared}; (path, Type): {agree}/{total} agree ({agree / total:.2%})"
    )
    for label, count in classes.most_common():
        per_module = collections.Counter(module for module, _ in examples[label])
        print(f"  {label}: {count} in {dict(per_module.most_common(8))}")
    assert compared >= 390
    assert agree / total >= 0.97
    # The largest class is attributes added after 2024c, not parsing differences.
    assert classes.most_common(1)[0][0] == "only highdicom: attribute absent from the 2024c module"
