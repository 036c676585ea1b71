"""Documents as people have them, made in the test's folder: PDFs (with fpdf2) and HTML pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from PIL import Image


def write_pdf(
    path: Path, pages: Sequence[Sequence[str]], *, title: str | None = None, user_password: str | None = None
) -> Path:
    """A PDF with a text layer: each page its lines as set (a blank string is a blank line)."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # "•", "€" and curly quotes in the core fonts
    if title is not None:
        pdf.set_title(title)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            if line:
                pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT", h=6)
            else:
                pdf.ln(6)
    if user_password is not None:
        pdf.set_encryption(owner_password="owner", user_password=user_password,
                           encryption_method=EncryptionMethod.RC4)
    path.write_bytes(bytes(pdf.output()))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only an image, as a scanner makes it: no text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (400, 200), "gray"), x=10, y=10, w=150)
    path.write_bytes(bytes(pdf.output()))
    return path


def html_page(title: str, body: str, *, charset: str = "utf-8") -> str:
    """An HTML page with site navigation and a footer around `body` (the main content)."""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
        "<style>main { color: navy }</style><script>var partner = 'Atlantis';</script></head>\n"
        '<body><header><a href="/">Ministry of Science</a><nav><ul><li><a href="/news">News</a></li>'
        '<li><a href="/about">About Atlantis</a></li></ul></nav></header>\n'
        f"<main>{body}</main>\n"
        '<footer><p>Copyright Atlantis Media. All rights reserved.</p></footer></body></html>\n'
    )
