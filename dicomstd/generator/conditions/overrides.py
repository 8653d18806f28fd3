"""Reviewed overrides: hand-written conditions for sentences the parser cannot read.

The committed file ``dicomstd/generator/data/condition_overrides.toml`` holds one table per
override, scoped (never globally per Tag: the same Tag has different conditions in
different Modules):

- ``[[attribute]]``: ``table`` (``table_C.7-11a``) and ``path`` (the Tags of the enclosing
  Sequences in that table, then the Attribute's Tag, ``/``-separated:
  ``300A,0111/300A,011E``);
- ``[[module]]``: ``module`` (the conditional Module's table id): every IOD row of that
  Module with that sentence;
- ``[[functional_group]]``: ``macro`` (the Functional Group Macro's table id), likewise;
- ``[[include]]``: ``table`` (the table holding the "Include Table X" row) and ``path``
  (the Tags of the enclosing Sequences in that table, then the included table's id:
  ``0040,A730/table_C.17-5``) of a conditional include;

each with ``sentence`` (the condition sentences exactly as the extractor reads them), the
condition in the form below as ``required``, optional ``otherwise`` (``"may"``,
``"shall not"`` or a condition) and ``forbidden`` (a condition), and ``reason`` (why the
parser cannot, and what the reading rests on). A sentence that no longer matches the
publication is a :class:`~dicomstd.errors.BuildError`: the standard changed, re-review.

The form of a condition is a Python expression of these calls (read with :mod:`ast`, never
evaluated): ``present(TAG)``, ``has_value(TAG)``, ``value_in(TAG, [values], number=N)``,
``compare(TAG, ">", N)`` (``>``, ``>=``, ``<``, ``<=``, ``==``, ``!=``), ``code_in(TAG,
[("code", "scheme")])``, ``item_count(TAG, ">", N)`` (the number of Items of a Sequence),
``value_count(TAG, ">", N)`` (the number of Values of a non-Sequence Attribute: "is
multi-valued" is ``">", 1``), ``in_any_item(TAG, condition)`` (some Item of the Sequence
satisfies the condition, read with the Item as the Data Set; ``nested=True``: or an Item of the
same Sequence within those Items, at any depth), ``in_referenced_instance(TAG, condition)``
(some Instance whose SOP Instance UID is a Value of the UI Attribute TAG satisfies the
condition, read with that Instance's top-level Data Set as the Data Set; UNKNOWN for an
Instance not at hand), ``in_matching_item(TAG, KEY, "==", here(HERE, scope=...), condition)``
(some Item of the Sequence TAG whose KEY equals, or with ``"!="`` differs from, the Value of
HERE in this Data Set satisfies the condition, by default ``true``: a join of Items by value),
``referenced_value(TAG, OTHER, "==", here(HERE, scope=...))`` (some Instance referenced by TAG
has at its top level a Value of OTHER equal to, or with ``"!="`` different from, the Value of
HERE in this Data Set), ``consistent_in_referenced(SEQUENCE, OTHER)`` (the Instances referenced
by Referenced SOP Instance UID (0008,1155), or ``reference="TAG"``, at any depth in the Items
of SEQUENCE, all have OTHER with one and the same value), ``overlay_frames(">", N)`` (the
number of frames in Overlay Data (60xx,3000) of some Overlay group, from its length, Overlay
Rows and Overlay Columns), ``private_tag(TAG, number=N)`` (an AT Value is a Private Tag),
``module("table_id")``, ``macro("table_id")``, ``functional_group("table_id")``,
``sop_class(["uid", ...])``, ``transfer_syntax(["uid", ...])``, ``first_item()``,
``extended_characters(scope="item")`` (a string Value of the Data Set and its Items, or with
``scope="top"`` of the whole top-level Data Set, holds a character outside the default
repertoire; the scope is required), ``unverifiable("text")``, ``true``, ``false``, with
``and``, ``or``, ``not`` and parentheses. ``TAG`` is ``"0028,0030"``; Attribute calls take
``scope="item"`` (``parent`` with ``levels=1``, ``top``, ``frame``, ``anywhere``: some
occurrence in the top level or any Item at any depth; default ``any``); ``tag("0018,1063")`` is
a Tag value.
:func:`format_condition` writes any condition in this form.
"""

from __future__ import annotations

import ast as python_ast
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from dicomstd.conditions.ast import (
    REFERENCED_SOP_INSTANCE_UID,
    And,
    AttributeRef,
    CodeIn,
    Compare,
    Condition,
    ConsistentInReferencedInstances,
    Constant,
    ExtendedCharacters,
    FirstItem,
    HasValue,
    InAnyItem,
    InMatchingItem,
    ItemCount,
    ModulePresent,
    Not,
    Operator,
    Or,
    OverlayFrames,
    Present,
    PrivateTag,
    ReferencedInstance,
    ReferencedValueMatches,
    Requirement,
    SOPClassIn,
    TagValue,
    TransferSyntaxIn,
    Unparsed,
    Unverifiable,
    Value,
    ValueCount,
    ValueIn,
)
from dicomstd.errors import BuildError

__all__ = [
    "Override",
    "OverrideKind",
    "format_condition",
    "load_overrides",
    "parse_override_condition",
    "parse_tag_text",
    "read_reviewed_list",
    "tag_text",
]

OverrideKind = Literal["attribute", "module", "functional_group", "include"]


@dataclass(frozen=True, slots=True)
class Override:
    """A reviewed condition.

    Attributes:
        kind: ``attribute``, ``module``, ``functional_group`` or ``include``.
        table: the attribute table (``attribute``, ``include``), the Module's or the Macro's
            table id.
        path: for ``attribute``: the Sequence Tags then the Attribute's Tag (``"0028,0034"``,
            ``"300A,0111/300A,011E"``); for ``include``: the Sequence Tags then the included
            table's id (``"0040,A730/table_C.17-5"``); ``""`` otherwise.
        sentence: the condition sentences exactly as extracted.
        requirement: the hand-written requirement (``text`` is ``sentence``).
        reason: why it is overridden.
    """

    kind: OverrideKind
    table: str
    path: str
    sentence: str
    requirement: Requirement
    reason: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(kind, table, path, sentence): what a compiled row is matched by."""
        return (self.kind, self.table, self.path, self.sentence)


_OPERATORS: dict[str, Operator] = {
    ">": "gt",
    ">=": "ge",
    "<": "lt",
    "<=": "le",
    "==": "eq",
    "!=": "ne",
}
_OPERATOR_TEXT = {value: key for key, value in _OPERATORS.items()}


def parse_tag_text(text: object) -> int:
    """The Tag written ``"gggg,eeee"`` (a repeating group ``"60xx,3000"`` gives its first
    group).

    Raises:
        ValueError: ``text`` is not in that form.
    """
    if not isinstance(text, str) or len(text) != 9 or text[4] != ",":
        raise ValueError(f'{text!r} is not a tag such as "0028,0030"')
    return int(text.replace(",", "").replace("x", "0").replace("X", "0"), 16)


def _literal(node: python_ast.expr) -> Any:
    if (
        isinstance(node, python_ast.Call)
        and isinstance(node.func, python_ast.Name)
        and node.func.id == "tag"
    ):
        return TagValue(parse_tag_text(_literal(node.args[0])))
    if isinstance(node, (python_ast.List, python_ast.Tuple)):
        return tuple(_literal(item) for item in node.elts)
    if isinstance(node, python_ast.Constant) and isinstance(node.value, (str, int, float)):
        return node.value
    if isinstance(node, python_ast.UnaryOp) and isinstance(node.op, python_ast.USub):
        value = _literal(node.operand)
        if isinstance(value, (int, float)):
            return -value
    raise ValueError(f"not a literal: {python_ast.unparse(node)}")


def _reference(call: python_ast.Call) -> AttributeRef:
    keywords = {keyword.arg: _literal(keyword.value) for keyword in call.keywords}
    scope = keywords.get("scope", "any")
    if scope not in ("item", "parent", "top", "frame", "any", "anywhere"):
        raise ValueError(f"unknown scope {scope!r}")
    levels = int(keywords.get("levels", 1 if scope == "parent" else 0))
    return AttributeRef(parse_tag_text(_literal(call.args[0])), scope, levels)


def _comparison_with_here(name: str, call: python_ast.Call) -> tuple[bool, AttributeRef]:
    """The third and fourth arguments of ``name(TAG, OTHER, "==", here(HERE, scope=...))``:
    (equal, the Attribute of this Data Set)."""
    operator = _literal(call.args[2])
    if operator not in ("==", "!="):
        raise ValueError(f'{name} compares with "==" or "!=", not {operator!r}')
    here = call.args[3]
    if not (
        isinstance(here, python_ast.Call)
        and isinstance(here.func, python_ast.Name)
        and here.func.id == "here"
    ):
        raise ValueError(f"{name}: the fourth argument is here(TAG, scope=...)")
    return operator == "==", _reference(here)


def _convert(node: python_ast.expr) -> Condition:
    if isinstance(node, python_ast.BoolOp):
        terms = tuple(_convert(value) for value in node.values)
        return And(terms) if isinstance(node.op, python_ast.And) else Or(terms)
    if isinstance(node, python_ast.UnaryOp) and isinstance(node.op, python_ast.Not):
        return Not(_convert(node.operand))
    if isinstance(node, python_ast.Name) and node.id in ("true", "false"):
        return Constant(node.id == "true")
    if not isinstance(node, python_ast.Call) or not isinstance(node.func, python_ast.Name):
        raise ValueError(f"not a condition: {python_ast.unparse(node)}")
    name = node.func.id
    keywords = {keyword.arg: keyword.value for keyword in node.keywords}
    if name == "present":
        return Present(_reference(node))
    if name == "has_value":
        return HasValue(_reference(node))
    if name == "value_in":
        values: tuple[Value, ...] = _literal(node.args[1])
        number = _literal(keywords["number"]) if "number" in keywords else None
        node.keywords = [k for k in node.keywords if k.arg != "number"]
        return ValueIn(_reference(node), tuple(values), number)
    if name == "compare":
        operator = _OPERATORS[_literal(node.args[1])]
        number = _literal(keywords["number"]) if "number" in keywords else None
        node.keywords = [k for k in node.keywords if k.arg != "number"]
        return Compare(_reference(node), operator, float(_literal(node.args[2])), number)
    if name == "item_count":
        operator = _OPERATORS[_literal(node.args[1])]
        bound = _literal(node.args[2])
        if not isinstance(bound, int):
            raise ValueError(f"item_count takes a whole number, not {bound!r}")
        return ItemCount(_reference(node), operator, bound)
    if name == "value_count":
        operator = _OPERATORS[_literal(node.args[1])]
        bound = _literal(node.args[2])
        if not isinstance(bound, int):
            raise ValueError(f"value_count takes a whole number, not {bound!r}")
        return ValueCount(_reference(node), operator, bound)
    if name == "overlay_frames":
        operator = _OPERATORS[_literal(node.args[0])]
        bound = _literal(node.args[1])
        if not isinstance(bound, int) or node.keywords:
            raise ValueError('overlay_frames takes an operator and a whole number: (">", 1)')
        return OverlayFrames(operator, bound)
    if name == "extended_characters":
        if node.args or set(keywords) != {"scope"}:
            raise ValueError('extended_characters takes only scope="item" or scope="top"')
        scope = _literal(keywords["scope"])
        if scope not in ("item", "top"):
            raise ValueError(f"extended_characters: unknown scope {scope!r}")
        return ExtendedCharacters(scope)
    if name == "in_any_item":
        inner = _convert(node.args[1])
        nested = _literal(keywords["nested"]) if "nested" in keywords else False
        if not isinstance(nested, bool):
            raise ValueError(f"in_any_item: nested is True or False, not {nested!r}")
        node.keywords = [k for k in node.keywords if k.arg != "nested"]
        return InAnyItem(_reference(node), inner, nested)
    if name == "in_matching_item":
        equal, here = _comparison_with_here(name, node)
        on_item = _convert(node.args[4]) if len(node.args) > 4 else Constant(True)
        return InMatchingItem(
            _reference(node), parse_tag_text(_literal(node.args[1])), here, equal, on_item
        )
    if name == "in_referenced_instance":
        return ReferencedInstance(_reference(node), _convert(node.args[1]))
    if name == "referenced_value":
        equal, here = _comparison_with_here(name, node)
        return ReferencedValueMatches(
            _reference(node), parse_tag_text(_literal(node.args[1])), here, equal
        )
    if name == "consistent_in_referenced":
        reference = (
            parse_tag_text(_literal(keywords["reference"])) if "reference" in keywords else None
        )
        node.keywords = [k for k in node.keywords if k.arg != "reference"]
        return ConsistentInReferencedInstances(
            _reference(node),
            parse_tag_text(_literal(node.args[1])),
            REFERENCED_SOP_INSTANCE_UID if reference is None else reference,
        )
    if name == "private_tag":
        number = _literal(keywords["number"]) if "number" in keywords else None
        node.keywords = [k for k in node.keywords if k.arg != "number"]
        return PrivateTag(_reference(node), number)
    if name == "transfer_syntax":
        return TransferSyntaxIn(tuple(str(uid) for uid in _literal(node.args[0])))
    if name == "code_in":
        codes = tuple((str(code[0]), str(code[1])) for code in _literal(node.args[1]))
        return CodeIn(_reference(node), codes)
    if name in ("module", "macro", "functional_group"):
        kind = "functional group" if name == "functional_group" else name
        return ModulePresent(str(_literal(node.args[0])), kind)  # type: ignore[arg-type]
    if name == "sop_class":
        return SOPClassIn(tuple(str(uid) for uid in _literal(node.args[0])))
    if name == "first_item":
        return FirstItem()
    if name == "unverifiable":
        return Unverifiable(str(_literal(node.args[0])))
    raise ValueError(f"unknown call {name}()")


def parse_override_condition(text: str) -> Condition:
    """Read a condition written in the override form (module docstring).

    Raises:
        ValueError: the text is not in that form.
    """
    try:
        tree = python_ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"not an expression: {error.msg}") from error
    try:
        return _convert(tree.body)
    except (IndexError, KeyError, TypeError) as error:
        raise ValueError(f"malformed condition {text!r}: {error!r}") from error


def tag_text(tag: int) -> str:
    """``"gggg,eeee"`` for a Tag (``group << 16 | element``)."""
    return f"{tag >> 16:04X},{tag & 0xFFFF:04X}"


def _reference_text(reference: AttributeRef) -> tuple[str, str]:
    """(the Tag argument, the keyword arguments with a leading comma or ``""``)."""
    keywords = ""
    if reference.scope != "any":
        keywords += f', scope="{reference.scope}"'
    if reference.scope == "parent" and reference.levels != 1:
        keywords += f", levels={reference.levels}"
    return f'"{tag_text(reference.tag)}"', keywords


def _value_text(value: Value) -> str:
    if isinstance(value, TagValue):
        return f'tag("{tag_text(value.tag)}")'
    return repr(value) if not isinstance(value, str) else '"' + value.replace('"', '\\"') + '"'


def format_condition(condition: Condition, nested: bool = False) -> str:
    """``condition`` in the override form (round-trips through
    :func:`parse_override_condition`, except :class:`Unparsed`, written as a comment-like
    ``unparsed("...")`` that does not read back)."""
    if isinstance(condition, (Present, HasValue)):
        tag, keywords = _reference_text(condition.attribute)
        call = "present" if isinstance(condition, Present) else "has_value"
        return f"{call}({tag}{keywords})"
    if isinstance(condition, ValueIn):
        tag, keywords = _reference_text(condition.attribute)
        values = ", ".join(_value_text(value) for value in condition.values)
        number = f", number={condition.value_number}" if condition.value_number is not None else ""
        return f"value_in({tag}, [{values}]{number}{keywords})"
    if isinstance(condition, Compare):
        tag, keywords = _reference_text(condition.attribute)
        number = f", number={condition.value_number}" if condition.value_number is not None else ""
        bound = int(condition.bound) if condition.bound.is_integer() else condition.bound
        operator = _OPERATOR_TEXT[condition.operator]
        return f'compare({tag}, "{operator}", {bound}{number}{keywords})'
    if isinstance(condition, ItemCount):
        tag, keywords = _reference_text(condition.attribute)
        operator = _OPERATOR_TEXT[condition.operator]
        return f'item_count({tag}, "{operator}", {int(condition.bound)}{keywords})'
    if isinstance(condition, ValueCount):
        tag, keywords = _reference_text(condition.attribute)
        operator = _OPERATOR_TEXT[condition.operator]
        return f'value_count({tag}, "{operator}", {int(condition.bound)}{keywords})'
    if isinstance(condition, ExtendedCharacters):
        return f'extended_characters(scope="{condition.scope}")'
    if isinstance(condition, OverlayFrames):
        return f'overlay_frames("{_OPERATOR_TEXT[condition.operator]}", {int(condition.bound)})'
    if isinstance(condition, InAnyItem):
        tag, keywords = _reference_text(condition.sequence)
        deeper = ", nested=True" if condition.nested else ""
        return f"in_any_item({tag}, {format_condition(condition.condition)}{keywords}{deeper})"
    if isinstance(condition, InMatchingItem):
        tag, keywords = _reference_text(condition.sequence)
        here, here_keywords = _reference_text(condition.here)
        operator = "==" if condition.equal else "!="
        on_item = (
            ""
            if condition.condition == Constant(True)
            else f", {format_condition(condition.condition)}"
        )
        return (
            f'in_matching_item({tag}, "{tag_text(condition.key)}", "{operator}", '
            f"here({here}{here_keywords}){on_item}{keywords})"
        )
    if isinstance(condition, ReferencedInstance):
        tag, keywords = _reference_text(condition.reference)
        return f"in_referenced_instance({tag}, {format_condition(condition.condition)}{keywords})"
    if isinstance(condition, ReferencedValueMatches):
        tag, keywords = _reference_text(condition.reference)
        here, here_keywords = _reference_text(condition.here)
        operator = "==" if condition.equal else "!="
        return (
            f'referenced_value({tag}, "{tag_text(condition.tag)}", "{operator}", '
            f"here({here}{here_keywords}){keywords})"
        )
    if isinstance(condition, ConsistentInReferencedInstances):
        tag, keywords = _reference_text(condition.sequence)
        if condition.reference_tag != REFERENCED_SOP_INSTANCE_UID:
            keywords += f', reference="{tag_text(condition.reference_tag)}"'
        return f'consistent_in_referenced({tag}, "{tag_text(condition.tag)}"{keywords})'
    if isinstance(condition, PrivateTag):
        tag, keywords = _reference_text(condition.attribute)
        number = f", number={condition.value_number}" if condition.value_number is not None else ""
        return f"private_tag({tag}{number}{keywords})"
    if isinstance(condition, TransferSyntaxIn):
        return "transfer_syntax([" + ", ".join(f'"{uid}"' for uid in condition.uids) + "])"
    if isinstance(condition, CodeIn):
        tag, keywords = _reference_text(condition.attribute)
        codes = ", ".join(f'("{value}", "{scheme}")' for value, scheme in condition.codes)
        return f"code_in({tag}, [{codes}]{keywords})"
    if isinstance(condition, ModulePresent):
        call = "functional_group" if condition.kind == "functional group" else condition.kind
        return f'{call}("{condition.table_id}")'
    if isinstance(condition, SOPClassIn):
        return "sop_class([" + ", ".join(f'"{uid}"' for uid in condition.uids) + "])"
    if isinstance(condition, FirstItem):
        return "first_item()"
    if isinstance(condition, Constant):
        return "true" if condition.value else "false"
    if isinstance(condition, Not):
        return "not " + format_condition(condition.term, nested=True)
    if isinstance(condition, (And, Or)):
        word = " and " if isinstance(condition, And) else " or "
        text = word.join(format_condition(term, nested=True) for term in condition.terms)
        return f"({text})" if nested else text
    if isinstance(condition, Unverifiable):
        return f"unverifiable({_value_text(condition.text)})"
    if isinstance(condition, Unparsed):
        return f"unparsed({_value_text(condition.text)})"
    raise TypeError(f"not a condition: {condition!r}")


def read_reviewed_list(name: str, text: str | None = None) -> dict[str, Any]:
    """The TOML document of a committed reviewed list, ``generator/data/<name>`` (or
    ``text`` in its place).

    Raises:
        BuildError: the text is not TOML (the message names the file).
    """
    if text is None:
        text = (
            resources.files("dicomstd.generator")
            .joinpath(f"data/{name}")
            .read_text(encoding="utf-8")
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BuildError(f"{name} is not valid TOML: {error}") from None


def load_overrides(text: str | None = None) -> tuple[Override, ...]:
    """Read the committed overrides (or ``text`` in the same TOML form).

    Raises:
        BuildError: the text is not TOML, an entry lacks a field, or its condition is not in
            the form.
    """
    document = read_reviewed_list("condition_overrides.toml", text)
    found: list[Override] = []
    for kind, table_key in (
        ("attribute", "table"),
        ("module", "module"),
        ("functional_group", "macro"),
        ("include", "table"),
    ):
        for number, entry in enumerate(document.get(kind, []), start=1):
            where = f"condition_overrides.toml [[{kind}]] #{number}"
            try:
                sentence = str(entry["sentence"])
                required = parse_override_condition(str(entry["required"]))
                otherwise_text = str(entry.get("otherwise", "shall not"))
                stated = "otherwise" in entry
                otherwise: Condition
                if otherwise_text == "may":
                    otherwise = Constant(True)
                elif otherwise_text == "shall not":
                    otherwise = Constant(False)
                else:
                    otherwise = parse_override_condition(otherwise_text)
                forbidden = (
                    parse_override_condition(str(entry["forbidden"]))
                    if "forbidden" in entry
                    else None
                )
                found.append(
                    Override(
                        kind,  # type: ignore[arg-type]
                        str(entry[table_key]),
                        str(entry.get("path", "")) if kind in ("attribute", "include") else "",
                        sentence,
                        Requirement(required, otherwise, stated, forbidden, sentence),
                        str(entry["reason"]),
                    )
                )
            except KeyError as missing:
                raise BuildError(f"{where} lacks {missing}") from None
            except ValueError as error:
                raise BuildError(f"{where}: {error}") from None
            if kind in ("attribute", "include") and not found[-1].path:
                raise BuildError(f"{where} lacks path")
    keys = [override.key for override in found]
    duplicates = {key[:3] for key in keys if keys.count(key) > 1}
    if duplicates:
        raise BuildError(
            f"condition_overrides.toml: more than one override for {sorted(duplicates)}"
        )
    return tuple(found)
