"""What is this file, really? The format comes from the bytes; the name only has to agree with them.

A wrong extension is the commonest upload mistake, and converters given the wrong format fail with
messages no user can act on, so we look inside first and tell the user what to rename.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from deckchat.core.deck import DeckFormat, NotesFormat
from deckchat.core.errors import InvalidInput, TooLarge, UnsupportedFormat
from deckchat.core.limits import Limits
from deckchat.ingest.cfb import Cfb
from deckchat.ingest.zipsafe import corrupt, open_zip, read_head


class Kind(StrEnum):
    """What the content is; the value is the extension that fits it."""

    PDF = "pdf"
    PPTX = "pptx"
    PPT = "ppt"
    ODP = "odp"
    KEY = "key"
    DOCX = "docx"
    TEXT = "txt"
    HTML = "html"
    DOC = "doc"
    XLS = "xls"
    XLSX = "xlsx"
    ODT = "odt"
    ODS = "ods"
    OLE = "ole"
    ZIP = "zip"
    PNG = "png"
    JPEG = "jpg"
    GIF = "gif"
    WEBP = "webp"


_LABELS = {
    Kind.PDF: "a PDF file",
    Kind.PPTX: "a PowerPoint file (PPTX)",
    Kind.PPT: "an old PowerPoint file (PPT)",
    Kind.ODP: "an OpenDocument presentation (ODP)",
    Kind.KEY: "a Keynote file (KEY)",
    Kind.DOCX: "a Word document (DOCX)",
    Kind.TEXT: "a plain text file",
    Kind.HTML: "a web page (HTML)",
    Kind.DOC: "an old Word document (DOC)",
    Kind.XLS: "an old Excel workbook (XLS)",
    Kind.XLSX: "an Excel workbook (XLSX)",
    Kind.ODT: "an OpenDocument text (ODT)",
    Kind.ODS: "an OpenDocument spreadsheet (ODS)",
    Kind.OLE: "an old-style Office file",
    Kind.ZIP: "a ZIP archive",
    Kind.PNG: "a PNG image",
    Kind.JPEG: "a JPEG image",
    Kind.GIF: "a GIF image",
    Kind.WEBP: "a WebP image",
}
_DECK_EXTENSIONS = {f".{f.value}": f for f in DeckFormat}
_NOTES_EXTENSIONS = {".md": NotesFormat.MARKDOWN, ".markdown": NotesFormat.MARKDOWN, ".txt": NotesFormat.TEXT}
_NOTES_EXTENSIONS |= {".docx": NotesFormat.DOCX, ".pdf": NotesFormat.PDF}
_DECK_KINDS = {Kind(f.value) for f in DeckFormat}
_NOTES_KINDS = {Kind.TEXT, Kind.DOCX, Kind.PDF}
_TEXT_KINDS = {Kind.TEXT, Kind.HTML}  # markdown is text, and may well start with HTML
_TEXT_NOTES = {NotesFormat.MARKDOWN, NotesFormat.TEXT}
_DECKS_WE_TAKE = "upload a deck as PDF, PPTX, PPT, ODP or KEY"
_NOTES_WE_TAKE = "upload notes as MD, TXT, DOCX or PDF"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": Kind.PNG,
    b"\xff\xd8\xff": Kind.JPEG,
    b"GIF87a": Kind.GIF,
    b"GIF89a": Kind.GIF,
}
_TEXT_SAMPLE = 64 * 1024
_ODF_MIMETYPES = {"presentation": Kind.ODP, "text": Kind.ODT, "spreadsheet": Kind.ODS}
_KEYNOTE_MARKERS = ("Index/Document.iwa", "index.apxl", "index.apxl.gz", "Index.zip")
_MANIFEST_BYTES = 1 << 20
_PDF_OBJECT = re.compile(rb"\A(?:%[^\r\n]*[\r\n]+|\s)*\d+ \d+ obj\b")


def sniff_deck(path: Path, filename: str, limits: Limits) -> DeckFormat:
    """The deck's format, from its bytes; raise if they disagree with its name or we can't take it."""
    name = _basename(filename)
    claimed = _DECK_EXTENSIONS.get(Path(name).suffix.lower())
    if claimed is None:
        raise UnsupportedFormat(f"{name} is not a format we take; {_DECKS_WE_TAKE}.")
    _check_size(path, name, limits.max_upload_bytes, "decks")
    kind = _detect(path, name, limits)
    if kind is not None and kind.value == claimed.value:
        return claimed
    raise _mismatch(name, kind, claimed.value, _DECKS_WE_TAKE, kind in _DECK_KINDS)


def sniff_notes(path: Path, filename: str, limits: Limits) -> NotesFormat:
    """The notes file's format, from its bytes; text passes as whichever of MD and TXT its name says."""
    name = _basename(filename)
    claimed = _NOTES_EXTENSIONS.get(Path(name).suffix.lower())
    if claimed is None:
        raise UnsupportedFormat(f"{name} is not a format we take; {_NOTES_WE_TAKE}.")
    _check_size(path, name, limits.max_notes_bytes, "notes files")
    kind = _detect(path, name, limits)
    if kind is not None and (kind.value == claimed.value or (kind in _TEXT_KINDS and claimed in _TEXT_NOTES)):
        return claimed
    raise _mismatch(name, kind, claimed.value, _NOTES_WE_TAKE, kind in _NOTES_KINDS)


def _basename(filename: str) -> str:
    # Browsers on Windows may send "C:\fakepath\slides.pptx"; the user knows the file by its last part.
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def _check_size(path: Path, name: str, limit: int, what: str) -> None:
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(f"{name} is empty; check the file and upload it again.", code="empty_file")
    if size > limit:
        raise TooLarge(
            f"{name} is over the {limit / 2**20:,.0f} MB limit for {what}; "
            "make it smaller (compress images, or split it) and upload it again."
        )


def _mismatch(name: str, kind: Kind | None, claimed: str, we_take: str, takes: bool) -> InvalidInput:
    claimed_upper = claimed.upper()
    if kind is None:
        return UnsupportedFormat(
            f"{name} is not in any format we know (its name says {claimed_upper}); {we_take}."
        )
    if takes:
        return InvalidInput(
            f"{name} is actually {_LABELS[kind]}; rename it to .{kind.value} and upload it again.",
            code="extension_mismatch",
        )
    return InvalidInput(
        f"{name} is actually {_LABELS[kind]}, not the {claimed_upper} file its name says; {we_take}.",
        code="extension_mismatch",
    )


def _detect(path: Path, name: str, limits: Limits) -> Kind | None:
    with path.open("rb") as fp:
        head = fp.read(_TEXT_SAMPLE)
        if head.startswith(_OLE_MAGIC):
            return _ole_kind(fp, path.stat().st_size, name)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path, name, limits)
    for magic, kind in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind.WEBP
    if b"%PDF-" in head[:1024] or _headerless_pdf(head):
        return Kind.PDF
    return _text_kind(head)


def _headerless_pdf(head: bytes) -> bool:
    """PDF objects without the %PDF header: a damaged PDF, which the PDF stage refuses as one, not text."""
    return _PDF_OBJECT.match(head) is not None and b"endobj" in head


def _text_kind(sample: bytes) -> Kind | None:
    """Text if it decodes: UTF-16 with a BOM, else no NULs and UTF-8 or Windows-1252."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(sample, "utf-16")
    elif b"\x00" in sample:
        return None
    else:
        text = _decode(sample, "utf-8") or _decode(sample, "cp1252")
    if text is None:
        return None
    if text.lstrip("\ufeff \t\r\n")[:15].lower().startswith(("<!doctype html", "<html")):
        return Kind.HTML
    return Kind.TEXT


def _decode(sample: bytes, encoding: str) -> str | None:
    # Incremental, so a character cut in half at the end of the sample is not an error.
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def _zip_kind(path: Path, name: str, limits: Limits) -> Kind:
    with open_zip(path, limits, name) as archive:
        names = set(archive.namelist())
        for part, kind in (("ppt/presentation.xml", Kind.PPTX), ("word/document.xml", Kind.DOCX)):
            if part in names:
                return kind
        if "xl/workbook.xml" in names:
            return Kind.XLSX
        odf = _odf_kind(archive, names, name)
        if odf is not None:
            return odf
    return Kind.KEY if _is_keynote(names) else Kind.ZIP


def _odf_kind(archive: zipfile.ZipFile, names: set[str], name: str) -> Kind | None:
    """ODF by its mimetype entry, else by the manifest's root media type; None if not ODF."""
    mimetype = _read(archive, "mimetype", 128, name).strip().decode("ascii", "replace")
    manifest = _read(archive, "META-INF/manifest.xml", _MANIFEST_BYTES, name)
    prefix = "application/vnd.oasis.opendocument."
    if not mimetype.startswith(prefix):
        mimetype = _manifest_mimetype(manifest)
    kind = _ODF_MIMETYPES.get(mimetype.removeprefix(prefix).removesuffix("-template"))
    if kind is not None and b"encryption-data" in manifest:
        raise _encrypted(name)  # ODF encrypts inside the zip: the manifest says how
    return kind


def _manifest_mimetype(manifest: bytes) -> str:
    """The media type the manifest gives the document itself (the entry for "/")."""
    root = manifest.find(b'full-path="/"')
    if root < 0:
        return ""
    entry = manifest[manifest.rfind(b"<", 0, root) : manifest.find(b">", root)]
    found = re.search(rb'media-type="([^"]*)"', entry)
    return found[1].decode("ascii", "replace") if found else ""


def _read(archive: zipfile.ZipFile, part: str, size: int, name: str) -> bytes:
    try:
        return read_head(archive, archive.getinfo(part), size)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise corrupt(name) from exc


def _is_keynote(names: set[str]) -> bool:
    """Keynote's markers at the top, or inside the one folder a zipped .key bundle unpacks to."""
    names = {n for n in names if not n.startswith("__MACOSX/")}  # macOS adds this folder when zipping
    tops = {n.split("/", 1)[0] for n in names}
    inner = {n.split("/", 1)[1] for n in names if "/" in n} if len(tops) == 1 else set()
    return any(m in names or m in inner for m in _KEYNOTE_MARKERS)


def _ole_kind(fp: BinaryIO, size: int, name: str) -> Kind:
    """Tell Office's binary and password-protected files apart by the streams at the root."""
    try:
        cfb = Cfb(fp, size)
        streams = cfb.root_streams()
        if "EncryptedPackage" in streams:
            raise _encrypted(name)
        if "PowerPoint Document" in streams:
            token = cfb.read_start(streams.get("Current User"))[12:16]
            if token == b"\xdf\xc4\xd1\xf3":  # CurrentUserAtom.headerToken of an encrypted deck
                raise _encrypted(name)
            return Kind.PPT
    except (ValueError, struct.error) as exc:
        raise corrupt(name) from exc
    if "PP40" in streams:  # PowerPoint 4.0 and older: no converter we use reads these
        raise UnsupportedFormat(
            f"{name} was saved by PowerPoint 4.0 or older, which deckchat cannot read; open it in a newer "
            "PowerPoint and save it as .pptx, or export it as PDF, and upload that."
        )
    if "WordDocument" in streams:
        return Kind.DOC
    return Kind.XLS if "Workbook" in streams or "Book" in streams else Kind.OLE


def _encrypted(name: str) -> InvalidInput:
    return InvalidInput(
        f"{name} is password-protected; remove the password and upload it again.", code="encrypted_file"
    )
