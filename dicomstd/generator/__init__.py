"""Build-time half of dicomstd: reads NEMA's publications and emits ``dicomstd.generated``.

Data flows one way: publications → readers (:mod:`.docbook`, :mod:`.chtml`) → the neutral
document model (:mod:`.document`) → extractors (:mod:`.extractors`, one per part) → the
compiled model (:mod:`.model`) → templates and black (:mod:`.emit`) → ``generated/``.
Nothing here is imported by the runtime.
"""
