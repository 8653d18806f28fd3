"""Emission of the typed IOD classes: one module per IOD under ``generated/classes/`` holding
a :class:`dicomstd.typed.IODDataset` subclass, and one module per PS3.3 table under
``generated/classes/items/`` holding the Item classes of its Sequences.

Passes, each plain Python:

1. :class:`_Classes` flattens each IOD's Modules (includes resolved) into fields, one per
   Keyword, and each Sequence's Item into an Item class: one per Sequence row of a table,
   or the Macro's own class where the Item is exactly one included Macro (the Code
   Sequence Macro's class serves every code Sequence). A Keyword that two Modules (or two
   included Macros) both define is one field, its Sequences' Items merged into one class;
   the Functional Group Sequences of an enhanced IOD hold its Functional Group Macros.
2. Each field's types come from its VR and VM (PS3.6) and its Types and value sets (PS3.3):
   what reading gives and what assigning accepts (:data:`_VR_TYPES`), a ``Literal`` where
   Enumerated Values apply to every Value, ``None`` (an empty value) unless the IOD has the
   Attribute as Type 1 or 1C.
3. Class names are unique over all generated classes (an Item class is ``<Keyword>Item``
   where no other class wants that name, else qualified by its table), so an IOD module
   re-exports every class reachable from it under its own name, lazily.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from dicomstd import specification as spec
from dicomstd.generator import emit
from dicomstd.generator.model import DataElement
from dicomstd.typed import snake_case

__all__ = ["class_files", "class_files_for"]

_SHARED = 0x52009229
_PER_FRAME = 0x52009230

# VR → (what reading gives, what assigning accepts), following pydicom 3's conversions
# (PS3.5 Table 6.2-1 for what each VR holds): DS reads as DSfloat, IS as IS (int), PN as
# PersonName, AT as BaseTag (int), UI as UID (str).
_STRING_VRS = frozenset("AE AS CS DA DT LO LT SH ST TM UC UR UT UI".split())
_INTEGER_VRS = frozenset("US SS UL SL UV SV".split())
_VR_TYPES: dict[str, tuple[str, str]] = {
    **{vr: ("str", "str") for vr in _STRING_VRS},
    "PN": ("valuerep.PersonName", "valuerep.PersonName | str"),
    "DS": ("float", "float | str"),
    "IS": ("int", "int | str"),
    **{vr: ("int", "int") for vr in _INTEGER_VRS},
    "FL": ("float", "float"),
    "FD": ("float", "float"),
    "AT": ("int", "int | str | tuple[int, int]"),
    **{vr: ("bytes", "bytes") for vr in "OB OD OF OL OV OW UN".split()},
}
# Enumerated Values that a Literal can spell: CS-like text, or decimal integers.
_LITERAL_TEXT = re.compile(r"^[A-Z0-9_ ]{1,64}$")
_LITERAL_INTEGER = re.compile(r"^-?[0-9]{1,10}$")


@dataclass
class _Occurrence:
    """A row of a table defining a field: the Attribute and its table."""

    attribute: spec.Attribute
    source: str
    module: str


@dataclass
class _Field:
    keyword: str
    tag: int
    occurrences: list[_Occurrence]
    item: _Class | None = None


@dataclass(eq=False)
class _Class:
    """A generated class: a table's (Module, Macro), a Sequence Item's, a merge of Item
    classes, the Functional Groups Item of an enhanced IOD, or an IOD's.

    ``bases`` are the classes of the tables it includes; ``rows`` its own Attributes;
    after :meth:`_Classes.resolve`, ``declared`` holds what its body declares (its rows, and
    every Keyword two of its sources define differently, merged) and ``fields`` everything
    it has, with the class declaring each.
    """

    key: tuple[object, ...]
    kind: str
    module: str  # dotted, under dicomstd.generated.classes
    names: list[str]  # candidate names, most wanted first
    source: str
    description: str
    bases: list[_Class] = field(default_factory=list)
    rows: dict[str, _Field] = field(default_factory=dict)
    declared: dict[str, _Field] = field(default_factory=dict)
    fields: dict[str, tuple[_Field, _Class]] | None = None
    resolving: bool = False
    name: str = ""


def _camel(text: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", text.replace("'", "").replace("’", ""))
    result = "".join(w[:1].upper() + w[1:] for w in words if w)
    return result if result[:1].isalpha() else f"IOD{result}"


def _table_camel(table: spec.AttributeTable) -> str:
    name = re.sub(r"\s+(macro|module)$", "", table.name.strip(), flags=re.IGNORECASE)
    return _camel(name)


def _mro(item: _Class) -> list[_Class]:
    """C3 linearisation of ``item`` (raises ValueError where there is none)."""
    sequences = [_mro(b) for b in item.bases] + [list(item.bases)]
    result = [item]
    while True:
        sequences = [s for s in sequences if s]
        if not sequences:
            return result
        for sequence in sequences:
            head = sequence[0]
            if not any(head in s[1:] for s in sequences):
                break
        else:
            raise ValueError(f"no consistent MRO for {item.key}")
        result.append(head)
        for s in sequences:
            if s[0] is head:
                del s[0]


class _Classes:
    """Builds the classes (see the module docstring)."""

    def __init__(
        self,
        tables: dict[str, spec.AttributeTable],
        table_modules: dict[str, str],
        pydicom_keywords: dict[int, str],
    ) -> None:
        self.tables = tables
        self.table_modules = table_modules
        self.pydicom_keywords = pydicom_keywords
        self.classes: dict[tuple[object, ...], _Class] = {}

    def register(self, item: _Class) -> _Class:
        self.classes[item.key] = item
        return item

    def table_class(self, table_id: str) -> _Class:
        key = ("table", table_id)
        found = self.classes.get(key)
        if found is not None:
            return found
        table = self.tables[table_id]
        camel = _table_camel(table)
        suffix = {"macro": "Macro", "module": "Module"}.get(table.kind, "Record")
        label = table_id.removeprefix("table_").replace(".", "_").replace("-", "_")
        item = self.register(
            _Class(
                key=key,
                kind="table",
                module=self.table_modules[table_id],
                names=[f"{camel}{suffix}", f"{camel}{suffix}_{label}"],
                source=table.source,
                description=f"The Attributes of the {table.name}"
                + ("" if table.name.lower().endswith(table.kind) else f" {table.kind.title()}"),
            )
        )
        self.fill(item, table.entries, table, ())
        return item

    def fill(
        self,
        item: _Class,
        entries: Iterable[spec.Entry],
        table: spec.AttributeTable,
        path: tuple[int, ...],
    ) -> None:
        """Give ``item`` the bases and rows of ``entries`` (rows of ``table``)."""
        for entry in entries:
            if isinstance(entry, spec.Attribute):
                new = self.field_of(entry, table, (*path, entry.row))
                if new is not None:
                    old = item.rows.get(new.keyword)
                    item.rows[new.keyword] = new if old is None else self.merge(old, new, item)
            elif isinstance(entry, spec.Include):
                if entry.table_id in self.tables:
                    base = self.table_class(entry.table_id)
                    if base is not item and base not in item.bases:
                        item.bases.append(base)
                # Rows one ">" deeper after an include (PS3.3 Section 5.4) extend the
                # included table's last Sequence; two tables do so: not typed here.

    def field_of(
        self, attribute: spec.Attribute, table: spec.AttributeTable, path: tuple[int, ...]
    ) -> _Field | None:
        keyword = attribute.keyword
        if (
            not keyword
            or attribute.tag_mask != 0xFFFFFFFF
            or self.pydicom_keywords.get(attribute.tag) != keyword
        ):
            return None
        occurrence = _Occurrence(attribute, table.source, table.name)
        item = self.item_class(attribute, table, path) if attribute.items else None
        return _Field(keyword, attribute.tag, [occurrence], item)

    def item_class(
        self, attribute: spec.Attribute, table: spec.AttributeTable, path: tuple[int, ...]
    ) -> _Class:
        entries = attribute.items
        if len(entries) == 1 and isinstance(entries[0], spec.Include) and not entries[0].items:
            if entries[0].table_id in self.tables:
                return self.table_class(entries[0].table_id)
        key = ("item", table.table_id, path)
        found = self.classes.get(key)
        if found is not None:
            return found
        camel = _table_camel(table)
        parents = self.parent_keywords(table, path)
        names = [f"{attribute.keyword}Item", f"{camel}_{attribute.keyword}Item"]
        if parents:
            names.append(f"{camel}_{'_'.join(parents)}_{attribute.keyword}Item")
        names.append(f"{camel}_{attribute.keyword}Item_{'_'.join(map(str, path))}")
        item = self.register(
            _Class(
                key=key,
                kind="item",
                module=self.table_modules[table.table_id],
                names=names,
                source=table.source,
                description=f"An Item of {attribute.name} ({attribute.keyword})",
            )
        )
        self.fill(item, entries, table, path)
        return item

    def parent_keywords(self, table: spec.AttributeTable, path: tuple[int, ...]) -> list[str]:
        """The Keywords of the Sequences enclosing the row at ``path``."""
        keywords: list[str] = []
        entries: tuple[spec.Entry, ...] = table.entries
        for row in path[:-1]:
            entry = next((e for e in entries if getattr(e, "row", None) == row), None)
            if entry is None or isinstance(entry, spec.AnyAttributes):
                break
            if isinstance(entry, spec.Attribute):
                keywords.append(entry.keyword)
            entries = entry.items
        return keywords

    def merge(self, old: _Field, new: _Field, owner: _Class) -> _Field:
        """One field of two definitions of a Keyword; their Items' classes merged."""
        item = old.item or new.item
        if old.item is not None and new.item is not None and old.item is not new.item:
            parts: list[_Class] = []
            for part in (old.item, new.item):
                parts.extend(part.bases if part.kind == "merged" else [part])
            unique = list({id(p): p for p in parts}.values())
            key = ("merged", owner.module, tuple(p.key for p in unique))
            item = self.classes.get(key)
            if item is None:
                owner_camel = _camel(owner.module.rsplit(".", 1)[-1])
                item = self.register(
                    _Class(
                        key=key,
                        kind="merged",
                        module=owner.module,
                        names=[
                            f"{owner_camel}_{new.keyword}Item",
                            f"{owner_camel}_{new.keyword}Item_{len(self.classes)}",
                        ],
                        source="; ".join(dict.fromkeys(p.source for p in unique)),
                        description=f"An Item of {new.keyword} as every table defining it here has it",
                        bases=unique,
                    )
                )
        return _Field(old.keyword, old.tag, [*old.occurrences, *new.occurrences], item)

    def resolve(self, item: _Class) -> dict[str, tuple[_Field, _Class]]:
        """Every field of ``item`` with the class that declares it; fills ``declared``."""
        if item.fields is not None:
            return item.fields
        if item.resolving:
            return {}
        item.resolving = True
        # A base that another base already derives from adds nothing and can break the MRO.
        for base in list(item.bases):
            self.resolve(base)
        original = list({id(b): b for b in item.bases}.values())
        item.bases = [
            b for b in original if not any(b is not o and b in _mro(o)[1:] for o in original)
        ]
        flatten = False
        try:
            _mro(item)
        except ValueError:
            item.bases = []
            flatten = True
        sources: dict[str, list[tuple[_Field, _Class]]] = {}
        for base in original if flatten else item.bases:
            for keyword, (value, declarer) in self.resolve(base).items():
                known = sources.setdefault(keyword, [])
                if all(declarer is not d for _, d in known):
                    known.append((value, declarer))
        fields: dict[str, tuple[_Field, _Class]] = {}
        for keyword, known in sources.items():
            if len(known) == 1 and not flatten:
                fields[keyword] = known[0]
            else:
                merged = known[0][0]
                for value, _ in known[1:]:
                    merged = self.merge(merged, value, item)
                item.declared[keyword] = merged
                fields[keyword] = (merged, item)
        for keyword, value in item.rows.items():
            if keyword in fields:
                value = self.merge(fields[keyword][0], value, item)
            item.declared[keyword] = value
            fields[keyword] = (value, item)
        item.fields = fields
        item.resolving = False
        return fields


# --- types ------------------------------------------------------------------------------


def _vm_minimum(vm: str) -> tuple[int, bool]:
    """(minimum number of Values, more than one allowed) of a VM as printed."""
    vm = vm.strip()
    if vm in ("", "1"):
        return 1, False
    first = re.match(r"(\d+)", vm)
    return (int(first.group(1)) if first else 1), True


def _literal(field_: _Field, vr_names: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """("text"/"integer", values) where Enumerated Values apply to every Value of the
    Attribute in every row that gives them (the intersection), else ``None``."""
    sets: list[tuple[str, ...]] = []
    for occurrence in field_.occurrences:
        for value_set in occurrence.attribute.value_sets:
            if value_set.kind == "enumerated" and value_set.value_number is None:
                sets.append(value_set.values)
    if not sets or not vr_names:
        return None
    common = [v for v in sets[0] if all(v in s for s in sets[1:])]
    if not common:
        return None
    if all(vr in _STRING_VRS for vr in vr_names) and all(_LITERAL_TEXT.match(v) for v in common):
        return "text", common
    if all(vr in _INTEGER_VRS or vr == "IS" for vr in vr_names) and all(
        _LITERAL_INTEGER.match(v) for v in common
    ):
        return "integer", [str(int(v)) for v in common]
    return None


@dataclass
class _Rendered:
    keyword: str
    argument: str
    getter: str
    setter: str
    doc: str
    ignore: bool = False
    override: bool = False


def _doc_text(text: str) -> str:
    text = " ".join(text.split()).replace("\\", "\\\\").replace('"""', "'''")
    return text.rstrip('"') if text.endswith('"') else text


class _Renderer:
    def __init__(self, elements: dict[int, DataElement], conditions: dict[int, str]) -> None:
        self.elements = elements
        self.conditions = conditions
        self.cache: dict[int, _Rendered] = {}

    def field(self, field_: _Field) -> _Rendered:
        found = self.cache.get(id(field_))
        if found is None:
            found = self.cache[id(field_)] = self.render(field_)
        return _Rendered(**vars(found))

    def render(self, field_: _Field) -> _Rendered:
        element = self.elements.get(field_.tag)
        vrs = element.value_representations if element is not None else ()
        vm = element.value_multiplicity if element is not None else "1"
        minimum, multiple = _vm_minimum(vm)
        if field_.item is not None or "SQ" in vrs:
            if field_.item is not None:
                item_name = field_.item.name
                getter = f"abc.MutableSequence[{item_name}]"
                setter = f"abc.Sequence[{item_name}]"
            else:
                getter, setter = (
                    "abc.MutableSequence[dataset.Dataset]",
                    "abc.Sequence[dataset.Dataset]",
                )
        else:
            known = [_VR_TYPES[vr] for vr in vrs if vr in _VR_TYPES]
            if not known:
                getter, setter = "Any", "Any"
            else:
                gets = list(dict.fromkeys(g for g, _ in known))
                sets = list(dict.fromkeys(s for _, s in known))
                one_get = " | ".join(gets)
                one_set = " | ".join(sets)
                literal = _literal(field_, vrs)
                if literal is not None:
                    kind, values = literal
                    one_set = (
                        "Literal["
                        + ", ".join(emit.python_literal(v) if kind == "text" else v for v in values)
                        + "]"
                    )
                if multiple and vrs[0] not in ("OB", "OD", "OF", "OL", "OV", "OW", "UN"):
                    many = f"multival.MultiValue[{one_get}]"
                    getter = many if minimum >= 2 else f"{one_get} | {many}"
                    setter = f"{one_set} | abc.Sequence[{one_set}]"
                else:
                    getter, setter = one_get, one_set
        types = [o.attribute.type for o in field_.occurrences]
        if not any(t in ("1", "1C") for t in types):
            setter = f"{setter} | None"
        return _Rendered(
            keyword=field_.keyword,
            argument=snake_case(field_.keyword),
            getter=getter,
            setter=setter,
            doc=self.doc(field_, element, vm),
        )

    def doc(self, field_: _Field, element: DataElement | None, vm: str) -> str:
        attribute = field_.occurrences[0].attribute
        tag = f"({field_.tag >> 16:04X},{field_.tag & 0xFFFF:04X})"
        vr_text = element.vr_text if element is not None else "?"
        lines = [f"{attribute.name} {tag}, VR {vr_text}, VM {vm}."]
        seen: set[tuple[str, str, str]] = set()
        for occurrence in field_.occurrences:
            a = occurrence.attribute
            condition = a.requirement.text if a.requirement else self.conditions.get(id(a), "")
            key = (a.type, occurrence.source, condition)
            if key in seen:
                continue
            seen.add(key)
            line = f"Type {a.type or '-'} in {occurrence.module} ({occurrence.source})"
            if a.retired:
                line += ", retired"
            if condition:
                line += f": {condition}"
            lines.append(line + ("" if line.endswith(".") else "."))
            for value_set in a.value_sets:
                which = (
                    "Enumerated Values"
                    if value_set.kind == "enumerated"
                    else ("Defined Terms" if value_set.kind == "defined" else "Values")
                )
                of = f" (Value {value_set.value_number})" if value_set.value_number else ""
                shown = ", ".join(value_set.values[:12]) + (
                    " ..." if len(value_set.values) > 12 else ""
                )
                lines.append(f"{which}{of}: {shown}.")
        return "\n\n".join(_doc_text(line) for line in dict.fromkeys(lines))


# --- files ------------------------------------------------------------------------------


def _assign_names(classes: Iterable[_Class]) -> None:
    """Give each class the first of its candidate names that no other class also wants."""
    pending = sorted(classes, key=lambda c: repr(c.key))
    level = {id(c): 0 for c in pending}
    taken: set[str] = set()
    while pending:
        wanted: dict[str, list[_Class]] = {}
        for item in pending:
            if level[id(item)] >= len(item.names):
                item.names.append(f"{item.names[-1]}_{len(item.names)}")
            wanted.setdefault(item.names[level[id(item)]], []).append(item)
        still: list[_Class] = []
        for name, items in wanted.items():
            if len(items) == 1 and name not in taken:
                items[0].name = name
                taken.add(name)
            else:
                for item in items:
                    level[id(item)] += 1
                    still.append(item)
        pending = still


def _closure(starts: Iterable[_Class], model: _Classes) -> list[_Class]:
    seen: dict[int, _Class] = {}
    stack = list(starts)
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen[id(item)] = item
        model.resolve(item)
        stack.extend(item.bases)
        stack.extend(f.item for f, _ in (item.fields or {}).values() if f.item is not None)
    return list(seen.values())


def class_files(
    tables: dict[str, spec.AttributeTable],
    iods: dict[str, spec.IODSpecification],
    *,
    table_modules: dict[str, str],
    iod_modules: dict[str, str],
    data_elements: list[DataElement],
    pydicom_keywords: dict[int, str],
    edition: str,
    publications: list[dict[str, str]],
    uid_names: dict[str, str],
    conditions: dict[int, str] | None = None,
) -> list[emit.GeneratedFile]:
    """Render ``classes/<iod>.py`` per IOD that PS3.4 gives a SOP Class, a module per
    Module and Macro table its classes derive from (``classes/modules/patient.py``,
    ``classes/macros/code_sequence.py``, holding the table's class and its Sequences' Item
    classes), and ``classes/__init__.py`` (SOP Class → class).

    Args:
        tables, iods: the compiled PS3.3 (:class:`.iod_emission.CompiledIODs`).
        table_modules: table id → ``<folder>.<name>`` as the definitions are named.
        iod_modules: IOD table id → module name as the definitions are named.
        data_elements: the compiled PS3.6 registry, for VR and VM.
        pydicom_keywords: tag → pydicom's Keyword: an Attribute whose Keyword pydicom does
            not know cannot be reached by attribute access, so it is left untyped.
        conditions: condition sentences by ``id()`` of their Attribute, for docstrings.
    """
    elements = {e.tag_value: e for e in data_elements if e.tag_mask == 0xFFFFFFFF}
    model = _Classes(tables, table_modules, pydicom_keywords)

    iod_classes: list[tuple[spec.IODSpecification, _Class]] = []
    for table_id, iod in iods.items():
        if iod.kind != "composite" or not iod.sop_classes:
            continue
        module = iod_modules[table_id]
        owner = model.register(
            _Class(
                key=("iod", table_id),
                kind="iod",
                module=module,
                names=[_camel(iod.name), f"{_camel(iod.name)}IOD"],
                source=iod.source,
                description=f"The {iod.name} IOD",
                bases=[model.table_class(u.table_id) for u in iod.modules if u.table_id in tables],
            )
        )
        fields = model.resolve(owner)
        if iod.functional_groups:
            groups = model.register(
                _Class(
                    key=("functional groups", table_id),
                    kind="merged",
                    module=module,
                    names=[f"{_camel(iod.name)}FunctionalGroupsItem"],
                    source=iod.source,
                    description=f"An Item of the Shared or Per-Frame Functional Groups Sequence of the {iod.name} IOD, holding its Functional Group Macros",
                    bases=[
                        model.table_class(g.table_id)
                        for g in iod.functional_groups
                        if g.table_id in tables
                    ],
                )
            )
            for keyword, (value, _) in list(fields.items()):
                if value.tag in (_SHARED, _PER_FRAME):
                    typed = _Field(keyword, value.tag, value.occurrences, groups)
                    owner.declared[keyword] = typed
                    fields[keyword] = (typed, owner)
        iod_classes.append((iod, owner))

    everything = _closure([owner for _, owner in iod_classes], model)
    _assign_names(everything)
    renderer = _Renderer(elements, conditions or {})
    by_module: dict[str, list[_Class]] = {}
    for item in everything:
        by_module.setdefault(item.module, []).append(item)

    def render_class(item: _Class) -> dict[str, object]:
        rendered = [renderer.field(f) for f in item.declared.values()]
        inherited: dict[str, set[tuple[str, str]]] = {}
        for base in item.bases:
            for keyword, (value, declarer) in (base.fields or {}).items():
                base_field = renderer.field(value)
                inherited.setdefault(keyword, set()).add((base_field.getter, base_field.setter))
        for r in rendered:
            # Redeclaring what a base declares otherwise: mypy reports the override (a
            # merged Item class, a narrower Literal) where the standard intends it.
            others = inherited.get(r.keyword, set())
            r.ignore = any(setter != r.setter for _, setter in others)
            r.override = any(getter != r.getter for getter, _ in others)
        item_classes = {
            f.keyword: f"dicomstd.generated.classes.{f.item.module}:{f.item.name}"
            for f in item.declared.values()
            if f.item is not None
        }
        return {
            "item": item,
            "fields": rendered,
            "item_classes": item_classes,
            "bases": (
                [b.name for b in item.bases] + ["IODDataset"]
                if item.kind == "iod"
                else [b.name for b in item.bases] or ["TypedDataset"]
            ),
            "argument_bases": [f"{b.name}Arguments" for b in item.bases],
        }

    def ordered(items: list[_Class]) -> list[_Class]:
        """Classes of one module, each after the bases it has in that module."""
        result: list[_Class] = []
        done: set[int] = set()

        def visit(item: _Class) -> None:
            if id(item) in done:
                return
            done.add(id(item))
            for base in item.bases:
                if base.module == item.module:
                    visit(base)
            result.append(item)

        for item in sorted(items, key=lambda c: (c.kind != "table", c.name)):
            visit(item)
        return result

    def imports(
        module: str, items: list[_Class]
    ) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
        runtime: dict[str, set[str]] = {}
        typing_only: dict[str, set[str]] = {}
        for item in items:
            for base in item.bases:
                if base.module != module:
                    runtime.setdefault(base.module, set()).add(base.name)
                    typing_only.setdefault(base.module, set()).add(f"{base.name}Arguments")
            for value in item.declared.values():
                if value.item is not None and value.item.module != module:
                    typing_only.setdefault(value.item.module, set()).add(value.item.name)

        def listed(found: dict[str, set[str]]) -> list[tuple[str, list[str]]]:
            return [
                (f"dicomstd.generated.classes.{m}", sorted(n)) for m, n in sorted(found.items())
            ]

        return listed(runtime), listed(typing_only)

    header = {"edition": edition, "publications": publications}
    files: list[emit.GeneratedFile] = []
    iod_by_module = {owner.module: (iod, owner) for iod, owner in iod_classes}
    index: list[tuple[str, str, str]] = []
    for module, items in sorted(by_module.items()):
        items = ordered(items)
        runtime, typing_only = imports(module, items)
        if module in iod_by_module:
            iod, owner = iod_by_module[module]
            for uid in iod.sop_classes:
                index.append((uid, owner.module, owner.name))
            bases = {b.name for b in owner.bases}
            exported = sorted(
                {
                    (f"dicomstd.generated.classes.{c.module}", c.name)
                    for c in _closure([owner], model)
                    if c.module != module and c.name not in bases
                },
                key=lambda x: x[1],
            )
            local = [c for c in items if c is not owner]
            files.append(
                emit.GeneratedFile(
                    f"classes/{module}.py",
                    emit.render(
                        "iod_class.py.jinja2",
                        **header,
                        iod=iod,
                        owner=render_class(owner),
                        local=[render_class(c) for c in local],
                        runtime_imports=runtime,
                        typing_imports=[
                            (m, [n for n in names if n not in {name for _, name in exported}])
                            for m, names in typing_only
                        ],
                        exported=exported,
                        uid_names=uid_names,
                    ),
                )
            )
        else:
            table = next((tables[c.key[1]] for c in items if c.kind == "table"), None)  # type: ignore[index]
            files.append(
                emit.GeneratedFile(
                    "classes/" + module.replace(".", "/") + ".py",
                    emit.render(
                        "iod_class_items.py.jinja2",
                        **header,
                        table=table,
                        classes=[render_class(c) for c in items],
                        runtime_imports=runtime,
                        typing_imports=typing_only,
                    ),
                )
            )
    packages = {"/".join(m.split(".")[:-1]) for m in by_module if "." in m}
    for package in sorted(packages):
        files.append(
            emit.GeneratedFile(
                f"classes/{package}/__init__.py",
                emit.render("package.py.jinja2", **header, folder=f"classes of {package}"),
            )
        )
    files.append(
        emit.GeneratedFile(
            "classes/__init__.py",
            emit.render(
                "iod_class_index.py.jinja2",
                **header,
                index=sorted(index),
                classes=sorted({(m, n) for _, m, n in index}, key=lambda x: x[1]),
                uid_names=uid_names,
            ),
        )
    )
    return files


def class_files_for(
    compiled: object,
    *,
    edition: str,
    publications: list[dict[str, str]],
    uid_names: dict[str, str],
) -> list[emit.GeneratedFile]:
    """:func:`class_files` for a :class:`~dicomstd.generator.model.CompiledStandard` (the
    build's hook), naming modules as :mod:`.iod_emission` names the definitions."""
    from pydicom.datadict import keyword_for_tag

    from dicomstd.generator.iod_emission import module_names

    iods_ = compiled.iods  # type: ignore[attr-defined]
    tables: dict[str, spec.AttributeTable] = iods_.tables
    table_modules, iod_names = module_names(iods_)
    data_elements: list[DataElement] = compiled.data_elements  # type: ignore[attr-defined]
    pydicom_keywords = {
        e.tag_value: keyword_for_tag(e.tag_value) for e in data_elements if e.tag_mask == 0xFFFFFFFF
    }
    return class_files(
        tables,
        iods_.iods,
        table_modules=table_modules,
        iod_modules=iod_names,
        data_elements=data_elements,
        pydicom_keywords=pydicom_keywords,
        edition=edition,
        publications=publications,
        uid_names=uid_names,
        conditions={key: pending.text for key, pending in iods_.requirements.items()},
    )
