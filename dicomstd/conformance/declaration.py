"""Read a conformance declaration (TOML) into a checked, typed :class:`Declaration`.

The format is described by ``declaration.schema.json`` (JSON Schema 2020-12) next to this
module; ``examples/`` holds two complete declarations. Reading goes in three steps, and each
problem found is one :class:`Problem` naming the line of the declaration it is about:

1. TOML syntax (:mod:`tomllib`; its message carries the line);
2. the schema (every violation, each at the line of the offending key or value);
3. the meaning, against the compiled registries: every SOP Class and Transfer Syntax must be
   in the UID registry (PS3.6 Annex A) and be of that kind, retired ones draw a warning; a SOP
   Class may only be given a role its Service Class has (:mod:`.service_classes`, PS3.4);
   created SOP Classes must have an IOD (PS3.4); character sets, profiles, Modules and
   Attribute Keywords must be ones the standard defines.

Errors raise :class:`DeclarationError` holding every problem (the command prints one line
each); warnings are kept on the :class:`Declaration`.
"""

from __future__ import annotations

import datetime
import difflib
import importlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from dicomstd.conformance.locate import Locations, PathKey, locate
from dicomstd.conformance.service_classes import (
    MEDIA_ROLES,
    ServiceClass,
    is_storage,
    service_class,
)
from dicomstd.errors import DicomstdError

__all__ = [
    "AttributeDeclaration",
    "ApplicationEntity",
    "CreatedSOPClass",
    "Declaration",
    "DeclarationError",
    "MediaEntity",
    "MediaProfile",
    "Parameter",
    "Problem",
    "SOPClassRef",
    "SecurityProfileUse",
    "Service",
    "TransferSyntaxRef",
    "load_declaration",
    "parse_declaration",
    "schema",
]

SHORTHANDS = ("all-storage", "all-image-storage")
"""Declaration shorthands for sets of Storage SOP Classes (see :func:`expand_shorthand`)."""

_IMAGE_PIXEL_MODULE = "table_C.7-11a"  # PS3.3 Table C.7-11a, the Image Pixel Module


# -- problems ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a declaration: ``severity`` (``error`` or ``warning``), the
    ``file`` and 1-based ``line`` it is about, and the ``message``."""

    severity: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DeclarationError(DicomstdError):
    """The declaration has errors: ``problems`` holds each (errors and warnings), one line
    apiece; ``str()`` is the first error."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = next(p for p in self.problems if p.severity == "error")
        super().__init__(f"{first.line}: {first.message}", first.file)


# -- the typed declaration --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SOPClassRef:
    """A SOP Class as the registry names it: ``uid``, ``name`` (PS3.6 Annex A), ``keyword``,
    ``retired``, its :class:`ServiceClass` (``None`` where the table knows none)."""

    uid: str
    name: str
    keyword: str
    retired: bool
    service: ServiceClass | None

    @property
    def uid_sort_key(self) -> tuple[int, ...]:
        """Numerical order of the UID (PS3.2 Table N.1-1 lists SOP Classes in it)."""
        return tuple(int(part) for part in self.uid.split("."))


@dataclass(frozen=True, slots=True)
class TransferSyntaxRef:
    """A Transfer Syntax: ``uid``, ``name`` (PS3.6 Annex A), ``retired``, and its encoding
    (PS3.5): ``explicit_vr``, ``encapsulated``."""

    uid: str
    name: str
    retired: bool
    explicit_vr: bool
    encapsulated: bool


@dataclass(frozen=True, slots=True)
class Service:
    """One ``[[application_entities.services]]`` entry: ``sop_classes`` in a ``role``
    (``SCU``/``SCP``) with ``transfer_syntaxes`` in the declared order (sets expanded, in
    their order), the ``sets`` named, ``activity``, ``description``,
    ``extended_negotiation``, and the declaration ``line``."""

    sop_classes: tuple[SOPClassRef, ...]
    role: str
    transfer_syntaxes: tuple[TransferSyntaxRef, ...]
    sets: tuple[str, ...]
    activity: str
    description: str
    extended_negotiation: str
    line: int


@dataclass(frozen=True, slots=True)
class Parameter:
    """A configuration parameter (PS3.2 N.6): ``parameter``, ``configurable`` (USER,
    SERVICE, FIXED, N/A), ``default``, ``comment``, ``remote`` (of the remote system)."""

    parameter: str
    configurable: str
    default: str
    comment: str
    remote: bool


@dataclass(frozen=True, slots=True)
class ApplicationEntity:
    """An Application Entity: ``name``, default ``ae_title``, ``description``,
    ``sequencing``, ``port``/``tls_port`` (``None`` where not declared), ``association``
    (the parameters and policies as declared), ``services``, ``configuration``."""

    name: str
    ae_title: str
    description: str
    sequencing: str
    port: int | None
    tls_port: int | None
    association: dict[str, Any]
    services: tuple[Service, ...]
    configuration: tuple[Parameter, ...]

    def roles(self) -> dict[str, set[str]]:
        """Service Class name → the roles this AE plays in it."""
        found: dict[str, set[str]] = {}
        for service in self.services:
            for sop in service.sop_classes:
                name = sop.service.name if sop.service else "Other"
                found.setdefault(name, set()).add(service.role)
        return found


@dataclass(frozen=True, slots=True)
class MediaProfile:
    """A Media Storage Application Profile in use: ``profile``, ``kind`` (standard,
    augmented, private), ``roles`` (FSC/FSR/FSU), ``sop_classes`` (empty: not declared)."""

    profile: str
    kind: str
    roles: tuple[str, ...]
    sop_classes: tuple[SOPClassRef, ...]


@dataclass(frozen=True, slots=True)
class MediaEntity:
    """A media Application Entity: ``name``, ``description``, ``profiles``."""

    name: str
    description: str
    profiles: tuple[MediaProfile, ...]


@dataclass(frozen=True, slots=True)
class SecurityProfileUse:
    """A PS3.15 profile the product supports: ``name``, ``section``, ``category``,
    ``application_entities``, ``roles``, ``comment``."""

    name: str
    section: str
    category: str
    application_entities: tuple[str, ...]
    roles: tuple[str, ...]
    comment: str


@dataclass(frozen=True, slots=True)
class AttributeDeclaration:
    """What a declaration says of one Attribute of a created IOD (PS3.2 N.9): ``source``
    terms, ``value``, ``presence``, ``condition``, ``comment``."""

    source: tuple[str, ...] = ()
    value: str = ""
    presence: str = ""
    condition: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class CreatedSOPClass:
    """A SOP Class whose instances the product creates: ``sop_class``, ``kind`` (S, SE,
    SP, P), ``description``, ``modules`` (table ids of the Usage C/U Modules declared),
    ``attributes`` (Keyword → :class:`AttributeDeclaration`), ``samples`` (paths)."""

    sop_class: SOPClassRef
    kind: str
    description: str
    modules: tuple[str, ...]
    attributes: dict[str, AttributeDeclaration]
    samples: tuple[Path, ...]


@dataclass(slots=True)
class Declaration:
    """A checked declaration (see the module's docstring and the schema for each part)."""

    path: Path
    product: dict[str, str]
    implementation: dict[str, str]
    revisions: list[dict[str, str]]
    transfer_syntax_sets: dict[str, tuple[str, tuple[TransferSyntaxRef, ...]]]
    application_entities: list[ApplicationEntity]
    media: list[MediaEntity]
    character_sets: tuple[str, ...]
    character_set_description: str
    security_description: str
    security_profiles: list[SecurityProfileUse]
    de_identification: dict[str, Any] | None
    user_identity: str
    security_other: str
    created: list[CreatedSOPClass]
    functions: dict[str, tuple[SOPClassRef, ...]]
    configuration_description: str
    general_configuration: tuple[Parameter, ...]
    text: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)


# -- reading ----------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    """The declaration's JSON Schema (``declaration.schema.json``)."""
    text = (
        resources.files("dicomstd.conformance")
        .joinpath("declaration.schema.json")
        .read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def load_declaration(path: str | Path) -> Declaration:
    """Read and check the declaration at ``path``.

    Raises:
        DeclarationError: the declaration has errors (each with its line).
        OSError: the file cannot be read.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DeclarationError(
            [Problem("error", str(path), line, "not UTF-8 text (TOML is UTF-8)")]
        ) from None
    return parse_declaration(text, path)


def parse_declaration(text: str, path: str | Path = "<declaration>") -> Declaration:
    """Check the TOML ``text`` (read from ``path``, which names it in messages and against
    which sample paths are resolved).

    Raises:
        DeclarationError: the declaration has errors.
    """
    path = Path(path)
    name = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DeclarationError([_toml_problem(name, error)]) from None
    data = _plain(data)
    locations = locate(text)
    problems = _schema_problems(data, locations, name)
    if problems:
        raise DeclarationError(problems)
    return _Checker(data, locations, path).run()


def _toml_problem(name: str, error: tomllib.TOMLDecodeError) -> Problem:
    # tomllib ends its message with "(at line L, column C)" or "(at end of document)".
    message = str(error)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return Problem(
            "error",
            name,
            int(match.group(1)),
            f"TOML syntax: {message[: match.start()]} (column {match.group(2)})",
        )
    line = 1
    return Problem("error", name, line, f"TOML syntax: {message}")


def _plain(value: Any) -> Any:
    """TOML dates and times as their ISO 8601 text: the schema, and the statement, take
    dates as written."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _where(path: Sequence[PathKey]) -> str:
    """``application_entities[0].services[2].role``: a path as a person reads it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the declaration"


def _schema_problems(data: dict[str, Any], locations: Locations, name: str) -> list[Problem]:
    # Imported by name: jsonschema ships no type stubs, and its use here is small and local.
    jsonschema: Any = importlib.import_module("jsonschema")
    validator = jsonschema.Draft202012Validator(schema())
    problems: list[Problem] = []
    for error in sorted(
        validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        path = tuple(error.absolute_path)
        line, message = _schema_message(error, path, locations)
        problems.append(Problem("error", name, line, message))
    return problems


def _schema_message(error: Any, path: tuple[PathKey, ...], locations: Locations) -> tuple[int, str]:
    where = _where(path)
    kind = error.validator
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        key = extra[0] if extra else ""
        line = locations.line((*path, key)) if key else locations.line(path)
        return line, (
            f"{_where((*path, key))}: unknown key {key!r} (the schema allows: {allowed})"
            if path
            else f"unknown top-level key {key!r} (the schema allows: {allowed})"
        )
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        key = missing[0] if missing else error.message
        return locations.line(path), f"{where}: the required key {key!r} is missing"
    if kind in ("anyOf", "oneOf") and error.context:
        context = list(error.context)
        if all(inner.validator == "required" for inner in context):
            keys = sorted(
                {key for inner in context for key in re.findall(r"'([^']+)' is a", inner.message)}
            )
            return locations.line(path), f"{where}: give {' or '.join(keys)}"
        # The branch of the instance's own type names the problem best: its errors are not
        # "type" errors.
        candidates = [
            inner for inner in context if inner.validator not in ("type", "enum", "const")
        ]
        if candidates:
            best = max(candidates, key=lambda inner: len(inner.absolute_path))
            inner_path = tuple(best.absolute_path)
            return _schema_message(best, (*path, *inner_path[len(path) :]), locations)
        return (
            locations.line(path),
            f"{where}: {_short(error.instance)} is not {_describe(error.schema)}",
        )
    if kind == "enum":
        options = ", ".join(repr(option) for option in error.validator_value)
        return locations.line(path), f"{where}: {_short(error.instance)} is not one of {options}"
    if kind == "const":
        return (
            locations.line(path),
            f"{where}: must be {error.validator_value!r}, not {_short(error.instance)}",
        )
    if kind == "type":
        return (
            locations.line(path),
            f"{where}: expected {_type_name(error.validator_value)}, found {_short(error.instance)}",
        )
    if kind == "pattern":
        return (
            locations.line(path),
            f"{where}: {_short(error.instance)} does not have the required form ({_describe(error.schema)})",
        )
    if kind == "propertyNames":
        return locations.line(path), f"{where}: {error.message}"
    return locations.line(path), f"{where}: {error.message}"


def _describe(schema_part: dict[str, Any]) -> str:
    description = schema_part.get("description")
    if isinstance(description, str):
        return description.rstrip(".")
    if "anyOf" in schema_part:
        return " or ".join(_describe(option) for option in schema_part["anyOf"])
    if "enum" in schema_part:
        return "one of " + ", ".join(repr(v) for v in schema_part["enum"])
    if "type" in schema_part:
        return _type_name(schema_part["type"])
    if "$ref" in schema_part:
        return str(schema_part["$ref"]).rsplit("/", 1)[-1]
    return "allowed here"


def _type_name(kind: Any) -> str:
    names = {
        "string": "a string",
        "array": "an array",
        "object": "a table",
        "integer": "an integer",
        "boolean": "true or false",
    }
    if isinstance(kind, list):
        return " or ".join(str(names.get(k, k)) for k in kind)
    return names.get(kind, str(kind))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- checking the meaning ---------------------------------------------------------------------


def expand_shorthand(name: str) -> list[str]:
    """The SOP Class UIDs a shorthand stands for, in numerical order: ``all-storage``, every
    Storage SOP Class with an IOD in PS3.4 that PS3.6 does not mark retired; ``all-image-storage``,
    those of them whose IOD includes the Image Pixel Module (PS3.3 Table C.7-11a)."""
    from dicomstd.generated.iod_index import SOP_CLASS_IODS
    from dicomstd.generated.uids import UID_REGISTRY
    from dicomstd.iods import iod_for_sop_class

    found = []
    for uid in SOP_CLASS_IODS:
        entry = UID_REGISTRY.get(uid)
        if entry is None or entry.retired or not is_storage(uid):
            continue
        if name == "all-image-storage" and not any(
            usage.table_id == _IMAGE_PIXEL_MODULE for usage in iod_for_sop_class(uid).modules
        ):
            continue
        found.append(uid)
    return sorted(found, key=lambda uid: tuple(int(part) for part in uid.split(".")))


class _Checker:
    """Turns schema-valid data into a :class:`Declaration`, collecting every problem."""

    def __init__(self, data: dict[str, Any], locations: Locations, path: Path) -> None:
        self.data = data
        self.locations = locations
        self.path = path
        self.name = str(path)
        self.problems: list[Problem] = []

    def error(self, where: Sequence[PathKey], message: str) -> None:
        self.problems.append(
            Problem("error", self.name, self.locations.line(tuple(where)), message)
        )

    def warning(self, where: Sequence[PathKey], message: str) -> None:
        self.problems.append(
            Problem("warning", self.name, self.locations.line(tuple(where)), message)
        )

    # -- UIDs -----------------------------------------------------------------------------

    def _registry(self, text: str) -> tuple[str, Any] | None:
        from dicomstd.registry import lookup_uid, lookup_uid_keyword

        text = text.strip()
        if not text:
            return None  # (an empty keyword would match an entry without one)
        try:
            return text, lookup_uid(text)
        except KeyError:
            pass
        try:
            return lookup_uid_keyword(text)
        except KeyError:
            return None

    def sop_class(self, where: Sequence[PathKey], text: str) -> SOPClassRef | None:
        found = self._registry(text)
        if found is None:
            self.error(
                where,
                f"unknown SOP Class {text!r}: neither a UID nor a keyword of the UID registry (PS3.6 Annex A){self._suggest(text)}",
            )
            return None
        uid, entry = found
        if entry.uid_type not in ("SOP Class", "Meta SOP Class"):
            self.error(
                where,
                f"{text!r} is {_article(entry.uid_type)} {entry.uid_type} ({entry.name}), not a SOP Class (PS3.6 Annex A)",
            )
            return None
        if entry.retired:
            self.warning(
                where,
                f"SOP Class {entry.name} ({uid}) is retired (PS3.6 Annex A, {entry.defining_part})",
            )
        return SOPClassRef(uid, entry.name, entry.keyword, entry.retired, service_class(uid))

    def transfer_syntax(self, where: Sequence[PathKey], text: str) -> TransferSyntaxRef | None:
        from dicomstd.registry import lookup_transfer_syntax

        found = self._registry(text)
        if found is None:
            self.error(
                where,
                f"unknown Transfer Syntax {text!r}: neither a UID nor a keyword of the UID registry (PS3.6 Annex A){self._suggest(text)}",
            )
            return None
        uid, entry = found
        if entry.uid_type != "Transfer Syntax":
            self.error(
                where,
                f"{text!r} is {_article(entry.uid_type)} {entry.uid_type} ({entry.name}), not a Transfer Syntax (PS3.6 Annex A)",
            )
            return None
        if entry.retired:
            self.warning(
                where,
                f"Transfer Syntax {entry.name} ({uid}) is retired (PS3.6 Annex A, {entry.defining_part})",
            )
        try:
            encoding = lookup_transfer_syntax(uid)
            explicit, encapsulated = encoding.explicit_vr, encoding.encapsulated
        except KeyError:  # a retired one PS3.5 no longer describes
            explicit, encapsulated = uid != "1.2.840.10008.1.2", uid not in (
                "1.2.840.10008.1.2",
                "1.2.840.10008.1.2.1",
                "1.2.840.10008.1.2.2",
            )
        return TransferSyntaxRef(uid, entry.name, entry.retired, explicit, encapsulated)

    def _suggest(self, text: str) -> str:
        from dicomstd.generated.uids import UID_REGISTRY

        keywords = [entry.keyword for entry in UID_REGISTRY.values() if entry.keyword]
        close = difflib.get_close_matches(text, keywords, n=1, cutoff=0.8)
        return f"; did you mean {close[0]!r}?" if close else ""

    def sop_classes(self, where: tuple[PathKey, ...], value: Any) -> list[SOPClassRef]:
        """A ``sopClasses`` value: a shorthand or a list of UIDs, keywords and shorthands."""
        items = [value] if isinstance(value, str) else list(value)
        found: list[SOPClassRef] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            place = where if isinstance(value, str) else (*where, index)
            if item in SHORTHANDS:
                refs = [self.sop_class(place, uid) for uid in expand_shorthand(item)]
            else:
                refs = [self.sop_class(place, item)]
            for ref in refs:
                if ref is None:
                    continue
                if ref.uid in seen:
                    if item not in SHORTHANDS:
                        self.warning(place, f"{ref.name} is listed twice")
                    continue
                seen.add(ref.uid)
                found.append(ref)
        return found

    # -- the parts ------------------------------------------------------------------------

    def run(self) -> Declaration:
        data = self.data
        sets = self.transfer_syntax_sets()
        aes = [
            self.application_entity(index, ae, sets)
            for index, ae in enumerate(data.get("application_entities", []))
        ]
        names = [ae.name for ae in aes]
        for index, ae_name in enumerate(names):
            if ae_name in names[:index]:
                self.error(
                    ("application_entities", index, "name"),
                    f"Application Entity {ae_name!r} is declared twice",
                )
        media = [
            self.media_entity(index, entry) for index, entry in enumerate(data.get("media", []))
        ]
        character_sets = self.character_sets()
        security = data.get("security", {})
        profiles = self.security_profiles(security.get("profiles", []), names)
        de_identification = self.de_identification(security.get("de_identification"), names)
        created = [
            self.created(index, entry) for index, entry in enumerate(data.get("created", []))
        ]
        functions = {
            function: tuple(self.storage_classes(("functions", function), value))
            for function, value in data.get("functions", {}).items()
        }
        configuration = data.get("configuration", {})
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            raise DeclarationError(self.problems)
        return Declaration(
            path=self.path,
            product=dict(data["product"]),
            implementation=dict(data["implementation"]),
            revisions=list(data.get("revisions", [])),
            transfer_syntax_sets=sets,
            application_entities=aes,
            media=media,
            character_sets=character_sets,
            character_set_description=data.get("character_sets", {}).get("description", ""),
            security_description=security.get("description", ""),
            security_profiles=profiles,
            de_identification=de_identification,
            user_identity=security.get("user_identity", ""),
            security_other=security.get("other", ""),
            created=created,
            functions=functions,
            configuration_description=configuration.get("description", ""),
            general_configuration=tuple(_parameters(configuration.get("general", []))),
            text=dict(data.get("text", {})),
            warnings=[p for p in self.problems if p.severity == "warning"],
        )

    def transfer_syntax_sets(self) -> dict[str, tuple[str, tuple[TransferSyntaxRef, ...]]]:
        sets: dict[str, tuple[str, tuple[TransferSyntaxRef, ...]]] = {}
        for abbreviation, entry in self.data.get("transfer_syntax_sets", {}).items():
            where = ("transfer_syntax_sets", abbreviation, "transfer_syntaxes")
            found = [
                self.transfer_syntax((*where, i), text)
                for i, text in enumerate(entry["transfer_syntaxes"])
            ]
            sets[abbreviation] = (entry["name"], tuple(ts for ts in found if ts is not None))
        return sets

    def application_entity(
        self,
        index: int,
        ae: dict[str, Any],
        sets: dict[str, tuple[str, tuple[TransferSyntaxRef, ...]]],
    ) -> ApplicationEntity:
        base: tuple[PathKey, ...] = ("application_entities", index)
        if "ae_title" in ae and not ae["ae_title"].strip():
            self.error(
                (*base, "ae_title"), "an AE Title may not be only spaces (PS3.5 Table 6.2-1, AE)"
            )
        services = []
        for number, entry in enumerate(ae["services"]):
            where = (*base, "services", number)
            refs = self.sop_classes((*where, "sop_classes"), entry["sop_classes"])
            role = entry["role"]
            for position, ref in enumerate(refs):
                self.check_network_role(where, entry["sop_classes"], position, ref, role)
            syntaxes: list[TransferSyntaxRef] = []
            for set_index, abbreviation in enumerate(entry.get("transfer_syntax_sets", [])):
                if abbreviation not in sets:
                    known = ", ".join(sets) or "none is declared"
                    self.error(
                        (*where, "transfer_syntax_sets", set_index),
                        f"unknown Transfer Syntax Set {abbreviation!r} (declared in [transfer_syntax_sets]: {known})",
                    )
                    continue
                syntaxes.extend(ts for ts in sets[abbreviation][1] if ts not in syntaxes)
            for ts_index, text in enumerate(entry.get("transfer_syntaxes", [])):
                ts = self.transfer_syntax((*where, "transfer_syntaxes", ts_index), text)
                if ts is not None and ts not in syntaxes:
                    syntaxes.append(ts)
            services.append(
                Service(
                    tuple(refs),
                    role,
                    tuple(syntaxes),
                    tuple(entry.get("transfer_syntax_sets", [])),
                    entry.get("activity", ""),
                    entry.get("description", ""),
                    entry.get("extended_negotiation", ""),
                    self.locations.line(where),
                )
            )
        return ApplicationEntity(
            name=ae["name"],
            ae_title=ae.get("ae_title", ""),
            description=ae.get("description", ""),
            sequencing=ae.get("sequencing", ""),
            port=ae.get("port"),
            tls_port=ae.get("tls_port"),
            association=dict(ae.get("association", {})),
            services=tuple(services),
            configuration=tuple(_parameters(ae.get("configuration", []))),
        )

    def check_network_role(
        self, where: tuple[PathKey, ...], value: Any, position: int, ref: SOPClassRef, role: str
    ) -> None:
        place = (
            (*where, "sop_classes")
            if isinstance(value, str)
            else self._item_place(where, value, ref)
        )
        if ref.service is None:
            self.error(
                place,
                f"{ref.name} ({ref.uid}) belongs to no DIMSE Service Class of PS3.4 that dicomstd knows, so it cannot be offered as {role}",
            )
        elif role not in ref.service.network_roles:
            roles = ", ".join(sorted(ref.service.roles))
            self.error(
                place,
                f"{ref.name} ({ref.uid}) is offered as {role}, a role the {ref.service.name} Service Class "
                f"({ref.service.reference}) does not have: its roles are {roles}",
            )

    def _item_place(
        self, where: tuple[PathKey, ...], value: Any, ref: SOPClassRef
    ) -> tuple[PathKey, ...]:
        """The list element that named ``ref`` (its UID or keyword), else the list."""
        for index, item in enumerate(value):
            if item in (ref.uid, ref.keyword):
                return (*where, "sop_classes", index)
        return (*where, "sop_classes")

    def storage_classes(self, where: tuple[PathKey, ...], value: Any) -> list[SOPClassRef]:
        refs = self.sop_classes(where, value)
        for ref in refs:
            if not is_storage(ref.uid):
                place = where if isinstance(value, str) else (*where, self._index(value, ref))
                self.error(
                    place, f"{ref.name} ({ref.uid}) is not a Storage SOP Class (PS3.4 Annex B)"
                )
        return [ref for ref in refs if is_storage(ref.uid)]

    @staticmethod
    def _index(value: Any, ref: SOPClassRef) -> int:
        for index, item in enumerate(value):
            if item in (ref.uid, ref.keyword):
                return index
        return 0

    def media_entity(self, index: int, entry: dict[str, Any]) -> MediaEntity:
        from dicomstd.conformance.profiles import MEDIA_PROFILES, media_profile_kind

        profiles = []
        for number, profile in enumerate(entry["profiles"]):
            where: tuple[PathKey, ...] = ("media", index, "profiles", number)
            identifier = profile["profile"]
            kind = media_profile_kind(identifier)
            if kind is None:
                self.error(
                    (*where, "profile"),
                    f"{identifier!r} is not a Media Storage Application Profile identifier (STD-, AUG- or PRI- followed by its name, PS3.11 and PS3.2 Section 7.4)",
                )
                kind = "standard"
            elif kind == "standard" and identifier not in MEDIA_PROFILES:
                self.warning(
                    (*where, "profile"),
                    f"{identifier!r} is not among the PS3.11 profiles dicomstd knows; check its spelling against PS3.11",
                )
            roles = profile["roles"]
            for role_index, role in enumerate(roles):
                if role not in MEDIA_ROLES:
                    self.error(
                        (*where, "roles", role_index),
                        f"{role!r} is not a media role: a Media Storage Application Profile is used as FSC, FSR or FSU (PS3.10 Section 7)",
                    )
            refs: list[SOPClassRef] = []
            if "sop_classes" in profile:
                refs = self.sop_classes((*where, "sop_classes"), profile["sop_classes"])
                for ref in refs:
                    service = ref.service
                    for role in roles:
                        if role in MEDIA_ROLES and (
                            service is None or role not in service.media_roles
                        ):
                            have = (
                                ", ".join(sorted(service.roles))
                                if service
                                else "none dicomstd knows"
                            )
                            name = (
                                f"the {service.name} Service Class ({service.reference})"
                                if service
                                else "its Service Class"
                            )
                            self.error(
                                (
                                    self._item_place(where, profile["sop_classes"], ref)
                                    if not isinstance(profile["sop_classes"], str)
                                    else (*where, "sop_classes")
                                ),
                                f"{ref.name} ({ref.uid}) is used on media as {role}, a role {name} does not have: its roles are {have}",
                            )
            profiles.append(MediaProfile(identifier, kind, tuple(roles), tuple(refs)))
        return MediaEntity(entry["name"], entry.get("description", ""), tuple(profiles))

    def character_sets(self) -> tuple[str, ...]:
        from dicomstd.conformance.profiles import CHARACTER_SETS

        found = []
        for index, term in enumerate(self.data.get("character_sets", {}).get("supported", [])):
            if term not in CHARACTER_SETS:
                # Letter O for digit 0 is the usual slip in "ISO_IR 100".
                fixed = re.sub(
                    r"(IR )(\S+)$", lambda m: m.group(1) + m.group(2).replace("O", "0"), term
                )
                close = (
                    [fixed]
                    if fixed in CHARACTER_SETS
                    else difflib.get_close_matches(term, list(CHARACTER_SETS), n=1)
                )
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.error(
                    ("character_sets", "supported", index),
                    f"{term!r} is not a Defined Term of Specific Character Set (0008,0005), PS3.3 Section C.12.1.1.2{hint}",
                )
            else:
                found.append(term)
        return tuple(found)

    def security_profiles(
        self, entries: list[dict[str, Any]], ae_names: list[str]
    ) -> list[SecurityProfileUse]:
        from dicomstd.conformance.profiles import SECURITY_PROFILES

        found = []
        for index, entry in enumerate(entries):
            where: tuple[PathKey, ...] = ("security", "profiles", index)
            name = entry["name"]
            profile = SECURITY_PROFILES.get(name)
            if profile is None:
                close = difflib.get_close_matches(name, list(SECURITY_PROFILES), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.error(
                    (*where, "name"),
                    f"unknown Security Profile {name!r}: not a profile of PS3.15{hint}",
                )
                continue
            if profile.retired:
                self.warning((*where, "name"), f"{name} is retired ({profile.section})")
            self.check_ae_names(
                (*where, "application_entities"), entry.get("application_entities", []), ae_names
            )
            found.append(
                SecurityProfileUse(
                    name,
                    profile.section,
                    profile.category,
                    tuple(entry.get("application_entities", [])),
                    tuple(entry.get("roles", [])),
                    entry.get("comment", ""),
                )
            )
        return found

    def check_ae_names(
        self, where: tuple[PathKey, ...], names: Iterable[str], ae_names: list[str]
    ) -> None:
        for index, name in enumerate(names):
            if name != "ALL" and name not in ae_names:
                self.error(
                    (*where, index),
                    f"{name!r} names no declared Application Entity (declared: {', '.join(ae_names) or 'none'}; or ALL)",
                )

    def de_identification(
        self, entry: dict[str, Any] | None, ae_names: list[str]
    ) -> dict[str, Any] | None:
        from dicomstd.conformance.profiles import CONFIDENTIALITY_OPTIONS

        if entry is None:
            return None
        for index, option in enumerate(entry["options"]):
            if option not in CONFIDENTIALITY_OPTIONS:
                close = difflib.get_close_matches(
                    option, list(CONFIDENTIALITY_OPTIONS), n=1, cutoff=0.6
                )
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.error(
                    ("security", "de_identification", "options", index),
                    f"unknown option {option!r} of the Basic Application Level Confidentiality Profile (PS3.15 Section E.3){hint}",
                )
        self.check_ae_names(
            ("security", "de_identification", "application_entities"),
            entry.get("application_entities", []),
            ae_names,
        )
        return dict(entry)

    def created(self, index: int, entry: dict[str, Any]) -> CreatedSOPClass:
        from dicomstd import dictionary
        from dicomstd.iods import expand, iod_for_sop_class

        where: tuple[PathKey, ...] = ("created", index)
        ref = self.sop_class((*where, "sop_class"), entry["sop_class"])
        modules: list[str] = []
        attributes: dict[str, AttributeDeclaration] = {}
        keywords: set[str] = set()
        if ref is not None:
            try:
                iod = iod_for_sop_class(ref.uid)
            except KeyError:
                self.error(
                    (*where, "sop_class"),
                    f"{ref.name} ({ref.uid}) has no IOD in PS3.4 (as compiled): only Storage SOP Classes create instances whose contents Annex A.A lists",
                )
                iod = None
            if iod is not None:
                if not is_storage(ref.uid):
                    self.error(
                        (*where, "sop_class"),
                        f"{ref.name} ({ref.uid}) is not a Storage SOP Class (PS3.4 Annex B)",
                    )
                by_name = {usage.module.casefold(): usage for usage in iod.modules}
                by_table = {usage.table_id: usage for usage in iod.modules}
                for number, module in enumerate(entry.get("modules", [])):
                    usage = by_table.get(module) or by_name.get(
                        module.casefold().removesuffix(" module")
                    )
                    if usage is None:
                        self.error(
                            (*where, "modules", number),
                            f"{module!r} is not a Module of the {iod.name} IOD ({iod.source}); its Modules are: {', '.join(u.module for u in iod.modules)}",
                        )
                    else:
                        modules.append(usage.table_id)
                from dicomstd.iods import attribute_table

                for usage in iod.modules:
                    try:
                        keywords.update(
                            attribute.keyword
                            for _, attribute in expand(attribute_table(usage.table_id))
                        )
                    except KeyError:
                        continue
        for keyword, value in entry.get("attributes", {}).items():
            place = (*where, "attributes", keyword)
            try:
                dictionary.lookup(keyword)
            except (KeyError, ValueError):
                self.error(place, f"{keyword!r} is not a Keyword of the data dictionary (PS3.6)")
                continue
            if keywords and keyword not in keywords:
                self.warning(
                    place,
                    f"{keyword} is not an Attribute of the {ref.name if ref else ''} IOD; it is listed as declared but appears in no Module table",
                )
            attributes[keyword] = _attribute_declaration(value)
        samples = tuple((self.path.parent / sample) for sample in entry.get("samples", []))
        for number, sample in enumerate(samples):
            if not sample.exists():
                self.error((*where, "samples", number), f"sample {str(sample)!r} does not exist")
        if ref is None:
            ref = SOPClassRef("", entry["sop_class"], "", False, None)
        return CreatedSOPClass(
            ref,
            entry.get("kind", "S"),
            entry.get("description", ""),
            tuple(modules),
            attributes,
            samples,
        )


def _attribute_declaration(value: Any) -> AttributeDeclaration:
    if isinstance(value, str):
        return AttributeDeclaration(
            tuple(part.strip() for part in value.split(";") if part.strip())
        )
    if isinstance(value, list):
        return AttributeDeclaration(tuple(value))
    return AttributeDeclaration(
        tuple(value.get("source", ())),
        value.get("value", ""),
        value.get("presence", ""),
        value.get("condition", ""),
        value.get("comment", ""),
    )


def _parameters(rows: list[dict[str, Any]]) -> list[Parameter]:
    return [
        Parameter(
            row["parameter"],
            row["configurable"],
            str(row.get("default", "")),
            row.get("comment", ""),
            bool(row.get("remote", False)),
        )
        for row in rows
    ]


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"
