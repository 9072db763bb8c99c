"""Receive a multipart upload straight into files under DECKCHAT_HOME, enforcing size limits as bytes arrive.

Starlette's form parser spools whole files into the system temp dir before a route sees them; a 10 GB
upload would be written out in full before we could refuse it. This parser stops at the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from deckchat.core.errors import InvalidInput, TooLarge
from deckchat.ingest.limits import Limits
from deckchat.ingest.validate import SourceFile

MAX_NOTES_FILES = 20
_MAX_FIELD_BYTES = 16 * 1024
_FILE_FIELDS = {"deck", "notes"}


@dataclass
class Upload:
    deck: SourceFile | None = None
    notes: list[SourceFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    size: int = 0
    sink: BinaryIO | None = None
    data: bytearray = field(default_factory=bytearray)


class _Receiver:
    def __init__(self, folder: Path, limits: Limits) -> None:
        self.folder, self.limits = folder, limits
        self.upload = Upload()
        self.part = _Part()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[str, bytes] = {}

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda d, s, e: self.header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self.part, self.headers = _Part(), {}

    def on_header_end(self) -> None:
        self.headers[self.header_field.decode("latin-1").lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get("content-disposition", b""))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_name = options.get(b"filename")
        if self.part.name in _FILE_FIELDS:
            self.part.filename = _safe_filename(raw_name.decode("utf-8", "replace") if raw_name else "")
            if self.part.name == "deck" and self.upload.deck is not None:
                raise InvalidInput("Send one deck per upload.", code="too_many_decks")
            if self.part.name == "notes" and len(self.upload.notes) >= MAX_NOTES_FILES:
                raise InvalidInput(f"Send at most {MAX_NOTES_FILES} notes files.", code="too_many_notes")
            index = len(self.upload.notes) if self.part.name == "notes" else 0
            self.part.sink = (self.folder / f"{self.part.name}-{index}").open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        part.size += end - start
        if part.sink is None:
            if part.size > _MAX_FIELD_BYTES:
                raise InvalidInput(f"The form field {part.name!r} is too long.", code="field_too_long")
            part.data.extend(data[start:end])
            return
        limit = self.limits.max_upload_bytes if part.name == "deck" else self.limits.max_notes_bytes
        if part.size > limit:
            raise TooLarge(
                f"{part.filename} is larger than the {limit / 1e6:.0f} MB limit for "
                f"{'decks' if part.name == 'deck' else 'notes files'}.",
                code="too_large",
            )
        part.sink.write(data[start:end])

    def on_part_end(self) -> None:
        part = self.part
        if part.sink is None:
            self.upload.fields[part.name] = part.data.decode("utf-8", "replace")
            return
        part.sink.close()
        source = SourceFile(Path(part.sink.name), part.filename or part.name)
        if part.name == "deck":
            self.upload.deck = source
        else:
            self.upload.notes.append(source)

    def close(self) -> None:
        if self.part.sink is not None:
            self.part.sink.close()


def _safe_filename(name: str) -> str:
    """The user's file name, for display and format checks only: never used as a path."""
    base = re.split(r"[\\/]", name)[-1]
    return re.sub(r"[\x00-\x1f]", "", base)[:200] or "upload"


async def receive_upload(request: Request, folder: Path, limits: Limits) -> Upload:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput(
            "Upload the deck as multipart/form-data with a 'deck' file field.", code="not_multipart"
        )
    declared = int(request.headers.get("content-length") or 0)
    ceiling = limits.max_upload_bytes + MAX_NOTES_FILES * limits.max_notes_bytes
    if declared > ceiling:
        raise TooLarge(f"The upload is larger than the {ceiling / 1e6:.0f} MB limit.", code="too_large")
    receiver = _Receiver(folder, limits)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise InvalidInput(
            f"The upload is not valid multipart/form-data ({exc}).", code="malformed_upload"
        ) from None
    finally:
        receiver.close()
    if receiver.upload.deck is None:
        raise InvalidInput("The upload has no 'deck' file field.", code="deck_missing")
    return receiver.upload
