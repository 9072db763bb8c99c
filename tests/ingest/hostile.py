"""Generators of hostile (and a few benign) upload files, for ingest, API and CLI tests.

Each writes one file into the given directory and returns its path. They are deterministic and fast:
the zip bomb declares 2 GiB but is written as 2 MB of repeated deflate blocks, and the huge file is
sparse. Zips and compound files are written by hand here because zipfile and python-pptx refuse to
write the broken shapes we need (lying sizes, NUL names, encrypted flags).
"""

from __future__ import annotations

import bz2
import functools
import hashlib
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import docx
import pptx

PDF_PASSWORD = "deckchat"
_XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>'
MIB = 1 << 20

# --- zips -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawEntry:
    """One zip entry exactly as stored: ``data`` is already compressed; sizes and CRC may lie."""

    name: str
    data: bytes
    size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(name: str, payload: bytes) -> RawEntry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = packer.compress(payload) + packer.flush()
    return RawEntry(name, data, len(payload), zlib.crc32(payload))


def stored(name: str, payload: bytes) -> RawEntry:
    return RawEntry(name, payload, len(payload), zlib.crc32(payload), zipfile.ZIP_STORED)


def write_zip(path: Path, entries: Iterable[RawEntry]) -> Path:
    """A plain (not zip64) archive with a fixed timestamp, so the bytes never change."""
    out, directory, count = bytearray(), bytearray(), 0
    for entry in entries:
        name = entry.name.encode()
        flags = entry.flags | (0x800 if not entry.name.isascii() else 0)
        fields = (20, flags, entry.method, 0, 0x21, entry.crc, len(entry.data), entry.size, len(name))
        directory += struct.pack("<4sH", b"PK\x01\x02", 20) + struct.pack("<5H3I2H", *fields, 0)
        directory += struct.pack("<3H2I", 0, 0, 0, 0, len(out)) + name
        out += struct.pack("<4s", b"PK\x03\x04") + struct.pack("<5H3I2H", *fields, 0) + name + entry.data
        count += 1
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory + end))
    return path


@functools.cache
def pptx_bytes() -> bytes:
    """A small real deck from python-pptx: a title slide and a bullet slide."""
    deck = pptx.Presentation()
    deck.core_properties.modified = deck.core_properties.created = datetime(2024, 1, 1)
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = "Quarterly review"
    title.placeholders[1].text = "Generated for deckchat tests"
    bullets = deck.slides.add_slide(deck.slide_layouts[1])
    bullets.shapes.title.text = "Revenue"
    bullets.placeholders[1].text = "Revenue grew 12 percent\nCosts fell"
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def pptx_entries(parts: dict[str, bytes] | None = None) -> list[RawEntry]:
    """The small deck's entries, deflated again, with ``parts`` swapped in (or added at the end)."""
    parts = dict(parts or {})
    with zipfile.ZipFile(io.BytesIO(pptx_bytes())) as deck:
        entries = [deflated(n, parts.pop(n, b"") or deck.read(n)) for n in deck.namelist()]
    return entries + [deflated(n, data) for n, data in parts.items()]


def small_pptx(directory: Path, name: str = "deck.pptx") -> Path:
    return write_zip(directory / name, pptx_entries())


def pptx_with_unparsable_offset(directory: Path, name: str = "strict.pptx") -> Path:
    """The small deck with a shape offset of x="left": python-pptx raises on it, PowerPoint and
    LibreOffice ignore it."""
    with zipfile.ZipFile(io.BytesIO(pptx_bytes())) as deck:
        slide = deck.read("ppt/slides/slide2.xml")
    bad = slide.replace(
        b"<p:spPr/>", b'<p:spPr><a:xfrm><a:off x="left" y="top"/><a:ext cx="9" cy="9"/></a:xfrm></p:spPr>'
    )
    return write_zip(directory / name, pptx_entries({"ppt/slides/slide2.xml": bad}))


def pptx_with_entries(directory: Path, extra: Iterable[RawEntry], name: str = "hostile.pptx") -> Path:
    return write_zip(directory / name, [*pptx_entries(), *extra])


def pptx_with_entry(directory: Path, entry_name: str, name: str = "evil.pptx") -> Path:
    """A deck with one extra entry under a name of our choosing (absolute, ``..``, NUL, backslash)."""
    return pptx_with_entries(directory, [deflated(entry_name, b"owned\n")], name)


def pptx_path_traversal(directory: Path, name: str = "traversal.pptx") -> Path:
    return pptx_with_entry(directory, "../../evil.txt", name)


def pptx_zip_bomb(directory: Path, name: str = "bomb.pptx", gib: int = 2) -> Path:
    """A real deck plus ``ppt/media/bomb.bin``: ``gib`` GiB of zeros packed into ~1 MB per GiB."""
    # After a full flush the deflater has forgotten everything, so each MiB of zeros packs to the same
    # bytes: the stream is one block repeated, ended by an empty final block.
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(MIB)) + packer.flush(zlib.Z_FULL_FLUSH)
    mebibytes = gib * 1024
    data = block * mebibytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    bomb = RawEntry("ppt/media/bomb.bin", data, mebibytes * MIB, zeros_crc(mebibytes))
    return pptx_with_entries(directory, [bomb], name)


def zeros_crc(mebibytes: int) -> int:
    """CRC-32 of that many MiB of zeros without hashing them: one MiB of zeros is an affine map."""
    zero_mib = bytes(MIB)
    offset = zlib.crc32(zero_mib, 0)
    columns = [zlib.crc32(zero_mib, 1 << bit) ^ offset for bit in range(32)]
    crc = 0
    for _ in range(mebibytes):
        crc = functools.reduce(int.__xor__, (c for bit, c in enumerate(columns) if crc >> bit & 1), offset)
    return crc


def pptx_entity_bomb(directory: Path, name: str = "laughs.pptx") -> Path:
    """Billion laughs: ten levels of ten references, declared in a DTD on the first slide."""
    levels = ['<!ENTITY lol0 "lol">']
    levels += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    with zipfile.ZipFile(io.BytesIO(pptx_bytes())) as deck:
        slide = deck.read("ppt/slides/slide1.xml").decode()
    declaration, body = slide.split("?>", 1)
    dtd = f"<!DOCTYPE p:sld [{''.join(levels)}]>"
    body = body.replace("Quarterly review", "&lol9;")
    bomb = f"{declaration}?>{dtd}{body}".encode()
    return write_zip(directory / name, pptx_entries({"ppt/slides/slide1.xml": bomb}))


def pptx_bad_crc(directory: Path, name: str = "bad-crc.pptx") -> Path:
    """One part whose CRC doesn't match its bytes, as a bit flipped in transit leaves it."""
    entries = [replace(e, crc=e.crc ^ 1) if e.name == "ppt/presentation.xml" else e for e in pptx_entries()]
    return write_zip(directory / name, entries)


def pptx_lying_size(directory: Path, name: str = "lying.pptx", declared: int = 1024) -> Path:
    return pptx_with_entries(directory, [lying_entry(declared)], name)


def lying_entry(declared: int) -> RawEntry:
    """Says it holds ``declared`` bytes (with their CRC) but inflates to 64 MiB; zipfile believes it."""
    payload = bytes(64 * MIB)
    entry = deflated("ppt/media/lie.bin", payload)
    return RawEntry(entry.name, entry.data, declared, zlib.crc32(payload[:declared]))


def pptx_bzip2_entry(directory: Path, name: str = "bzip2.pptx") -> Path:
    """bzip2 packs 16 MiB of zeros into a few dozen bytes, and zipfile inflates it without bound."""
    payload = bytes(16 * MIB)
    packed = bz2.compress(payload)
    entry = RawEntry("ppt/media/zeros.bin", packed, 1024, zlib.crc32(payload[:1024]), zipfile.ZIP_BZIP2)
    return pptx_with_entries(directory, [entry], name)


def pptx_encrypted_entry(directory: Path, name: str = "zipcrypto.pptx") -> Path:
    """Entries flagged as ZipCrypto-encrypted (flag bit 0), as a password-protected zip tool writes."""
    return write_zip(directory / name, [replace(e, flags=0x1) for e in pptx_entries()])


def truncated_pptx(directory: Path, name: str = "truncated.pptx") -> Path:
    """The first half of a deck: the local headers are there, the central directory is not."""
    data = pptx_bytes()
    path = directory / name
    path.write_bytes(data[: len(data) // 2])
    return path


def keynote_zip(
    directory: Path, name: str = "talk.key", bundle: bool = False, marker: str = "Index/Document.iwa"
) -> Path:
    """A Keynote-like zip: ``marker`` (``index.apxl`` for Keynote 5) at the top or in one folder."""
    prefix = "Talk.key/" if bundle else ""
    parts = {
        marker: b"\x00" * 64,
        "Metadata/Properties.plist": b"bplist00",
        "preview.jpg": b"\xff\xd8\xff",
    }
    entries = [stored(prefix + part, data) for part, data in parts.items()]
    if bundle:
        entries.append(stored("__MACOSX/Talk.key/._preview.jpg", b"\x00\x05\x16\x07"))
    return write_zip(directory / name, entries)


def odf_zip(directory: Path, name: str = "deck.odp", encrypted: bool = False, pages: int = 0) -> Path:
    """A minimal ODP package of ``pages`` empty slides; ``encrypted`` adds the manifest entry a
    password-protected one has."""
    mimetype = b"application/vnd.oasis.opendocument.presentation"
    secret = b'<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>' if encrypted else b""
    odf = b"urn:oasis:names:tc:opendocument:xmlns"
    manifest = (
        b'%s<manifest:manifest xmlns:manifest="%s:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="%s"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">%s'
        b"</manifest:file-entry></manifest:manifest>" % (_XML_DECL, odf, mimetype, secret)
    )
    content = (
        b'%s<office:document-content xmlns:office="%s:office:1.0" xmlns:draw="%s:drawing:1.0">'
        b"<office:body><office:presentation>%s</office:presentation></office:body></office:document-content>"
        % (_XML_DECL, odf, odf, b"<draw:page/>" * pages)
    )
    entries = [
        stored("mimetype", mimetype),
        deflated("content.xml", content),
        deflated("META-INF/manifest.xml", manifest),
    ]
    return write_zip(directory / name, entries)


def small_docx(directory: Path, name: str = "notes.docx") -> Path:
    document = docx.Document()
    document.core_properties.modified = document.core_properties.created = datetime(2024, 1, 1)
    document.add_heading("Speaker notes", level=1)
    document.add_paragraph("Slide 2: revenue grew because of the new region.")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        entries = [deflated(n, package.read(n)) for n in package.namelist()]
    return write_zip(directory / name, entries)


# --- compound files (OLE) -------------------------------------------------------------------------

_END, _FREE, _FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
_ENCRYPTED_PPT_TOKEN = 0xF3D1C4DF
_PLAIN_PPT_TOKEN = 0xE391C05F


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A version-3 compound file (512-byte sectors); streams under 4096 bytes go in the mini stream.

    Sectors run: FAT, directory, mini FAT, mini stream, then each big stream, every chain contiguous.
    """
    small = {n: d for n, d in streams.items() if len(d) < 4096}
    mini, mini_starts = bytearray(), {}
    for stream_name, data in small.items():
        mini_starts[stream_name] = len(mini) // 64
        mini += _pad(data, 64)
    mini_fat = _links(0, len(mini) // 64)
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order CFB's sibling tree uses
    big = [_pad(streams[n], 512) for n in names if n not in small]
    regions = [
        -(-(len(names) + 1) // 4),
        len(_pad(_words(mini_fat), 512)) // 512,
        len(_pad(mini, 512)) // 512,
    ]
    regions += [len(b) // 512 for b in big]
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + sum(regions):
        fat_sectors += 1
    fat, starts = [_FAT_SECTOR] * fat_sectors, []
    for count in regions:
        starts.append(len(fat) if count else _END)
        fat += _links(len(fat), count)
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    entries = [_dir_entry("Root Entry", 5, starts[2], len(mini), child=1 if names else _FREE)]
    big_starts = iter(starts[3:])
    for i, stream_name in enumerate(names):
        start = mini_starts[stream_name] if stream_name in small else next(big_starts)
        right = i + 2 if i + 1 < len(names) else _FREE
        entries.append(_dir_entry(stream_name, 2, start, len(streams[stream_name]), right=right))
    header = _cfb_header(fat_sectors, starts[0], starts[1], regions[1])
    body = [_words(fat), _pad(b"".join(entries), 512), _pad(_words(mini_fat), 512), _pad(mini, 512), *big]
    path.write_bytes(header + b"".join(body))
    return path


def _links(first: int, count: int) -> list[int]:
    """FAT entries for a contiguous chain of ``count`` sectors starting at ``first``."""
    return [first + i + 1 for i in range(count - 1)] + [_END] if count else []


def _words(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _pad(data: bytes | bytearray, size: int) -> bytes:
    return bytes(data).ljust(-(-len(data) // size) * size, b"\x00")


def _dir_entry(name: str, kind: int, start: int, size: int, right: int = _FREE, child: int = _FREE) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    head = encoded.ljust(64, b"\x00") + struct.pack("<HBB3I", len(encoded), kind, 1, _FREE, right, child)
    return head + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size)


def _cfb_header(fat_sectors: int, directory: int, mini_fat: int, mini_fat_sectors: int) -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH6x", 0x3E, 3, 0xFFFE, 9, 6)
    head += struct.pack("<3I4xI", 0, fat_sectors, directory, 4096)
    head += struct.pack("<4I", mini_fat if mini_fat_sectors else _END, mini_fat_sectors, _END, 0)
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    return head + struct.pack("<109I", *difat)


def encrypted_office(directory: Path, name: str = "locked.pptx") -> Path:
    """What Office saves for a password-protected PPTX/DOCX: a compound file with the zip encrypted."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header, abridged
    package = struct.pack("<Q", 40_000) + bytes(range(256)) * 20
    return write_cfb(directory / name, {"EncryptionInfo": info, "EncryptedPackage": package})


def ole_ppt(directory: Path, name: str = "old.ppt", encrypted: bool = False) -> Path:
    """A PowerPoint 97-2003 shell: the streams and the Current User token that tell PPT apart."""
    token = _ENCRYPTED_PPT_TOKEN if encrypted else _PLAIN_PPT_TOKEN
    current_user = struct.pack("<HHIII", 0, 0x0FF6, 20, 20, token) + bytes(16)
    document = bytes(5000)  # over the mini-stream cutoff, so both storage paths are used
    return write_cfb(directory / name, {"Current User": current_user, "PowerPoint Document": document})


# --- PDFs -----------------------------------------------------------------------------------------


def write_pdf(path: Path, objects: list[bytes], trailer: bytes = b"") -> Path:
    """Objects numbered from 1 (the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def pages_pdf(
    directory: Path,
    pages: int = 1,
    name: str = "deck.pdf",
    media_box: tuple[float, ...] = (0, 0, 720, 405),
    text: str = "Deckchat test slide",
    title: str | None = None,
) -> Path:
    """``pages`` pages sharing one font and one content stream: cheap however many there are. Decks
    made with different ``text`` have different slide images; ``title`` is the document's metadata
    title."""
    box = b"[%s]" % b" ".join(b"%g" % v for v in media_box)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    shown = text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        _stream(b"BT /F1 24 Tf 36 300 Td (%s) Tj ET" % shown),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [_PAGE % box] * pages
    if title is None:
        return write_pdf(directory / name, objects)
    objects.append(b"<< /Title (%s) >>" % title.encode("latin-1"))
    return write_pdf(directory / name, objects, b"/Info %d 0 R " % len(objects))


# What the glyphs of surrogates_pdf read as through its ToUnicode map: UTF-16 code units, a pair
# (U+1D400, U+1F600) or a surrogate on its own, which no real text has but a PDF string can hold.
_SURROGATE_UNITS = {b"A": b"D835DC00", b"B": b"D835", b"C": b"DC00", b"D": b"D83DDE00"}


def surrogates_pdf(directory: Path, name: str = "surrogates.pdf") -> Path:
    """One page reading "plain text line" over "xAy B z C" over "D" (see _SURROGATE_UNITS), enough text
    not to need OCR, with an unmapped glyph after the A that pdfium reports as its code, 11 (a vertical
    tab); its Title ("T") and its one bookmark ("New") end in a lone high surrogate, and its Author is
    one."""
    pairs = b"".join(b"<%02X> <%s>\n" % (ord(code), units) for code, units in _SURROGATE_UNITS.items())
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"%d beginbfchar\n%sendbfchar\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end" % (len(_SURROGATE_UNITS), pairs)
    )
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode 6 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 7 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 720 405] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        font,
        _stream(
            b"BT /F1 24 Tf 72 300 Td (plain text line) Tj 0 -40 Td (xA\\013y B z C) Tj 0 -40 Td (D) Tj ET"
        ),
        _stream(cmap),
        b"<< /Type /Outlines /First 8 0 R /Last 8 0 R /Count 1 >>",
        b"<< /Title <FEFF004E00650077D835> /Parent 7 0 R /Dest [3 0 R /Fit] >>",
        b"<< /Title <FEFF0054D835> /Author <FEFFD800> >>",
    ]
    return write_pdf(directory / name, objects, b"/Info 9 0 R ")


def bad_page_pdf(directory: Path, name: str = "broken.pdf") -> Path:
    """Two pages in the page tree, the second of which is the number 42: pdfium opens it, then fails."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R 6 0 R] /Count 2 >>",
        _stream(b"BT /F1 24 Tf 36 300 Td (Deckchat test slide) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _PAGE % b"[0 0 720 405]",
        b"42",
    ]
    return write_pdf(directory / name, objects)


def render_bomb_pdf(directory: Path, name: str = "ribbon.pdf") -> Path:
    """One page 20000 x 5 points: over the 14400 pt side limit, 4000:1 aspect."""
    return pages_pdf(directory, 1, name, (0, 0, 20000, 5))


def too_many_pages_pdf(directory: Path, pages: int = 501, name: str = "long.pdf") -> Path:
    return pages_pdf(directory, pages, name)


def pdf_named_pptx(directory: Path, name: str = "slides.pptx") -> Path:
    return pages_pdf(directory, 1, name)


def corrupt_pdf(directory: Path, name: str = "corrupt.pdf") -> Path:
    """A PDF header followed by bytes no reader can make sense of."""
    garbage = hashlib.shake_256(b"deckchat").digest(4096)
    path = directory / name
    path.write_bytes(b"%PDF-1.7\n" + garbage)
    return path


_PDF_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def encrypted_pdf(directory: Path, name: str = "locked.pdf", password: str = PDF_PASSWORD) -> Path:
    """Standard security handler, RC4 40-bit (V1 R2), with a user password: it won't open without it."""
    file_id = hashlib.md5(b"deckchat-locked").digest()
    padded = (password.encode("latin-1") + _PDF_PAD)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)  # owner password = user password
    permissions = struct.pack("<i", -4)
    key = hashlib.md5(padded + owner + permissions + file_id).digest()[:5]
    content = _rc4(
        hashlib.md5(key + struct.pack("<I", 3)[:3] + b"\x00\x00").digest()[:10],
        b"BT /F1 24 Tf 36 300 Td (Secret slide) Tj ET",
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _PAGE % b"[0 0 720 405]",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>"
        % (owner.hex().encode(), _rc4(key, _PDF_PAD).hex().encode()),
    ]
    trailer = b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(), file_id.hex().encode())
    return write_pdf(directory / name, objects, trailer)


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


# --- everything else ------------------------------------------------------------------------------


def empty_file(directory: Path, name: str = "empty.pdf") -> Path:
    path = directory / name
    path.write_bytes(b"")
    return path


def png_named_pdf(directory: Path, name: str = "slides.pdf") -> Path:
    """A valid 1x1 PNG under a PDF's name."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    path = directory / name
    path.write_bytes(png)
    return path


def huge_file(directory: Path, size: int, name: str = "huge.pdf") -> Path:
    """A PDF header then a hole: ``size`` bytes on paper, almost nothing on disk."""
    path = directory / name
    path.write_bytes(b"%PDF-1.7\n")
    os.truncate(path, size)
    return path


def text_file(
    directory: Path,
    name: str = "notes.md",
    text: str = "# Notes\n\nSlide 1: hello.\n",
    encoding: str = "utf-8",
) -> Path:
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path
