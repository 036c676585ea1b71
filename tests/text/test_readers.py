"""Documents as people have them: text, Markdown, HTML and PDF read as text; bad ones refused in one line."""

from __future__ import annotations

import codecs
import hashlib
import pickle
import time
from pathlib import Path

import pytest
from documents_support import html_page, write_pdf, write_scanned_pdf

from kg.errors import DocumentError, InputError
from kg.settings import Settings
from kg.text.document import parse_document
from kg.text.readers import DOCUMENT_SUFFIXES, document_bytes, read_document

# -- plain text and Markdown -----------------------------------------------------------------------

TEXTS = [
    # file name, bytes, the text read, media type, markdown, title
    ("note.txt", b"Quantum Pacts Multiply\n\nGermany and Japan signed a memorandum.\n",
     "Quantum Pacts Multiply\n\nGermany and Japan signed a memorandum.\n", "text/plain", False,
     "Quantum Pacts Multiply"),
    ("bom.txt", codecs.BOM_UTF8 + "Café Science Day\n\nText.\n".encode(),
     "Café Science Day\n\nText.\n", "text/plain", False, "Café Science Day"),
    ("wide.txt", "Quantum Notes\r\n\r\nText.\r\n".encode("utf-16"),
     "Quantum Notes\r\n\r\nText.\r\n", "text/plain", False, "Quantum Notes"),
    ("sourced.txt", b"Source: Reuters, 3 May 2024\nJapan and Canada Sign a Quantum Pact\n\nText.\n",
     "Source: Reuters, 3 May 2024\nJapan and Canada Sign a Quantum Pact\n\nText.\n", "text/plain", False,
     "Japan and Canada Sign a Quantum Pact"),
    ("sentence.txt", b"Germany and Japan signed a memorandum on quantum technologies.\n",
     "Germany and Japan signed a memorandum on quantum technologies.\n", "text/plain", False, None),
    ("front.md", b'---\ntitle: "Quantum Bridges"\nauthor: A. Writer\n---\n# Another Heading\n\nText.\n',
     '---\ntitle: "Quantum Bridges"\nauthor: A. Writer\n---\n# Another Heading\n\nText.\n', "text/markdown",
     True, "Quantum Bridges"),
    ("heading.markdown", b"Intro line.\n\n# Building **Quantum** Bridges\n\nText.\n",
     "Intro line.\n\n# Building **Quantum** Bridges\n\nText.\n", "text/markdown", True,
     "Building Quantum Bridges"),
]


@pytest.mark.parametrize(("name", "data", "text", "media_type", "markdown", "title"), TEXTS,
                         ids=[t[0] for t in TEXTS])
def test_text_and_markdown(tmp_path: Path, name: str, data: bytes, text: str, media_type: str,
                           markdown: bool, title: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    document = read_document(path)
    assert document.text == text
    assert (document.media_type, document.markdown, document.title) == (media_type, markdown, title)
    assert document.sha256 == hashlib.sha256(data).hexdigest()


# -- HTML ------------------------------------------------------------------------------------------

ARTICLE = """<article><header><h1>Quantum pact signed</h1><p>By a staff writer</p></header>
<p>Germany and   <b>Japan</b> signed a
memorandum on quantum technologies.<br>Officials in Berlin welcomed it.</p>
<div hidden>Draft: Atlantis joins</div><div style="display: none">Atlantis too</div>
<aside><p>Related: Atlantis news</p></aside><script>document.write("Atlantis")</script>
<h2>Partners</h2>
<ol><li>RIKEN<ul><li>Wako campus</li></ul></li><li><p>Fraunhofer</p></li></ol>
<dl><dt>IBM</dt><dd>an American company.</dd></dl>
<table><caption>Funding</caption><tr><th>Country</th><th>Amount</th></tr>
<tr><td>Germany</td><td>EUR 3 million</td></tr></table>
<form><input name="q"><button>Search Atlantis</button></form><div role="navigation">Atlantis links</div>
<!-- Atlantis in a comment --></article>"""

ARTICLE_TEXT = """# Quantum pact signed

By a staff writer

Germany and Japan signed a memorandum on quantum technologies.
Officials in Berlin welcomed it.

## Partners

1. RIKEN
   - Wako campus
2. Fraunhofer

- IBM: an American company.

Funding

Country | Amount

Germany | EUR 3 million
"""


def test_html_main_content_becomes_markdown(tmp_path: Path) -> None:
    path = tmp_path / "pact.html"
    path.write_text(html_page("Quantum pact signed | Ministry of Science", ARTICLE), encoding="utf-8")
    document = read_document(path)
    assert document.text == ARTICLE_TEXT  # navigation, header, footer, scripts, hidden parts dropped
    assert "Atlantis" not in document.text
    assert (document.media_type, document.markdown) == ("text/html", True)
    assert document.title == "Quantum pact signed"
    parsed = parse_document(document.text, markdown=True)
    (top,) = parsed.sections
    assert top.heading == "Quantum pact signed" and [s.heading for s in top.children] == ["Partners"]
    blocks = top.children[0].blocks
    assert [(b.kind, b.text) for b in blocks[:3]] == [
        ("numbered", "RIKEN"), ("numbered", "Fraunhofer"), ("bullet", "IBM: an American company.")]
    assert blocks[0].children[0].text == "Wako campus" and blocks[2].label == "IBM"


CHARSETS = [
    # what the page declares, its bytes after the declaration, the text expected
    ('<meta charset="iso-8859-1">', "Café Quantique".encode("latin-1"), "Café Quantique"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
     "€3 million for “quantum”".encode("cp1252"), "€3 million for “quantum”"),
    ('<?xml version="1.0" encoding="ISO-8859-15"?>', "Zürich €".encode("iso-8859-15"), "Zürich €"),
    ("", "Zürich undeclared".encode(), "Zürich undeclared"),
]


@pytest.mark.parametrize(("declaration", "body", "expected"), CHARSETS,
                         ids=["meta", "http-equiv", "xml", "none"])
def test_html_declared_charset_is_honoured(
    tmp_path: Path, declaration: str, body: bytes, expected: str
) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(declaration.encode() + b"<html><body><p>" + body + b"</p></body></html>")
    assert read_document(path).text == f"{expected}\n"


def test_html_byte_order_mark_wins_over_the_meta_charset(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(codecs.BOM_UTF8 + '<meta charset="iso-8859-1"><p>Café</p>'.encode())
    assert read_document(path).text == "Café\n"


TITLES = [
    # <title>, h1, the document's title
    ("Quantum pact signed | Ministry of Science", "Quantum pact signed", "Quantum pact signed"),
    ("Quantum pact signed - Ministry", "Quantum pact signed", "Quantum pact signed"),
    ("Ministry news | Ministry", "Quantum pact signed", "Ministry news | Ministry"),
    ("Quantum update | Site", None, "Quantum update | Site"),
    (None, "Quantum pact signed", "Quantum pact signed"),
]


@pytest.mark.parametrize(("title", "h1", "expected"), TITLES)
def test_html_title(tmp_path: Path, title: str | None, h1: str | None, expected: str) -> None:
    head = f"<head><title>{title}</title></head>" if title else ""
    heading = f"<h1>{h1}</h1>" if h1 else ""
    path = tmp_path / "page.html"
    path.write_text(f"<html>{head}<body>{heading}<p>Germany and Japan signed.</p></body></html>")
    assert read_document(path).title == expected


def test_html_entities_are_never_loaded_from_outside(tmp_path: Path) -> None:
    # html.parser reads a DTD's internal subset as one declaration and fetches nothing: an external
    # entity is not expanded (it stays literal text) and an external DTD is not requested.
    path = tmp_path / "xxe.html"
    path.write_text(
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<!DOCTYPE html SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
        "<html><body><p>Partner: &xxe; &amp; Japan</p></body></html>"
    )
    text = read_document(path).text
    assert text.startswith("Partner: &xxe") and text.endswith(" & Japan\n")  # the reference, unexpanded
    assert "root:" not in text


def test_html_listing_of_several_articles_keeps_them_all(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_text("<body><nav>Menu</nav><article><p>Japan signs.</p></article>"
                    "<article><p>Canada signs.</p></article></body>")
    assert read_document(path).text == "Japan signs.\n\nCanada signs.\n"


# -- PDF -------------------------------------------------------------------------------------------

PACT_PAGES = [
    ["Quantum Partnerships",
     "Germany and Japan signed a memorandum of understanding on quan-",
     "tum technologies in 2023, and the text opens shared test beds to",
     "researchers from both countries.",
     "The University of Tokyo partners with IBM on superconducting",
     "qubits."],
    ["Canada and the United Kingdom will run joint calls on quantum",
     "sensing and measurement standards.",
     "2"],
]
PACT_TEXT = (
    "Quantum Partnerships\n\n"
    "Germany and Japan signed a memorandum of understanding on quantum technologies in 2023, and the text "
    "opens shared test beds to researchers from both countries.\n\n"
    "The University of Tokyo partners with IBM on superconducting qubits.\n\n"
    "Canada and the United Kingdom will run joint calls on quantum sensing and measurement standards.\n"
)


@pytest.mark.parametrize(("metadata_title", "title"), [
    ("Quantum Partnerships Report", "Quantum Partnerships Report"),
    ("Microsoft Word - pacts-final.docx", "Quantum Partnerships"),
    ("untitled", "Quantum Partnerships"),
    (None, "Quantum Partnerships"),
])
def test_pdf_paragraphs_hyphenation_and_title(tmp_path: Path, metadata_title: str | None, title: str) -> None:
    path = write_pdf(tmp_path / "pacts.pdf", PACT_PAGES, title=metadata_title)
    document = read_document(path)
    assert document.text == PACT_TEXT  # "quan-" + "tum" mended, lines joined, page number dropped
    assert (document.media_type, document.markdown, document.title) == ("application/pdf", False, title)
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    parsed = parse_document(document.text)
    assert parsed.title == "Quantum Partnerships"


def test_pdf_list_items_stay_items(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "drivers.pdf", [[
        "The partners named three drivers for the agreement in their joint statement:",
        "• Talent: doctoral students will spend a semester at each of the partner",
        "universities and laboratories.",
        "• Cost: the dilution refrigerators are shared.",
    ]])
    text = read_document(path).text
    assert text == (
        "The partners named three drivers for the agreement in their joint statement:\n\n"
        "• Talent: doctoral students will spend a semester at each of the partner universities and "
        "laboratories.\n• Cost: the dilution refrigerators are shared.\n"
    )
    (section,) = parse_document(text).sections
    assert [(b.kind, b.label) for b in section.blocks[1:]] == [("bullet", "Talent"), ("bullet", "Cost")]


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "owner.pdf", [["Japan and Canada signed."]])
    assert read_document(path).text == "Japan and Canada signed.\n"


# -- bad documents ---------------------------------------------------------------------------------

BAD = [
    # file name, bytes, what the one-line message says
    ("empty.txt", b"", "empty file (0 bytes)"),
    ("blank.md", b"  \n\t\n", "empty: the document holds only whitespace"),
    ("nul.txt", b"Japan\x00Canada", "binary file (NUL byte at offset 5), not a text document"),
    ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (a PNG image), not a text document"),
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary file (a PDF file), not a text document"),
    ("latin.txt", "Café".encode("latin-1"),
     "not UTF-8 and no other encoding is declared: byte 0xe9 at offset 3"),
    ("undeclared.html", b"<p>Caf\xe9</p>",
     "not UTF-8 and no other encoding is declared: byte 0xe9 at offset 6"),
    ("lying.html", b'<meta charset="utf-8"><p>Caf\xe9</p>',
     "not valid utf-8 as its meta charset (utf-8) says: byte 0xe9 at offset 28"),
    ("klingon.html", b'<meta charset="klingon"><p>Qapla</p>',
     "declares the charset 'klingon', not a known encoding"),
    ("menu.html", b"<body><nav>Home</nav><script>x()</script><footer>Contact</footer></body>",
     "empty: the page has no text outside navigation, scripts and forms"),
    ("fake.pdf", b"Japan and Canada", "not a PDF: no %PDF- header"),
    ("broken.pdf", b"%PDF-1.4\nnot really", "not a readable PDF"),
    ("notes.docx", b"PK\x03\x04",
     "unsupported document type ('.docx'; supported: .txt, .md, .markdown, .html, .htm, .pdf)"),
    ("README", b"Japan", "unsupported document type (no suffix;"),
]


@pytest.mark.parametrize(("name", "data", "problem"), BAD, ids=[b[0] for b in BAD])
def test_bad_document_is_one_line_naming_the_file(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as raised:
        read_document(path)
    message = str(raised.value)
    assert message.startswith(f"{name}: {problem}")
    assert "\n" not in message
    assert isinstance(raised.value, InputError)  # answered with 400 by the service


def test_scanned_and_encrypted_pdfs_say_so(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"^scan\.pdf: no text layer \(scanned PDF\?\)"):
        read_document(write_scanned_pdf(tmp_path / "scan.pdf"))
    locked = write_pdf(tmp_path / "locked.pdf", [["Secret text"]], user_password="secret")
    with pytest.raises(DocumentError, match=r"^locked\.pdf: encrypted PDF \(password-protected\)"):
        read_document(locked)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"^gone\.txt: no such file: "):
        read_document(tmp_path / "gone.txt")
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(DocumentError, match=r"^folder\.md: is a folder, not a document"):
        read_document(tmp_path / "folder.md")


def test_50_mb_file_is_refused_by_its_size_without_being_read(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: nothing written
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self != huge, "the file was read"
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    started = time.perf_counter()
    with pytest.raises(DocumentError) as raised:
        read_document(huge)
    assert time.perf_counter() - started < 0.5
    assert str(raised.value) == ("huge.txt: too large: 52,428,800 bytes, more than the limit of 20,000,000 "
                                 "bytes (QCOLLAB_MAX_DOCUMENT_BYTES)")


def test_limit_comes_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCOLLAB_MAX_DOCUMENT_BYTES", "16")
    limit = Settings().max_document_bytes
    assert limit == 16
    path = tmp_path / "short.txt"
    path.write_text("Japan and Canada")
    assert document_bytes(path, limit) == b"Japan and Canada"
    path.write_text("Japan and Canada signed.")
    with pytest.raises(DocumentError, match=r"^short\.txt: too large: 24 bytes, more than the limit of 16 "):
        read_document(path, max_bytes=limit)


def test_document_error_keeps_its_parts_through_pickling() -> None:
    error = pickle.loads(pickle.dumps(DocumentError("a.pdf", "encrypted PDF")))
    assert (error.name, error.problem, str(error)) == ("a.pdf", "encrypted PDF", "a.pdf: encrypted PDF")


def test_every_suffix_has_a_reader() -> None:
    assert set(DOCUMENT_SUFFIXES) == {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
