"""sniff_deck and sniff_notes: the real decks, every error code on a file from hostile.py, and the
formats the real decks lack (ODP and PPT made by LibreOffice, a Keynote-like zip, notes files)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from deckchat.core.deck import DeckFormat, NotesFormat
from deckchat.core.errors import DeckchatError, InvalidInput, TooLarge, UnsupportedFormat
from deckchat.core.limits import Limits
from deckchat.ingest.sniff import sniff_deck, sniff_notes
from deckchat.ingest.zipsafe import check_zip
from tests.ingest import hostile

LIMITS = Limits()
DECKS_WE_TAKE = "PDF, PPTX, PPT, ODP or KEY"
NOTES_WE_TAKE = "MD, TXT, DOCX or PDF"


def deck(path: Path, filename: str | None = None) -> DeckFormat:
    return sniff_deck(path, filename or path.name, LIMITS)


def notes(path: Path, filename: str | None = None) -> NotesFormat:
    return sniff_notes(path, filename or path.name, LIMITS)


def refused(call: Callable[[], object], code: str) -> DeckchatError:
    with pytest.raises(DeckchatError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- happy paths ----------------------------------------------------------------------------------


def test_every_real_deck_sniffs_to_its_extension(decks_dir: Path) -> None:
    found = {p.name: deck(p) for p in sorted(decks_dir.iterdir()) if p.suffix in (".pdf", ".pptx")}
    assert {f.value for f in found.values()} == {"pdf", "pptx"}
    assert found == {name: DeckFormat(Path(name).suffix[1:]) for name in found}


def test_real_pdf_deck_is_also_a_pdf_notes_file(decks_dir: Path) -> None:
    pdf = next(decks_dir.glob("*.pdf"))
    assert notes(pdf) is NotesFormat.PDF


def test_generated_formats_sniff(tmp_path: Path) -> None:
    assert deck(hostile.small_pptx(tmp_path)) is DeckFormat.PPTX
    assert deck(hostile.pages_pdf(tmp_path)) is DeckFormat.PDF
    assert deck(hostile.ole_ppt(tmp_path)) is DeckFormat.PPT
    assert deck(hostile.odf_zip(tmp_path)) is DeckFormat.ODP


@pytest.mark.parametrize(
    ("bundle", "marker"),
    [(False, "Index/Document.iwa"), (True, "Index/Document.iwa"), (False, "index.apxl"), (True, "Index.zip")],
)
def test_keynote_zips_sniff_as_key(tmp_path: Path, bundle: bool, marker: str) -> None:
    assert deck(hostile.keynote_zip(tmp_path, bundle=bundle, marker=marker)) is DeckFormat.KEY


def test_extensions_are_case_insensitive(tmp_path: Path) -> None:
    assert deck(hostile.small_pptx(tmp_path, "LOUD.PPTX")) is DeckFormat.PPTX
    assert deck(hostile.pages_pdf(tmp_path, name="Mixed.Pdf")) is DeckFormat.PDF
    assert notes(hostile.text_file(tmp_path, "NOTES.MD")) is NotesFormat.MARKDOWN


@pytest.mark.parametrize(
    ("name", "text", "encoding", "expected"),
    [
        ("notes.md", "# Talk\n\nSlide 3: the numbers.\n", "utf-8", NotesFormat.MARKDOWN),
        ("notes.markdown", "# Talk\n", "utf-8", NotesFormat.MARKDOWN),
        ("notes.txt", "Plain notes, caf\u00e9 and \u4e2d\u6587\n", "utf-8", NotesFormat.TEXT),
        ("notes.txt", "\ufeffNotes saved by Notepad as UTF-16\n", "utf-16-le", NotesFormat.TEXT),
        ("notes.txt", "Windows-1252 notes: \u2018quoted\u2019 \u20ac5\n", "cp1252", NotesFormat.TEXT),
        ("notes.md", "<html><body>Markdown may start with HTML</body></html>", "utf-8", NotesFormat.MARKDOWN),
    ],
)
def test_text_notes_sniff(tmp_path: Path, name: str, text: str, encoding: str, expected: NotesFormat) -> None:
    assert notes(hostile.text_file(tmp_path, name, text, encoding)) is expected


def test_a_character_cut_at_the_sample_edge_is_still_text(tmp_path: Path) -> None:
    text = "a" * (64 * 1024 - 1) + "\u00e9" * 10  # the 64 KiB sample ends inside a two-byte character
    assert notes(hostile.text_file(tmp_path, "notes.md", text)) is NotesFormat.MARKDOWN


def test_docx_sniffs_as_docx_notes(tmp_path: Path) -> None:
    assert notes(hostile.small_docx(tmp_path)) is NotesFormat.DOCX


def test_windows_upload_path_is_reduced_to_the_file_name(tmp_path: Path) -> None:
    error = refused(
        lambda: deck(hostile.pdf_named_pptx(tmp_path), "C:\\fakepath\\slides.pptx"), "extension_mismatch"
    )
    assert error.message.startswith("slides.pptx is actually a PDF file")


# --- size -----------------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    error = refused(lambda: deck(hostile.empty_file(tmp_path)), "empty_file")
    assert isinstance(error, InvalidInput) and error.status == 422
    assert "empty.pdf is empty" in error.message
    refused(lambda: notes(hostile.empty_file(tmp_path, "notes.md")), "empty_file")


def test_too_large_deck_names_the_limit_in_mb(tmp_path: Path) -> None:
    huge = hostile.huge_file(tmp_path, LIMITS.max_upload_bytes + 1)
    assert huge.stat().st_blocks * 512 < 1 << 20  # sparse: the test writes almost nothing
    error = refused(lambda: deck(huge), "too_large")
    assert isinstance(error, TooLarge) and error.status == 413
    assert "huge.pdf" in error.message and "200 MB" in error.message


def test_too_large_notes_use_the_notes_limit(tmp_path: Path) -> None:
    huge = hostile.huge_file(tmp_path, LIMITS.max_notes_bytes + 1, "notes.pdf")
    assert "25 MB" in refused(lambda: notes(huge), "too_large").message
    exactly = hostile.huge_file(tmp_path, LIMITS.max_notes_bytes, "limit.pdf")
    assert notes(exactly) is NotesFormat.PDF


# --- unsupported ----------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["deck.exe", "deck.pptm", "deck", "deck.pdf.zip"])
def test_deck_extension_we_do_not_take(tmp_path: Path, filename: str) -> None:
    error = refused(lambda: deck(hostile.pages_pdf(tmp_path), filename), "unsupported_format")
    assert isinstance(error, UnsupportedFormat) and error.status == 415
    assert filename in error.message and DECKS_WE_TAKE in error.message


@pytest.mark.parametrize("filename", ["notes.rtf", "notes.doc", "notes.pptx"])
def test_notes_extension_we_do_not_take(tmp_path: Path, filename: str) -> None:
    error = refused(lambda: notes(hostile.text_file(tmp_path), filename), "unsupported_format")
    assert NOTES_WE_TAKE in error.message


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\x03" * 1000, b"\x81\x8d\x8f\x90\x9d" * 100],
    ids=["binary", "undecodable"],
)
def test_content_we_do_not_know(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "mystery.pptx"
    path.write_bytes(content)
    error = refused(lambda: deck(path), "unsupported_format")
    assert "mystery.pptx" in error.message and DECKS_WE_TAKE in error.message
    path = path.rename(tmp_path / "mystery.txt")
    assert NOTES_WE_TAKE in refused(lambda: notes(path), "unsupported_format").message


# --- mismatches -----------------------------------------------------------------------------------


def test_pdf_named_pptx_says_rename_to_pdf(tmp_path: Path) -> None:
    error = refused(lambda: deck(hostile.pdf_named_pptx(tmp_path)), "extension_mismatch")
    assert isinstance(error, InvalidInput) and error.status == 422
    assert "slides.pptx is actually a PDF file; rename it to .pdf" in error.message


def test_png_named_pdf_is_named_but_not_renamed(tmp_path: Path) -> None:
    error = refused(lambda: deck(hostile.png_named_pdf(tmp_path)), "extension_mismatch")
    assert "slides.pdf is actually a PNG image" in error.message
    assert "rename" not in error.message and DECKS_WE_TAKE in error.message


@pytest.mark.parametrize(
    ("make", "filename", "says"),
    [
        (hostile.small_pptx, "deck.ppt", "rename it to .pptx"),
        (hostile.ole_ppt, "deck.pptx", "rename it to .ppt"),
        (hostile.odf_zip, "deck.pptx", "rename it to .odp"),
        (hostile.keynote_zip, "deck.pptx", "rename it to .key"),
        (hostile.small_docx, "deck.pptx", "a Word document (DOCX), not the PPTX"),
        (hostile.text_file, "deck.pdf", "a plain text file, not the PDF"),
    ],
)
def test_deck_mismatches(tmp_path: Path, make: Callable[[Path], Path], filename: str, says: str) -> None:
    path = make(tmp_path)
    assert says in refused(lambda: deck(path, filename), "extension_mismatch").message


@pytest.mark.parametrize(
    ("make", "filename", "says"),
    [
        (hostile.pages_pdf, "notes.md", "notes.md is actually a PDF file; rename it to .pdf"),
        (hostile.png_named_pdf, "notes.md", "notes.md is actually a PNG image, not the MD file"),
        (hostile.small_pptx, "notes.txt", "a PowerPoint file (PPTX), not the TXT"),
        (hostile.small_docx, "notes.pdf", "rename it to .docx"),
        (hostile.text_file, "notes.docx", "a plain text file; rename it to .txt"),
    ],
)
def test_notes_mismatches(tmp_path: Path, make: Callable[[Path], Path], filename: str, says: str) -> None:
    path = make(tmp_path)
    assert says in refused(lambda: notes(path, filename), "extension_mismatch").message


def test_generic_zip_and_images_are_named(tmp_path: Path) -> None:
    archive = hostile.write_zip(tmp_path / "photos.pptx", [hostile.stored("a.txt", b"hello")])
    assert "a ZIP archive" in refused(lambda: deck(archive), "extension_mismatch").message
    jpeg = tmp_path / "photo.pdf"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    assert "a JPEG image" in refused(lambda: deck(jpeg), "extension_mismatch").message


# --- encrypted and corrupt ------------------------------------------------------------------------


def test_password_protected_office_file(tmp_path: Path) -> None:
    locked = hostile.encrypted_office(tmp_path)
    error = refused(lambda: deck(locked), "encrypted_file")
    assert error.message == "locked.pptx is password-protected; remove the password and upload it again."
    refused(lambda: notes(locked, "locked.docx"), "encrypted_file")


def test_password_protected_ppt(tmp_path: Path) -> None:
    refused(lambda: deck(hostile.ole_ppt(tmp_path, "locked.ppt", encrypted=True)), "encrypted_file")


def test_password_protected_odp(tmp_path: Path) -> None:
    refused(lambda: deck(hostile.odf_zip(tmp_path, encrypted=True)), "encrypted_file")


def test_powerpoint_4_is_refused_with_what_to_do(tmp_path: Path) -> None:
    # PowerPoint 4.0 keeps its slides in a "PP40" stream; LibreOffice reads only 97 and later.
    path = hostile.write_cfb(
        tmp_path / "old.ppt", {"PP40": bytes(5000), "\x05SummaryInformation": bytes(200)}
    )
    error = refused(lambda: deck(path), "unsupported_format")
    assert "old.ppt was saved by PowerPoint 4.0 or older" in error.message
    assert "save it as .pptx" in error.message


def test_zip_with_a_broken_central_directory_is_corrupt(tmp_path: Path) -> None:
    error = refused(lambda: deck(hostile.truncated_pptx(tmp_path)), "corrupt_file")
    assert "truncated.pptx is damaged" in error.message


def test_ole_file_with_a_broken_directory_is_corrupt(tmp_path: Path) -> None:
    path = hostile.ole_ppt(tmp_path)
    data = bytearray(path.read_bytes())
    data[48:52] = (10_000).to_bytes(4, "little")  # the directory's first sector, far past the end
    path.write_bytes(data)
    refused(lambda: deck(path), "corrupt_file")


def test_too_many_zip_entries_is_refused_before_reading_them(tmp_path: Path) -> None:
    path = hostile.small_pptx(tmp_path)
    refused(lambda: sniff_deck(path, path.name, Limits(max_zip_entries=3)), "zip_bomb")


# --- the hostile PDFs are PDFs (later stages refuse them) -----------------------------------------


def test_hostile_pdfs_sniff_as_pdf_and_do_what_they_claim(tmp_path: Path) -> None:
    corrupt = hostile.corrupt_pdf(tmp_path)
    ribbon = hostile.render_bomb_pdf(tmp_path)
    long = hostile.too_many_pages_pdf(tmp_path)
    for path in (corrupt, ribbon, long, hostile.encrypted_pdf(tmp_path)):
        assert deck(path) is DeckFormat.PDF
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(corrupt)
    with pdfium.PdfDocument(ribbon) as pdf:
        width, height = pdf[0].get_size()
        assert width > LIMITS.max_page_side_pt and width / height > LIMITS.max_page_aspect
    with pdfium.PdfDocument(long) as pdf:
        assert len(pdf) == LIMITS.max_slides + 1


def test_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    locked = hostile.encrypted_pdf(tmp_path)
    with pytest.raises(pdfium.PdfiumError) as caught:
        pdfium.PdfDocument(locked)
    assert caught.value.err_code == pdfium.raw.FPDF_ERR_PASSWORD
    with pdfium.PdfDocument(locked, password=hostile.PDF_PASSWORD) as pdf:
        page = pdf[0]
        assert page.get_textpage().get_text_range() == "Secret slide"


# --- the generators themselves --------------------------------------------------------------------


@pytest.mark.timeout(60)  # the generator must not write the inflated bytes; a hang guard, not a target
def test_zip_bomb_is_small_on_disk(tmp_path: Path) -> None:
    bomb = hostile.pptx_zip_bomb(tmp_path)
    assert bomb.stat().st_size < 4 << 20
    assert deck(bomb) is DeckFormat.PPTX


def test_generators_are_deterministic(tmp_path: Path) -> None:
    makers = [
        hostile.pptx_zip_bomb,
        hostile.pptx_entity_bomb,
        hostile.encrypted_pdf,
        hostile.encrypted_office,
    ]
    makers += [hostile.small_docx, hostile.ole_ppt]
    for make in makers:
        first, second = tmp_path / "a", tmp_path / "b"
        first.mkdir(exist_ok=True)
        second.mkdir(exist_ok=True)
        assert make(first).read_bytes() == make(second).read_bytes(), make.__name__


# --- formats only LibreOffice makes here ----------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small deck as LibreOffice writes it in ODP and in PowerPoint 97 (a real compound file)."""
    soffice = shutil.which("soffice")
    assert soffice is not None, "LibreOffice is missing: run make setup"
    folder = tmp_path_factory.mktemp("soffice")
    source = hostile.small_pptx(folder)
    made = {}
    for fmt in ("odp", "ppt"):
        command = [soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile"]
        command += ["--convert-to", fmt, "--outdir", str(folder), str(source)]
        subprocess.run(command, check=True, timeout=120, capture_output=True)
        made[fmt] = folder / f"deck.{fmt}"
    return made


@pytest.mark.slow
def test_libreoffice_odp_sniffs_as_odp_and_is_a_safe_zip(converted: dict[str, Path]) -> None:
    assert deck(converted["odp"]) is DeckFormat.ODP
    check_zip(converted["odp"], LIMITS)


@pytest.mark.slow
def test_libreoffice_ppt_sniffs_as_ppt(converted: dict[str, Path]) -> None:
    # Its Current User stream is small, so this reads it through the mini stream.
    assert deck(converted["ppt"]) is DeckFormat.PPT
