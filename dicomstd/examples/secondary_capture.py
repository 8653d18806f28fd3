"""A Secondary Capture Image from scratch: an 8-bit 32 × 32 monochrome test pattern."""

from __future__ import annotations

from dicomstd.generated.classes.secondary_capture_image import SecondaryCaptureImage


def secondary_capture() -> SecondaryCaptureImage:
    """A complete Secondary Capture Image (Workstation conversion, no pixel spacing)."""
    rows, columns = 32, 32
    pixels = bytes((r * 8 + c * 4) % 256 for r in range(rows) for c in range(columns))
    sc = SecondaryCaptureImage(
        patient_name="Doe^John",
        patient_id="DICOMSTD-0002",
        patient_birth_date="",
        patient_sex="M",
        study_date="20240102",
        study_time="093000",
        referring_physician_name="",
        study_id="2",
        accession_number="",
        modality="OT",
        series_number=1,
        conversion_type="WSD",
        instance_number=1,
        patient_orientation=None,
        content_date="20240102",
        content_time="093000",
        image_type=["DERIVED", "SECONDARY"],
        image_laterality="U",
        samples_per_pixel=1,
        photometric_interpretation="MONOCHROME2",
        rows=rows,
        columns=columns,
        bits_allocated=8,
        bits_stored=8,
        high_bit=7,
        pixel_representation=0,
        pixel_data=pixels,
    )
    return sc.new_uids()


if __name__ == "__main__":
    from dicomstd.examples._write import write

    write(secondary_capture(), "secondary_capture.dcm")
