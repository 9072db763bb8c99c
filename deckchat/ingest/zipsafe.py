"""Is this zip safe to hand to python-pptx and LibreOffice? Bombs, hostile paths and DTDs are refused.

zipfile trusts the sizes a header declares, and its ``read()`` inflates up to 2 GB per call before
cutting the result to that size, so every entry is re-read here through an inflater that never gives
more than the declared size plus one byte: a lying header is caught, not obeyed.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from deckchat.core.errors import InvalidInput, UnsupportedFormat
from deckchat.core.limits import Limits

CHUNK_BYTES = 1 << 20
# Small XML compresses 100:1 and more; only a big entry with an absurd ratio is a bomb.
_BIG_ENTRY_BYTES = 10 * 1024 * 1024
# A central-directory record is 46 bytes plus its name and extras; real ones stay far below this.
_MAX_RECORD_BYTES = 1024
# Office, OpenDocument and Keynote write only these; bzip2 and LZMA inflate unbounded inside zipfile.
_SAFE_METHODS = frozenset((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))
_MAX_VERSION = 63  # the newest zip spec version zipfile (and so python-pptx) will open
_XML_SUFFIXES = (".xml", ".rels", ".vml", ".rdf", ".apxl")
# OOXML parts may be UTF-16, so the markers are looked for in every encoding a part may use.
_DTD_MARKERS = tuple(
    m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(map(len, _DTD_MARKERS)) - 1
_HEAD_BYTES = 256
# ASCII-compatible or UTF-16: a DTD in these shows up as one of the markers above.
_SCANNABLE_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "windows-1252"}
_SCANNABLE_ENCODINGS.update(("utf-16", "utf-16le", "utf-16be"))
_ENCODING_DECL = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{0,40})")
_DRIVE = re.compile(r"^[A-Za-z]:")
_RESAVE = "re-save it from the app that made it and upload it again"
# Where OpenDocument keeps Basic macros and dialogs.
_ODF_MACRO_FOLDERS = ("Basic/", "Dialogs/")


def check_zip(path: Path, limits: Limits, *, filename: str | None = None) -> None:
    """Raise InvalidInput unless every entry is safe to unpack, within limits, and intact."""
    name = filename or path.name
    with open_zip(path, limits, name) as archive:
        infos = archive.infolist()
    check_entries(infos, limits, name)
    with path.open("rb") as fp:
        for info in infos:
            _verify_entry(fp, info, name)


def open_zip(path: Path, limits: Limits, name: str) -> zipfile.ZipFile:
    """Open a zip, refusing a huge entry count before zipfile builds an object for every entry."""
    with path.open("rb") as fp:
        declared = _declared_entries(fp, path.stat().st_size)
    if declared is not None:
        count, directory_bytes = declared
        if count > limits.max_zip_entries or directory_bytes > limits.max_zip_entries * _MAX_RECORD_BYTES:
            raise _too_many(name, limits)
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error, NotImplementedError) as exc:
        raise corrupt(name) from exc


def check_entries(infos: list[zipfile.ZipInfo], limits: Limits, name: str) -> None:
    """The checks the central directory alone can answer: counts, paths, encryption, declared sizes."""
    if len(infos) > limits.max_zip_entries:
        raise _too_many(name, limits)
    for info in infos:
        _check_entry(info, limits, name)
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise _bomb(
            name, f"would unpack to {_mb(total)} MB, over the {_mb(limits.max_unzipped_bytes)} MB limit"
        )


def read_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    """Up to ``size`` bytes of an entry. zipfile bounds inflation by the request only for these methods."""
    if info.compress_type not in _SAFE_METHODS or info.flag_bits & 0x1:
        return b""
    with archive.open(info) as part:
        return part.read(size)


def has_dtd(chunks: Iterable[bytes]) -> bool:
    """Whether a stream of XML chunks holds a DTD, including one split across two chunks."""
    tail = b""
    for chunk in chunks:
        seam = tail + chunk[:_OVERLAP]
        if any(m in chunk or m in seam for m in _DTD_MARKERS):
            return True
        tail = (tail + chunk[-_OVERLAP:])[-_OVERLAP:]
    return False


def corrupt(name: str) -> InvalidInput:
    return InvalidInput(
        f"{name} is damaged and can't be opened; {_RESAVE}.",
        code="corrupt_file",
    )


def _declared_entries(fp: BinaryIO, size: int) -> tuple[int, int] | None:
    """Entry count and central-directory size from the end record (zip64 too), or None if absent."""
    tail_len = min(size, 22 + 0xFFFF)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        (record_at,) = struct.unpack_from("<Q", tail, at - 12)
        fp.seek(min(record_at, size))
        record = fp.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            count, directory_bytes = struct.unpack_from("<QQ", record, 32)
    return count, directory_bytes


def _check_entry(info: zipfile.ZipInfo, limits: Limits, name: str) -> None:
    entry = info.orig_filename  # zipfile cuts .filename at a NUL; the raw name keeps it
    if _unsafe_path(entry):
        raise InvalidInput(
            f"{name} holds a file with an unsafe path ({entry!r}); {_RESAVE}.", code="unsafe_zip_path"
        )
    if info.flag_bits & 0x41:  # traditional or strong encryption
        raise InvalidInput(
            f"{name} is password-protected; remove the password and upload it again.", code="encrypted_file"
        )
    if info.extract_version > _MAX_VERSION or info.flag_bits & 0x20:  # zipfile refuses these outright
        raise corrupt(name)
    if info.compress_type not in _SAFE_METHODS:
        raise UnsupportedFormat(
            f"{name} is packed with a zip method (number {info.compress_type}) that Office and "
            f"OpenDocument apps never use; {_RESAVE}."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _BIG_ENTRY_BYTES and ratio > limits.max_zip_ratio:
        raise _bomb(name, f"holds {entry!r}, which unpacks to {ratio:.0f} times its packed size")


def _unsafe_path(entry: str) -> bool:
    """Names that would land outside the folder an unzipper writes to, or that tools read differently."""
    return (
        not entry
        or "\x00" in entry
        or "\\" in entry
        or entry.startswith("/")
        or _DRIVE.match(entry) is not None
        or ".." in entry.split("/")
    )


def _verify_entry(fp: BinaryIO, info: zipfile.ZipInfo, name: str) -> None:
    """Inflate one entry within its declared size, check its CRC, and scan it if it is XML."""
    chunks = _bounded_chunks(fp, info, name)
    if not info.filename.lower().endswith(_XML_SUFFIXES):
        for _ in chunks:
            pass
        return
    head = bytearray()
    chunks = _noting_head(chunks, head)
    if has_dtd(chunks):
        if info.filename.startswith(_ODF_MACRO_FOLDERS):
            raise _macros_with_dtd(name, info.filename)
        raise _entity_bomb(name, info.filename, "declares a DTD, which Office and OpenDocument never need")
    encoding = _hiding_encoding(bytes(head))
    if encoding is not None:
        raise _entity_bomb(name, info.filename, f"is written in {encoding}, which could hide a DTD")


def _noting_head(chunks: Iterator[bytes], head: bytearray) -> Iterator[bytes]:
    for chunk in chunks:
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        yield chunk


def _bounded_chunks(fp: BinaryIO, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """An entry's bytes, never inflating past its declared size + 1; CRC and length checked at the end."""
    fp.seek(_data_offset(fp, info, name))
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, crc = info.compress_size, 0, 0
    try:
        while left > 0:
            packed = fp.read(min(CHUNK_BYTES, left))
            if not packed:
                raise corrupt(name)
            left -= len(packed)
            for chunk in _inflate(inflater, packed, info.file_size - produced):
                produced += len(chunk)
                if produced > info.file_size:
                    raise _bomb(name, f"holds {info.filename!r}, which unpacks to more than it declares")
                crc = zlib.crc32(chunk, crc)
                yield chunk
    except zlib.error as exc:
        raise corrupt(name) from exc
    if produced != info.file_size or crc != info.CRC or (inflater is not None and not inflater.eof):
        raise corrupt(name)


def _inflate(inflater: zlib._Decompress | None, packed: bytes, room: int) -> Iterator[bytes]:
    """Inflate ``packed`` in pieces, asking for at most ``room + 1`` bytes so overflow shows, not grows."""
    if inflater is None:
        yield packed
        return
    while packed and not inflater.eof:
        chunk = inflater.decompress(packed, min(CHUNK_BYTES, max(room, 0)) + 1)
        room -= len(chunk)
        yield chunk
        packed = inflater.unconsumed_tail
        if room < 0:
            return


def _data_offset(fp: BinaryIO, info: zipfile.ZipInfo, name: str) -> int:
    """Where the entry's bytes start, after a local header that must name the same file as the directory.

    Readers that walk local headers and readers that trust the directory must not see different files.
    """
    if info.header_offset < 0:
        raise corrupt(name)
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise corrupt(name)
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if fp.read(name_len) != info.orig_filename.encode(encoding, "replace"):
        raise corrupt(name)
    return info.header_offset + 30 + int(name_len) + int(extra_len)


def _hiding_encoding(head: bytes) -> str | None:
    """The part's encoding if a DTD in it would not show as our byte markers (UTF-7, UTF-32, EBCDIC)."""
    if head[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00"):
        return "UTF-32"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        return None  # UTF-16, which the markers cover
    if head[:4] == b"Lo\xa7\x94":
        return "EBCDIC"
    declared = _ENCODING_DECL.match(head)
    if declared is None:
        return None
    encoding = declared[1].decode("ascii", "replace")
    return None if encoding.lower() in _SCANNABLE_ENCODINGS else encoding


def _too_many(name: str, limits: Limits) -> InvalidInput:
    return _bomb(name, f"holds more than {limits.max_zip_entries} files")


def _bomb(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name} {why}, so it looks like a zip bomb; {_RESAVE}.", code="zip_bomb")


def _entity_bomb(name: str, part: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name} holds XML ({part}) that {why}; {_RESAVE}.", code="xml_entity_bomb")


def _macros_with_dtd(name: str, part: str) -> InvalidInput:
    # LibreOffice still writes its macro libraries with a DOCTYPE; re-saving keeps it, removing them works.
    return InvalidInput(
        f"{name} holds macros ({part}) written with a DTD, which deckchat refuses for safety; remove its "
        "macros (Tools > Macros > Organize Macros), save it and upload it again, or export it as PDF.",
        code="xml_entity_bomb",
    )


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f}"
