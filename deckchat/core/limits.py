"""The limits ingestion enforces: plain data in core, so ingest needs no settings import and settings
import no stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_upload_bytes: int = 200 * 1024 * 1024
    max_notes_bytes: int = 25 * 1024 * 1024
    max_slides: int = 500
    max_unzipped_bytes: int = 1024 * 1024 * 1024
    max_zip_ratio: float = 200.0
    max_zip_entries: int = 20_000
    max_page_side_pt: float = 14_400.0  # the PDF spec's own limit (200 inches)
    max_page_aspect: float = 20.0
