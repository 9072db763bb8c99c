"""Receive a multipart upload straight into files under DECKCHAT_HOME, enforcing size limits as bytes arrive.

Starlette's form parser spools whole files into the system temp dir before a route sees them; a 10 GB
upload would be written out in full before we could refuse it. This parser stops at the limit.

Everything it keeps in memory is bounded as it arrives, sent in chunks or not: the headers of a part,
the number of text fields and their bytes together, and the body as a whole. Each part is a deck, a
notes file or a text field, and each kind is counted, so the number of parts is bounded too.
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
from deckchat.ingest.validate import SourceFile
from deckchat.settings import Settings

MAX_NOTES_FILES = 20
_MAX_FIELD_BYTES = 16 * 1024
_MAX_HEADER_BYTES = 8 * 1024  # one part's headers together: a name, a file name, a type are enough
_BOUNDARY_BYTES = 256  # what a part costs besides its headers and data: boundary lines, CRLFs
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
    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder, self.limits, self.settings = folder, settings.limits, settings
        self.upload = Upload()
        self.part = _Part()
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.header_bytes = 0
        self.headers: dict[str, bytes] = {}
        self.field_count = 0
        self.field_bytes = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda d, s, e: self.on_header_bytes(self.header_field, d[s:e]),
            "on_header_value": lambda d, s, e: self.on_header_bytes(self.header_value, d[s:e]),
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self.part, self.headers, self.header_bytes = _Part(), {}, 0

    def on_header_bytes(self, into: bytearray, data: bytes) -> None:
        self.header_bytes += len(data)
        if self.header_bytes > _MAX_HEADER_BYTES:
            raise TooLarge(
                f"A part of the upload has over {_MAX_HEADER_BYTES // 1024} KiB of headers.",
                code="part_headers_too_large",
            )
        into.extend(data)

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
            return
        self.field_count += 1
        if self.field_count > self.settings.max_form_fields:
            raise TooLarge(
                f"Send at most {self.settings.max_form_fields} text fields with a deck.",
                code="too_many_fields",
            )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        part.size += end - start
        if part.sink is None:
            self.field_bytes += end - start
            if part.size > _MAX_FIELD_BYTES:
                raise InvalidInput(f"The form field {part.name[:40]!r} is too long.", code="field_too_long")
            if self.field_bytes > self.settings.max_form_bytes:
                raise TooLarge(
                    f"The upload's text fields are over {self.settings.max_form_bytes // 1024} KiB together.",
                    code="fields_too_large",
                )
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


def _largest_body(settings: Settings) -> int:
    """The most bytes an upload within every other limit can take: each of its parts at their largest."""
    limits = settings.limits
    parts = 1 + MAX_NOTES_FILES + settings.max_form_fields
    files = limits.max_upload_bytes + MAX_NOTES_FILES * limits.max_notes_bytes
    return files + settings.max_form_bytes + parts * (_MAX_HEADER_BYTES + _BOUNDARY_BYTES)


async def receive_upload(request: Request, folder: Path, settings: Settings) -> Upload:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput(
            "Upload the deck as multipart/form-data with a 'deck' file field.", code="not_multipart"
        )
    ceiling = _largest_body(settings)
    too_large = TooLarge(f"The upload is larger than the {ceiling / 1e6:.0f} MB limit.", code="too_large")
    declared = request.headers.get("content-length") or "0"
    if not declared.isdigit() or int(declared) > ceiling:
        raise too_large
    receiver = _Receiver(folder, settings)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():  # a chunked body declares no length: count it as it comes
            received += len(chunk)
            if received > ceiling:
                raise too_large
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
