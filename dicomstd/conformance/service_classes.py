"""Which DICOM Service Class a SOP Class belongs to, and which roles that Service Class has.

A committed table, keyed by SOP Class UID (or UID prefix, or the name PS3.6 Annex A gives the
SOP Class), with the annex of PS3.4 that defines the Service Class. Every DIMSE Service Class of
PS3.4 has the roles SCU and SCP (PS3.4 Section 6.1 defines a Service Class as served by an SCU
and an SCP); the Storage SOP Classes also have the media roles of the Media Storage Service Class
(PS3.4 Annex I; PS3.10 Section 7: File-set Creator, Reader, Updater), and the Media Storage
Directory SOP Class has only those: it is exchanged on media, never over the network
(PS3.10 Section 8.6, PS3.4 Annex I).

Which group of the PS3.2 template's overview a Service Class is listed in (PS3.2 Annex N
Section N.1.1: Storage; N.1.2.1: Verification; N.1.2.3: Workflow Management; N.1.2.4:
Query/Retrieve; N.1.2.5: Printing) is ``overview``; Service Classes the template does not name
are listed in an added table at the end of N.1.2, as the template asks for additions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DIMSE_ROLES",
    "MEDIA_ROLES",
    "MEDIA_STORAGE_DIRECTORY",
    "ServiceClass",
    "is_storage",
    "service_class",
]

DIMSE_ROLES = frozenset({"SCU", "SCP"})
"""The roles of a DIMSE Service Class (PS3.4 Section 6.1, PS3.7 Section 6)."""
MEDIA_ROLES = frozenset({"FSC", "FSR", "FSU"})
"""The roles on media: File-set Creator, Reader, Updater (PS3.10 Section 7, PS3.11)."""

MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"
"""The Media Storage Directory Storage SOP Class (the DICOMDIR, PS3.10 Section 8.6)."""


@dataclass(frozen=True, slots=True)
class ServiceClass:
    """A Service Class of PS3.4.

    Attributes:
        name: as PS3.4 names it (``Storage``).
        reference: where PS3.4 defines it (``PS3.4 Annex B``).
        network_roles: the roles it has on an Association (``SCU``, ``SCP``); empty for
            the Media Storage Directory SOP Class.
        media_roles: the roles it has on media (``FSC``, ``FSR``, ``FSU``); empty where its
            SOP Classes are not exchanged on media.
        overview: the table of the PS3.2 template's overview listing it: ``storage``,
            ``verification``, ``workflow``, ``query-retrieve``, ``print`` or ``other``.
        dimse: the DIMSE services its SCU invokes (PS3.7), for the statement's prose.
    """

    name: str
    reference: str
    network_roles: frozenset[str]
    media_roles: frozenset[str]
    overview: str
    dimse: str

    @property
    def roles(self) -> frozenset[str]:
        """Every role, on the network and on media."""
        return self.network_roles | self.media_roles


def _dimse(name: str, annex: str, overview: str, dimse: str) -> ServiceClass:
    return ServiceClass(name, f"PS3.4 Annex {annex}", DIMSE_ROLES, frozenset(), overview, dimse)


VERIFICATION = _dimse("Verification", "A", "verification", "C-ECHO")
STORAGE = ServiceClass("Storage", "PS3.4 Annex B", DIMSE_ROLES, MEDIA_ROLES, "storage", "C-STORE")
NON_PATIENT_STORAGE = ServiceClass(
    "Non-Patient Object Storage", "PS3.4 Annex GG", DIMSE_ROLES, MEDIA_ROLES, "storage", "C-STORE"
)
MEDIA_STORAGE = ServiceClass(
    "Media Storage", "PS3.4 Annex I", frozenset(), MEDIA_ROLES, "storage", ""
)
QUERY_RETRIEVE = _dimse("Query/Retrieve", "C", "query-retrieve", "C-FIND, C-MOVE, C-GET")
COMPOSITE_ROOT_RETRIEVE = _dimse(
    "Composite Instance Root Retrieve", "Y", "query-retrieve", "C-MOVE, C-GET"
)
WITHOUT_BULK_DATA = _dimse(
    "Composite Instance Retrieve Without Bulk Data", "Z", "query-retrieve", "C-GET"
)
PROCEDURE_STEP = _dimse(
    "Procedure Step (Modality Performed Procedure Step)",
    "F",
    "workflow",
    "N-CREATE, N-SET, N-GET, N-EVENT-REPORT",
)
PRINT = _dimse("Print Management", "H", "print", "N-CREATE, N-SET, N-GET, N-ACTION, N-DELETE")
STORAGE_COMMITMENT = _dimse("Storage Commitment", "J", "workflow", "N-ACTION, N-EVENT-REPORT")
WORKLIST = _dimse("Basic Worklist Management", "K", "workflow", "C-FIND")
EVENT_LOGGING = _dimse("Application Event Logging", "P", "other", "N-ACTION")
RELEVANT_PATIENT = _dimse("Relevant Patient Information Query", "Q", "other", "C-FIND")
AVAILABILITY = _dimse("Instance Availability Notification", "R", "workflow", "N-CREATE")
MEDIA_CREATION = _dimse("Media Creation Management", "S", "other", "N-CREATE, N-ACTION, N-GET")
HANGING_QR = _dimse(
    "Hanging Protocol Query/Retrieve", "U", "query-retrieve", "C-FIND, C-MOVE, C-GET"
)
SUBSTANCE_QUERY = _dimse("Substance Administration Query", "V", "other", "C-FIND")
PALETTE_QR = _dimse("Color Palette Query/Retrieve", "X", "query-retrieve", "C-FIND, C-MOVE, C-GET")
IMPLANT_QR = _dimse(
    "Implant Template Query/Retrieve", "BB", "query-retrieve", "C-FIND, C-MOVE, C-GET"
)
UPS = _dimse(
    "Unified Procedure Step",
    "CC",
    "workflow",
    "N-CREATE, N-SET, N-GET, N-ACTION, N-EVENT-REPORT, C-FIND",
)
MACHINE_VERIFICATION = _dimse(
    "RT Machine Verification", "DD", "other", "N-CREATE, N-SET, N-GET, N-ACTION, N-EVENT-REPORT"
)
DISPLAY_SYSTEM = _dimse("Display System Management", "EE", "other", "N-GET")
PROTOCOL_QR = _dimse(
    "Defined Procedure Protocol Query/Retrieve", "HH", "query-retrieve", "C-FIND, C-MOVE, C-GET"
)
APPROVAL_QR = _dimse(
    "Protocol Approval Query/Retrieve", "II", "query-retrieve", "C-FIND, C-MOVE, C-GET"
)
INVENTORY_QR = _dimse("Inventory Query/Retrieve", "JJ", "query-retrieve", "C-FIND, C-MOVE, C-GET")
STORAGE_MANAGEMENT = _dimse("Storage Management", "KK", "other", "N-ACTION, N-EVENT-REPORT")

# SOP Classes named one by one: the Service Classes whose SOP Classes share no prefix or name.
_BY_UID: dict[str, ServiceClass] = {
    "1.2.840.10008.1.1": VERIFICATION,
    MEDIA_STORAGE_DIRECTORY: MEDIA_STORAGE,
    "1.2.840.10008.1.20.1": STORAGE_COMMITMENT,
    "1.2.840.10008.1.20.2": STORAGE_COMMITMENT,  # Pull Model (retired)
    "1.2.840.10008.1.40": EVENT_LOGGING,
    "1.2.840.10008.1.42": EVENT_LOGGING,
    "1.2.840.10008.3.1.2.3.3": PROCEDURE_STEP,
    "1.2.840.10008.3.1.2.3.4": PROCEDURE_STEP,
    "1.2.840.10008.3.1.2.3.5": PROCEDURE_STEP,
    "1.2.840.10008.5.1.1.33": MEDIA_CREATION,
    "1.2.840.10008.5.1.1.40": DISPLAY_SYSTEM,
    "1.2.840.10008.5.1.4.31": WORKLIST,
    "1.2.840.10008.5.1.4.33": AVAILABILITY,
    "1.2.840.10008.5.1.4.34.8": MACHINE_VERIFICATION,
    "1.2.840.10008.5.1.4.34.9": MACHINE_VERIFICATION,
    "1.2.840.10008.5.1.4.41": SUBSTANCE_QUERY,
    "1.2.840.10008.5.1.4.42": SUBSTANCE_QUERY,
    "1.2.840.10008.5.1.4.1.2.4.2": COMPOSITE_ROOT_RETRIEVE,
    "1.2.840.10008.5.1.4.1.2.4.3": COMPOSITE_ROOT_RETRIEVE,
    "1.2.840.10008.5.1.4.1.2.5.3": WITHOUT_BULK_DATA,
    "1.2.840.10008.5.1.4.1.1.201.6": QUERY_RETRIEVE,  # Repository Query (PS3.4 Section C.6.4)
    "1.2.840.10008.5.1.4.1.1.201.5": STORAGE_MANAGEMENT,  # Inventory Creation
}

# UID prefixes (a component boundary follows): the SOP Classes PS3.4 numbers under one arc.
_BY_PREFIX: tuple[tuple[str, ServiceClass], ...] = (
    ("1.2.840.10008.5.1.4.1.2.", QUERY_RETRIEVE),  # Patient/Study/Patient-Study Root
    ("1.2.840.10008.5.1.1.", PRINT),
    ("1.2.840.10008.5.1.4.34.", UPS),  # after the RT Machine Verification UIDs above
    ("1.2.840.10008.5.1.4.37.", RELEVANT_PATIENT),
    ("1.2.840.10008.5.1.4.38.", HANGING_QR),
    ("1.2.840.10008.5.1.4.39.", PALETTE_QR),
    ("1.2.840.10008.5.1.4.43.", IMPLANT_QR),
    ("1.2.840.10008.5.1.4.44.", IMPLANT_QR),
    ("1.2.840.10008.5.1.4.45.", IMPLANT_QR),
    ("1.2.840.10008.5.1.4.20.", PROTOCOL_QR),
)

# The arcs of the Non-Patient Object Storage SOP Classes (PS3.4 Annex GG).
_NON_PATIENT_ARCS = (
    "1.2.840.10008.5.1.4.38.",
    "1.2.840.10008.5.1.4.39.",
    "1.2.840.10008.5.1.4.43.",
    "1.2.840.10008.5.1.4.44.",
    "1.2.840.10008.5.1.4.45.",
    "1.2.840.10008.5.1.4.1.1.200.",
    "1.2.840.10008.5.1.4.1.1.201.",
)

# Query/Retrieve information models numbered under a Storage arc, by the end of their name.
_QUERY_NAME_ENDINGS = (" - FIND", " - MOVE", " - GET")


def _registry_entry(uid: str) -> tuple[str, str] | None:
    from dicomstd.generated.uids import UID_REGISTRY

    entry = UID_REGISTRY.get(uid)
    return None if entry is None else (entry.name, entry.uid_type)


def is_storage(uid: str) -> bool:
    """True when ``uid`` is a Storage SOP Class: PS3.4 names its IOD
    (:data:`dicomstd.generated.iod_index.SOP_CLASS_IODS`) and PS3.6 Annex A names it "...
    Storage" (which leaves out Inventory Creation, a Storage Management SOP Class, and the
    Media Storage Directory, which is exchanged on media only)."""
    from dicomstd.generated.iod_index import SOP_CLASS_IODS

    found = _registry_entry(uid)
    return (
        uid in SOP_CLASS_IODS
        and uid != MEDIA_STORAGE_DIRECTORY
        and found is not None
        and found[0].endswith("Storage")
    ) or (
        # A retired Storage SOP Class has no IOD in PS3.4 any more; its arc and name say it.
        found is not None
        and uid.startswith("1.2.840.10008.5.1.4.1.1.")
        and "Storage" in found[0]
    )


@lru_cache(maxsize=None)
def service_class(uid: str) -> ServiceClass | None:
    """The Service Class of SOP Class ``uid``, ``None`` where this table knows none (a
    private SOP Class, a Meta SOP Class other than Print's, a DICOS/DICONDE class, or a
    Real-Time Communication SOP Class of PS3.22, which is not a DIMSE service)."""
    if uid in _BY_UID:
        return _BY_UID[uid]
    found = _registry_entry(uid)
    if found is not None and found[1] == "SOP Class" and is_storage(uid):
        # Hanging Protocols, Color Palettes, Implant Templates, Protocols and Inventories
        # are Non-Patient Objects (PS3.4 Annex GG); every other Storage SOP Class is Annex B's.
        if uid.startswith(_NON_PATIENT_ARCS):
            return NON_PATIENT_STORAGE
        return STORAGE
    if found is not None and found[0].endswith(_QUERY_NAME_ENDINGS):
        if uid.startswith("1.2.840.10008.5.1.4.1.1.200."):
            return APPROVAL_QR
        if uid.startswith("1.2.840.10008.5.1.4.1.1.201."):
            return INVENTORY_QR
    for prefix, service in _BY_PREFIX:
        if uid.startswith(prefix):
            return service
    return None
