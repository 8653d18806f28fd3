"""dicomstd: the DICOM standard compiled into typed Python."""
