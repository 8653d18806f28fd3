"""Typed IOD classes at run time: the base classes of :mod:`dicomstd.generated.classes`.

Each generated IOD class (``CTImage``, ``BasicTextSR``...) is a pydicom ``Dataset`` whose
Attributes are typed by **bare class annotations** named by the standard's Keywords, never by
properties (a property named by a Keyword would hide the element on read under pydicom 3,
and its setter would never run): pydicom's own ``__getattr__``/``__setattr__`` still store
and find every value, so saving, reading, copying and pickling work as for any Dataset.

An annotation is an :class:`Element` ``[what reading gives, what assigning accepts]``,
a descriptor type that exists only for the type checker (no class attribute is created)::

    PatientName: Element[PersonName, PersonName | str | None]
    PatientSex: Element[str, Literal["M", "F", "O"] | None]

What a type checker (mypy, strict) then reports on a generated class:

- a wrong value type, in the constructor or in an assignment (``ct.Rows = "512"``);
- a misspelled Keyword: an unknown constructor argument (``CTImage(patinet_name=...)``), an
  assignment to an Attribute that is not the IOD's (``ct.PatinetName = ...``; typed as
  ``Never``) and a read of one (``ct.PatinetName``);
- an Enumerated Value that is not one of the standard's, where the Enumerated Values apply
  to every Value of the Attribute (``patient_sex="X"``);
- an empty value (``None``) for an Attribute that is Type 1 or 1C wherever the IOD has it.

What it cannot report (checked at run time by :meth:`IODDataset.missing` and
:meth:`IODDataset.validate`): a required Attribute left out, conditions, value formats
(``"2024-01-01"`` for a DA), VM, Enumerated Values that apply to one Value only (Value 1
of Image Type), Defined Terms, and anything accessed through ``ds[tag]``, ``getattr`` or a
plain ``Dataset``. Attributes the IOD does not define are reached with ``ds["Keyword"]``,
``ds.add_new`` or ``setattr``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset

if TYPE_CHECKING:
    from typing import Never, Self

    from dicomstd.validate.findings import Report

__all__ = [
    "Element",
    "IODDataset",
    "Missing",
    "TypedDataset",
    "class_for_sop_class",
    "read",
    "snake_case",
    "sop_class_uid",
]

Get = TypeVar("Get", covariant=True)
Set = TypeVar("Set", contravariant=True)


class Element(Generic[Get, Set]):
    """The type of a Keyword Attribute of a generated class, for the type checker only:
    reading gives ``Get``, assigning accepts ``Set``.

    Generated classes only annotate with it (``PatientName: Element[PersonName, str]``);
    no instance is ever made, so pydicom's ``Dataset`` keeps handling every Keyword.
    """

    @overload
    def __get__(self, instance: None, owner: Any) -> Element[Get, Set]: ...

    @overload
    def __get__(self, instance: object, owner: Any) -> Get: ...

    def __get__(self, instance: object, owner: Any) -> Any:
        raise NotImplementedError  # never called: generated classes only annotate

    def __set__(self, instance: object, value: Set) -> None:
        raise NotImplementedError  # never called: generated classes only annotate


_FIRST = re.compile(r"([A-Z]+)([A-Z][a-z])")
_SECOND = re.compile(r"([a-z0-9])([A-Z])")


def snake_case(keyword: str) -> str:
    """The constructor argument of a Keyword: ``SOPClassUID`` → ``sop_class_uid``,
    ``PatientName`` → ``patient_name`` (the generator and the constructor both use this)."""
    import keyword as python_keywords

    text = _SECOND.sub(r"\1_\2", _FIRST.sub(r"\1_\2", keyword)).lower()
    return text + "_" if python_keywords.iskeyword(text) else text


_ARGUMENTS: dict[type, dict[str, str]] = {}


def _keywords_of(cls: type) -> dict[str, str]:
    """Constructor argument → Keyword, from the class's own ``Element`` annotations."""
    found = _ARGUMENTS.get(cls)
    if found is None:
        found = {}
        for klass in reversed(cls.__mro__):
            for name, annotation in vars(klass).get("__annotations__", {}).items():
                if isinstance(annotation, str) and annotation.startswith("Element["):
                    found[snake_case(name)] = name
        _ARGUMENTS[cls] = found
    return found


@dataclass(frozen=True)
class Missing:
    """An Attribute, Module or Functional Group that is required but absent (or empty
    where Type 1).

    Attributes:
        path: where, with Item indices (``ContentSequence[0].ConceptNameCodeSequence``).
        keyword: the Attribute's Keyword (``""`` for a whole Module or Functional Group).
        type: its Type (``1``, ``1C``, ``2``, ``2C``), or ``M`` for a Module or Functional
            Group.
        source: the table that requires it (``PS3.3 Table C.7-1``).
        reason: the condition's sentence, or what the validator says.
    """

    path: str
    keyword: str
    type: str
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path} (Type {self.type}, {self.source}): {self.reason}"


class TypedDataset(Dataset):
    """Base of every generated class (Module, Macro and Item classes; IOD classes through
    :class:`IODDataset`): keyword-only snake_case constructor arguments stored under their
    Keywords, strict Keyword access for the type checker, and Sequence Items of generated
    Item classes on read."""

    SOURCE: ClassVar[str] = ""
    """Where PS3.3 defines it (``PS3.3 2024c Table C.7-1``)."""

    # Keyword → "module:Class" of the Item class of each Sequence Attribute (generated).
    _ITEM_CLASSES: ClassVar[dict[str, str]] = {}

    if TYPE_CHECKING:
        # For the type checker only: an assignment to, or a read of, an attribute the class
        # does not declare is an error (pydicom's Dataset accepts any name).
        def __setattr__(self, name: str, value: Never) -> None: ...

        __getattr__: None  # type: ignore[misc, assignment]

        preamble: bytes | None
        filename: str

    def __init__(self, **arguments: Any) -> None:
        """Store each argument under its Keyword (``patient_name`` → ``PatientName``);
        ``None`` stores an empty value (Type 2).

        Raises:
            TypeError: an argument names no Attribute of this class.
        """
        super().__init__()
        keywords = _keywords_of(type(self))
        for name, value in arguments.items():
            keyword = keywords.get(name)
            if keyword is None:
                raise TypeError(
                    f"{type(self).__name__}() got an unexpected keyword argument {name!r}"
                )
            Dataset.__setattr__(self, keyword, value)

    # pydicom reads a Sequence's Items as plain Datasets; the Items of a typed Dataset are
    # given the generated Item class of their Sequence when first reached (a class change
    # only: nothing is re-encoded).
    @overload
    def __getitem__(self, key: slice) -> Dataset: ...

    @overload
    def __getitem__(self, key: Any) -> DataElement: ...

    def __getitem__(self, key: Any) -> Dataset | DataElement:
        found: Dataset | DataElement = super().__getitem__(key)
        if type(found) is DataElement and found.VR == "SQ" and found.value:
            _adopt_items(type(self), found)
        return found

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Self:
        """``dataset`` as this class: a shallow copy that shares its data elements (not
        decoded, not re-encoded), its File Meta Information, preamble and encoding.

        An IOD class checks the SOP Class UID (see :meth:`IODDataset.from_dataset`).
        """
        typed = cls.__new__(cls)
        typed.__dict__.update(dataset.__dict__)
        object.__setattr__(typed, "_dict", dict(dataset._dict))
        return typed

    def typed_items(self) -> Iterator[TypedDataset]:
        """Every Item of every Sequence, recursively, as its generated class."""
        for element in list(self):
            if element.VR == "SQ":
                for item in self[element.tag].value:
                    if isinstance(item, TypedDataset):
                        yield item
                        yield from item.typed_items()


def _resolve(reference: str) -> type[TypedDataset] | None:
    module, _, name = reference.partition(":")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return found if isinstance(found, type) and issubclass(found, TypedDataset) else None


# (owner class, Sequence Keyword) -> its Item class: every read of a Sequence of a typed
# Dataset asks, and the generated classes do not change at run time.
_ITEM_CLASS_CACHE: dict[tuple[type, str], type[TypedDataset] | None] = {}


def _item_class(owner: type[TypedDataset], keyword: str) -> type[TypedDataset] | None:
    """The generated Item class of ``owner``'s Sequence ``keyword`` (``None``: none)."""
    key = (owner, keyword)
    if key not in _ITEM_CLASS_CACHE:
        _ITEM_CLASS_CACHE[key] = _find_item_class(owner, keyword)
    return _ITEM_CLASS_CACHE[key]


def _find_item_class(owner: type[TypedDataset], keyword: str) -> type[TypedDataset] | None:
    reference = next(
        (
            found
            for klass in owner.__mro__
            if (found := vars(klass).get("_ITEM_CLASSES", {}).get(keyword)) is not None
        ),
        None,
    )
    return None if reference is None else _resolve(reference)


def _adopt_items(owner: type[TypedDataset], element: DataElement) -> None:
    try:
        item_class = _item_class(owner, element.keyword)
        if item_class is None:
            return
        for item in element.value:
            if type(item) is Dataset:
                item.__class__ = item_class
    except Exception:  # noqa: BLE001 - reading stays reading: never fail on odd content
        return


class IODDataset(TypedDataset):
    """Base of the generated IOD classes: a pydicom ``Dataset`` with the IOD's SOP Class.

    Class constants (generated): :attr:`SOP_CLASS_UID`, :attr:`SOP_CLASS_UIDS`,
    :attr:`IOD_NAME`, :attr:`IOD_TABLE`, :attr:`SOURCE`.
    """

    SOP_CLASS_UID: ClassVar[str] = ""
    """The SOP Class UID set by the constructor (the first SOP Class of PS3.4 using the IOD)."""
    SOP_CLASS_UIDS: ClassVar[tuple[str, ...]] = ()
    """Every SOP Class that uses the IOD (PS3.4)."""
    IOD_NAME: ClassVar[str] = ""
    """The IOD's name in PS3.3 (``CT Image``)."""
    IOD_TABLE: ClassVar[str] = ""
    """The IOD's module table id (``table_A.3-1``)."""
    SOURCE: ClassVar[str] = ""
    """``PS3.3 2024c Table A.3-1``."""

    def __init__(self, **arguments: Any) -> None:
        """Store each argument under its Keyword; SOP Class UID defaults to
        :attr:`SOP_CLASS_UID`. See :class:`TypedDataset`."""
        super().__init__(**arguments)
        if "SOPClassUID" not in self and self.SOP_CLASS_UID:
            Dataset.__setattr__(self, "SOPClassUID", self.SOP_CLASS_UID)

    @classmethod
    def from_dataset(cls, dataset: Dataset, *, check: bool = True) -> Self:
        """``dataset`` as this IOD class (a shallow copy sharing its data elements, File
        Meta Information, preamble and encoding, so it saves back byte for byte).

        Raises:
            ValueError: with ``check``, the SOP Class UID of ``dataset`` is not one of
                :attr:`SOP_CLASS_UIDS`.
        """
        if check:
            uid = sop_class_uid(dataset)
            if uid not in cls.SOP_CLASS_UIDS:
                raise ValueError(
                    f"SOP Class UID {uid or '(absent)'} is not a SOP Class of the "
                    f"{cls.IOD_NAME} IOD ({', '.join(cls.SOP_CLASS_UIDS)})"
                )
        return super().from_dataset(dataset)

    def new_uids(self, *, overwrite: bool = False, prefix: str | None = None) -> Self:
        """Give new UIDs (pydicom's ``generate_uid``) to SOP Instance UID, Study and Series
        Instance UID, and Frame of Reference UID where the IOD's Frame of Reference Module is
        mandatory, where they are absent (all of them with ``overwrite``). Returns ``self``."""
        from pydicom.uid import PYDICOM_ROOT_UID, generate_uid

        from dicomstd.iods import iod

        keywords = set(_keywords_of(type(self)).values())
        wanted = ["SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"]
        modules = {usage.module: usage.usage for usage in iod(self.IOD_TABLE).modules}
        if modules.get("Frame of Reference") == "M":
            wanted.append("FrameOfReferenceUID")
        for keyword in wanted:
            if keyword in keywords and (overwrite or keyword not in self):
                Dataset.__setattr__(
                    self, keyword, generate_uid(prefix if prefix is not None else PYDICOM_ROOT_UID)
                )
        return self

    def with_file_meta(self, transfer_syntax_uid: str = "1.2.840.10008.1.2.1") -> Self:
        """Give the Data Set File Meta Information (PS3.10 Section 7.1) for the Transfer
        Syntax (default Explicit VR Little Endian) and a preamble, so that
        ``save_as(path, enforce_file_format=True)`` writes a DICOM file. Gives a SOP Instance
        UID first if there is none. Returns ``self``."""
        from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, UID

        from dicomstd import __version__

        if "SOPInstanceUID" not in self:
            self.new_uids()
        meta = FileMetaDataset()
        meta.FileMetaInformationVersion = b"\x00\x01"
        meta.MediaStorageSOPClassUID = self[0x00080016].value
        meta.MediaStorageSOPInstanceUID = self[0x00080018].value
        meta.TransferSyntaxUID = UID(transfer_syntax_uid)
        meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
        meta.ImplementationVersionName = f"DICOMSTD_{__version__}"[:16]
        Dataset.__setattr__(self, "file_meta", meta)
        Dataset.__setattr__(self, "preamble", b"\x00" * 128)
        return self

    def validate(self) -> Report:
        """Validate with :func:`dicomstd.validate.validate` against this class's IOD."""
        from dicomstd.validate import validate

        return validate(self, iod=self.IOD_TABLE)

    def missing(self) -> list[Missing]:
        """What is still required and absent (or empty where Type 1), as the validator
        (:mod:`dicomstd.validate`) finds it: Attributes by Type (1 and 2; 1C and 2C whose
        condition evaluates TRUE) in the Modules the IOD requires (Usage M, C whose condition
        is TRUE, any Module present) and in every Item present, Modules of Usage M or C, and
        the Functional Groups of an enhanced IOD. Conditions the data cannot decide are not
        listed (the validator reports them as not verifiable).
        """
        from dicomstd.iods import iod
        from dicomstd.validate.engine import validate_dataset

        report = validate_dataset(self, source="<dataset>", iod=iod(self.IOD_TABLE))
        found: list[Missing] = []
        for finding in report.findings:
            if finding.rule not in _MISSING_RULES:
                continue
            keyword = finding.path.rsplit(".", 1)[-1] if finding.tag else ""
            found.append(
                Missing(
                    path=finding.path or finding.module,
                    keyword=keyword,
                    type=_MISSING_RULES[finding.rule],
                    source=finding.reference.label if finding.reference else finding.module,
                    reason=finding.condition or finding.message,
                )
            )
        return found


_MISSING_RULES = {
    "type1-missing": "1",
    "type1-empty": "1",
    "type2-missing": "2",
    "type1c-missing": "1C",
    "type2c-missing": "2C",
    "module-missing": "M",
    "functional-group-missing": "M",
}


def class_for_sop_class(sop_class_uid: str) -> type[IODDataset]:
    """The generated IOD class of a SOP Class (imports its module).

    Raises:
        KeyError: no generated class uses that SOP Class.
    """
    from dicomstd.generated.classes import SOP_CLASS_CLASSES

    try:
        module, name = SOP_CLASS_CLASSES[sop_class_uid.strip("\x00 ")]
    except KeyError:
        raise KeyError(f"no generated IOD class for SOP Class {sop_class_uid!r}") from None
    found = getattr(importlib.import_module(f"dicomstd.generated.classes.{module}"), name)
    assert isinstance(found, type) and issubclass(found, IODDataset)
    return found


def read(path: Any, **options: Any) -> IODDataset:
    """Read a DICOM file (``pydicom.dcmread(path, **options)``) as the generated class of
    its SOP Class (``CTImage``...), sharing what was read (see
    :meth:`IODDataset.from_dataset`).

    Raises:
        KeyError: no generated class uses the file's SOP Class.
    """
    from pydicom import dcmread

    dataset = dcmread(path, **options)
    uid = sop_class_uid(dataset)
    if not uid and "MediaStorageSOPClassUID" in getattr(dataset, "file_meta", {}):
        uid = str(dataset.file_meta.MediaStorageSOPClassUID)
    return class_for_sop_class(uid).from_dataset(dataset, check=False)


def sop_class_uid(dataset: Dataset) -> str:
    """The SOP Class UID of ``dataset``, ``""`` where absent, read without converting the
    element (an element read as UN stays UN, so the Data Set saves back as it was read)."""
    if 0x00080016 not in dataset:
        return ""
    value = dataset.get_item(0x00080016).value
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value or "").strip("\x00 ")
