"""check_zip: the real PPTX decks and generated packages pass; every hostile zip in hostile.py is refused
with its own code, and checking a big deck stays fast."""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError, InvalidInput, UnsupportedFormat
from deckchat.core.limits import Limits
from deckchat.ingest.zipsafe import CHUNK_BYTES, check_zip, has_dtd
from tests.ingest import hostile
from tests.ingest.hostile import RawEntry, deflated, stored

LIMITS = Limits()
SLIDE = "ppt/slides/slide1.xml"


def refused(path: Path, code: str, limits: Limits = LIMITS) -> DeckchatError:
    with pytest.raises(DeckchatError) as caught:
        check_zip(path, limits)
    assert caught.value.code == code, caught.value.message
    assert path.name in caught.value.message
    return caught.value


def many_parts(tmp_path: Path, count: int = 30) -> Path:
    return hostile.write_zip(tmp_path / "many.pptx", [stored(f"part{i}.bin", b"x") for i in range(count)])


def with_slide(tmp_path: Path, xml: bytes, name: str = "hostile.pptx") -> Path:
    return hostile.write_zip(tmp_path / name, hostile.pptx_entries({SLIDE: xml}))


# --- safe packages pass ---------------------------------------------------------------------------


def test_every_real_pptx_deck_passes(decks_dir: Path) -> None:
    decks = sorted(decks_dir.glob("*.pptx"))
    assert decks
    for path in decks:
        check_zip(path, LIMITS)


def test_generated_packages_pass(tmp_path: Path) -> None:
    for path in (
        hostile.small_pptx(tmp_path),
        hostile.small_docx(tmp_path),
        hostile.odf_zip(tmp_path),
        hostile.keynote_zip(tmp_path),
        hostile.keynote_zip(tmp_path, "bundle.key", bundle=True),
    ):
        check_zip(path, LIMITS)


def test_small_highly_compressible_parts_are_normal(tmp_path: Path) -> None:
    # 9 MiB of zeros packs about 1000:1, over the ratio limit, but under the 10 MB floor for it.
    check_zip(hostile.pptx_with_entries(tmp_path, [deflated("ppt/media/blank.bin", bytes(9 << 20))]), LIMITS)


def test_a_dtd_outside_xml_parts_is_not_our_business(tmp_path: Path) -> None:
    check_zip(
        hostile.pptx_with_entries(tmp_path, [deflated("ppt/media/page.html", b"<!DOCTYPE html>")]), LIMITS
    )


def test_filename_names_the_upload_not_the_stored_blob(tmp_path: Path) -> None:
    with pytest.raises(DeckchatError) as caught:
        check_zip(hostile.pptx_path_traversal(tmp_path), LIMITS, filename="quarterly.pptx")
    assert caught.value.message.startswith("quarterly.pptx ")


# --- zip_bomb -------------------------------------------------------------------------------------


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    error = refused(hostile.pptx_zip_bomb(tmp_path), "zip_bomb")
    assert isinstance(error, InvalidInput) and error.status == 422
    assert "ppt/media/bomb.bin" in error.message


def test_zip_bomb_by_total_declared_size(tmp_path: Path) -> None:
    bomb = hostile.pptx_zip_bomb(tmp_path)
    error = refused(bomb, "zip_bomb", Limits(max_zip_ratio=1e9))
    assert "1,024 MB" in error.message
    refused(hostile.small_pptx(tmp_path), "zip_bomb", Limits(max_unzipped_bytes=10_000))


def test_zip_bomb_by_entry_count(tmp_path: Path) -> None:
    path = many_parts(tmp_path)
    refused(path, "zip_bomb", Limits(max_zip_entries=29))
    check_zip(path, Limits(max_zip_entries=30))


def test_entry_count_is_refused_before_zipfile_lists_the_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = many_parts(tmp_path)
    monkeypatch.setattr(zipfile, "ZipFile", None)  # the end record alone must answer
    refused(path, "zip_bomb", Limits(max_zip_entries=10))


def as_zip64(path: Path) -> Path:
    """Move the archive's counts into a zip64 end record, as archives with 65,535+ entries must."""
    data = path.read_bytes()
    count, directory_size, directory_at = struct.unpack_from("<H2I", data, len(data) - 12)
    record_at = len(data) - 22
    record = struct.pack(
        "<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, directory_size, directory_at
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, record_at, 1)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, directory_size, 0xFFFFFFFF, 0)
    path.write_bytes(data[:record_at] + record + locator + end)
    return path


def test_entry_count_in_a_zip64_end_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = as_zip64(many_parts(tmp_path))
    check_zip(path, LIMITS)  # zipfile reads it
    monkeypatch.setattr(zipfile, "ZipFile", None)  # and the count is refused without it
    refused(path, "zip_bomb", Limits(max_zip_entries=10))


@pytest.mark.timeout(60)  # a guard against inflating the whole bomb, not a speed target
def test_entry_that_inflates_past_its_declared_size(tmp_path: Path) -> None:
    path = hostile.pptx_lying_size(tmp_path)
    error = refused(path, "zip_bomb")
    assert "more than it declares" in error.message


def test_a_lying_entry_is_inflated_at_most_one_byte_past_its_declared_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = hostile.write_zip(tmp_path / "lie.zip", [hostile.lying_entry(5000)])
    inflated: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self, wbits: int) -> None:
            self.inner = real(wbits)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self.inner.decompress(data, max_length)
            inflated.append(len(out))
            return out

        def __getattr__(self, attribute: str) -> object:
            return getattr(self.inner, attribute)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    refused(path, "zip_bomb")
    assert 5000 < sum(inflated) <= 5001


# --- unsafe_zip_path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        "../../evil.txt",
        "ppt/../../evil.txt",
        "/etc/evil",
        "C:/evil.txt",
        "c:evil.txt",
        "ppt\\..\\evil.txt",
        "evil.txt\x00.xml",
        "..",
    ],
)
def test_unsafe_paths(tmp_path: Path, entry: str) -> None:
    error = refused(hostile.pptx_with_entry(tmp_path, entry), "unsafe_zip_path")
    assert isinstance(error, InvalidInput)


def test_traversal_generator(tmp_path: Path) -> None:
    assert "../../evil.txt" in refused(hostile.pptx_path_traversal(tmp_path), "unsafe_zip_path").message


def test_dots_inside_names_are_fine(tmp_path: Path) -> None:
    check_zip(hostile.pptx_with_entry(tmp_path, "ppt/media/v1..2.bin"), LIMITS)


# --- xml_entity_bomb ------------------------------------------------------------------------------


def test_billion_laughs(tmp_path: Path) -> None:
    error = refused(hostile.pptx_entity_bomb(tmp_path), "xml_entity_bomb")
    assert SLIDE in error.message


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
        b'<?xml version="1.0"?><!ENTITY x "y"><x/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16"),
        "<!DOCTYPE x><x/>".encode("utf-16-be"),
    ],
    ids=["doctype", "entity", "utf-16-bom", "utf-16-be"],
)
def test_dtds_in_any_utf(tmp_path: Path, xml: bytes) -> None:
    refused(with_slide(tmp_path, xml), "xml_entity_bomb")


def test_macros_with_a_dtd_are_refused_with_what_to_do(tmp_path: Path) -> None:
    # How LibreOffice writes a Basic module into an ODP: the DOCTYPE is still there.
    module = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC '
        b'"-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n<script:module/>'
    )
    odp = hostile.odf_zip(tmp_path, "macros.odp")
    with zipfile.ZipFile(odp) as source:
        entries = [deflated(n, source.read(n)) for n in source.namelist()]
    path = hostile.write_zip(odp, [*entries, deflated("Basic/Standard/Module1.xml", module)])
    error = refused(path, "xml_entity_bomb")
    assert "holds macros (Basic/Standard/Module1.xml)" in error.message
    assert "remove its macros" in error.message


@pytest.mark.parametrize("part", ["_rels/.rels", "ppt/drawings/vmlDrawing1.vml", "[Content_Types].xml"])
def test_every_xml_like_part_is_scanned(tmp_path: Path, part: str) -> None:
    xml = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r/>'
    refused(hostile.write_zip(tmp_path / "rels.pptx", hostile.pptx_entries({part: xml})), "xml_entity_bomb")


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0" encoding="UTF-7"?>',
        b"\xff\xfe\x00\x00<\x00\x00\x00",
        b"Lo\xa7\x94",  # "<?xm" in EBCDIC
    ],
    ids=["utf-7", "utf-32", "ebcdic"],
)
def test_encodings_that_could_hide_a_dtd(tmp_path: Path, head: bytes) -> None:
    error = refused(with_slide(tmp_path, head + b"<x/>"), "xml_entity_bomb")
    assert "could hide a DTD" in error.message


def test_dtd_split_across_chunks_end_to_end(tmp_path: Path) -> None:
    xml = b'<?xml version="1.0"?>'.ljust(CHUNK_BYTES - 4, b" ") + b"<!DOCTYPE x><x/>"
    refused(
        hostile.write_zip(tmp_path / "split.pptx", [*hostile.pptx_entries(), stored("ppt/big.xml", xml)]),
        "xml_entity_bomb",
    )


@pytest.mark.parametrize("marker", ["<!DOCTYPE", "<!ENTITY"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_has_dtd_at_every_split(marker: str, encoding: str) -> None:
    data = f"<?xml version='1.0'?>{marker} x><x/>".encode(encoding)
    for cut in range(1, len(data)):
        assert has_dtd([data[:cut], data[cut:]])
    tiny = [data[i : i + 1] for i in range(len(data))]
    assert has_dtd(tiny)
    assert not has_dtd([b"<?xml version='1.0'?><!-- no dtd --><x>&lt;!DOCTYPE</x>"])


# --- corrupt_file and encrypted_file --------------------------------------------------------------


def test_truncated_zip_is_corrupt(tmp_path: Path) -> None:
    assert "is damaged" in refused(hostile.truncated_pptx(tmp_path), "corrupt_file").message


def test_crc_mismatch_is_corrupt(tmp_path: Path) -> None:
    refused(hostile.pptx_bad_crc(tmp_path), "corrupt_file")


def test_entry_shorter_than_declared_is_corrupt(tmp_path: Path) -> None:
    entry = deflated("ppt/media/short.bin", b"x" * 1000)
    short = RawEntry(entry.name, entry.data, 2000, entry.crc)
    refused(hostile.pptx_with_entries(tmp_path, [short]), "corrupt_file")


def test_deflate_stream_that_is_garbage_is_corrupt(tmp_path: Path) -> None:
    garbage = RawEntry("ppt/media/noise.bin", b"\xff" * 100, 100, 0)
    refused(hostile.pptx_with_entries(tmp_path, [garbage]), "corrupt_file")


def test_local_header_naming_another_file_is_corrupt(tmp_path: Path) -> None:
    path = hostile.pptx_with_entry(tmp_path, "ppt/media/one.bin")
    data = path.read_bytes()
    path.write_bytes(
        data.replace(b"ppt/media/one.bin", b"ppt/media/two.bin", 1)
    )  # the local header comes first
    refused(path, "corrupt_file")


def test_zipcrypto_entries_are_encrypted(tmp_path: Path) -> None:
    error = refused(hostile.pptx_encrypted_entry(tmp_path), "encrypted_file")
    assert "password-protected" in error.message


def test_bzip2_entries_are_refused_unread(tmp_path: Path) -> None:
    path = hostile.pptx_bzip2_entry(tmp_path)
    error = refused(path, "unsupported_format")
    assert isinstance(error, UnsupportedFormat) and error.status == 415
    with zipfile.ZipFile(path) as archive:  # what python-pptx would meet: a tiny entry hiding 16 MiB
        assert archive.getinfo("ppt/media/zeros.bin").compress_size < 100


def test_not_a_zip_is_corrupt(tmp_path: Path) -> None:
    refused(hostile.pages_pdf(tmp_path), "corrupt_file")


# --- big but honest -------------------------------------------------------------------------------


def test_a_50_mb_deck_of_big_media_and_long_slides_is_not_mistaken_for_a_bomb(tmp_path: Path) -> None:
    rng = random.Random(0)
    media = [stored(f"ppt/media/image{i}.png", rng.randbytes(3 << 20)) for i in range(10)]
    media += [deflated(f"ppt/media/photo{i}.jpg", rng.randbytes(2 << 20)) for i in range(5)]
    words = b" ".join(
        rng.choice([b"revenue", b"growth", b"slide", b"<a:t>", b"</a:t>"]) for _ in range(200_000)
    )
    slides = [
        deflated(f"ppt/slides/slide{i}.xml", b'<?xml version="1.0"?><p:sld>' + words + b"</p:sld>")
        for i in range(10, 20)
    ]
    path = hostile.pptx_with_entries(tmp_path, media + slides, "big.pptx")
    assert path.stat().st_size > 40 << 20
    check_zip(path, LIMITS)  # raises InvalidInput on any refusal


def test_zeros_crc_is_what_the_bomb_declares(tmp_path: Path) -> None:
    with zipfile.ZipFile(hostile.pptx_zip_bomb(tmp_path, gib=1)) as archive:
        info = archive.getinfo("ppt/media/bomb.bin")
    assert info.file_size == 1 << 30
    assert (info.CRC, hostile.zeros_crc(2)) == (hostile.zeros_crc(1024), zlib.crc32(bytes(2 << 20)))
