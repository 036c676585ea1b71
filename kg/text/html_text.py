"""HTML -> the Markdown-ish text of its main content (headings, list items, paragraphs) and its title.

Parsed with BeautifulSoup over the standard library's html.parser: no C dependency, and it never
fetches anything: a DTD, an external entity (`<!ENTITY x SYSTEM "file:...">`) or a stylesheet is
not loaded, and an undefined entity reference stays literal text.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from kg.errors import DocumentError
from kg.text.decoding import bom_encoding, decode, known_encoding

_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", re.IGNORECASE)

_DROP_TAGS = frozenset({
    "head", "script", "style", "noscript", "template", "nav", "footer", "aside", "iframe", "svg",
    "button", "select", "textarea", "canvas", "object", "embed",
})
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
# A <header> inside these is the header of an article (its title, byline), not the site's banner.
_HEADER_SCOPES = ["article", "main", "section"]
# ASP.NET pages wrap the whole page in one <form>: a form that holds the content is kept.
_FORM_CONTENT = ["main", "article", "h1", "h2"]
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = ["ul", "ol", "menu"]
_BLOCKS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "html", "legend", "main",
    "p", "section", "summary", "td", "th", "tr",
})
_SPACED = _BLOCKS | set(_LISTS) | set(_HEADINGS) | {"br", "dl", "hr", "li", "pre", "table"}
_WHITESPACE = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·»:]{1,2}\s+")


def html_document(name: str, data: bytes) -> tuple[str, str | None]:
    """The Markdown-ish text of an HTML page's main content, and the page's own title."""
    text = decode_html(name, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4's hints (markup that looks like a file name, XHTML)
        soup = BeautifulSoup(text, "html.parser")
    content = _main_content(soup)
    writer = _Writer()
    _walk(content, writer)
    converted = writer.result()
    if not converted.strip():
        raise DocumentError(name, "empty: the page has no text outside navigation, scripts and forms")
    return converted, _title(soup, content)


def decode_html(name: str, data: bytes) -> str:
    """Decode by the byte order mark, else the declared charset (meta or XML declaration), else UTF-8."""
    if bom_encoding(data)[0] is not None:
        return decode(name, data, None)
    head = data[:_PRESCAN_BYTES]
    for pattern, where in ((_XML_ENCODING, "its XML declaration"), (_META_CHARSET, "its meta charset")):
        found = pattern.match(head) if pattern is _XML_ENCODING else pattern.search(head)
        if found:
            charset = found.group(1).decode("ascii")
            return decode(name, data, known_encoding(name, charset), declared=f"{where} ({charset})")
    return decode(name, data, None)


def _attr(tag: Tag, key: str) -> str:
    value = tag.get(key)
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else str(value)


def _dropped(tag: Tag) -> bool:
    """Navigation, boilerplate, scripts and hidden elements: not part of the document's text."""
    name = tag.name
    if name in _DROP_TAGS:
        return True
    if name == "header" and tag.find_parent(_HEADER_SCOPES) is None:
        return True
    if name == "form" and tag.find(_FORM_CONTENT) is None:
        return True
    if _attr(tag, "role").strip().lower() in _DROP_ROLES:
        return True
    if tag.has_attr("hidden") or _attr(tag, "aria-hidden").strip().lower() == "true":
        return True
    style = re.sub(r"\s+", "", _attr(tag, "style")).lower()
    return "display:none" in style or "visibility:hidden" in style


def _inside_dropped(tag: Tag, top: Tag | None = None) -> bool:
    node: Tag | None = tag
    while node is not None and node is not top:
        if _dropped(node):
            return True
        node = node.parent
    return False


def _main_content(soup: BeautifulSoup) -> Tag:
    """`<main>` (or role=main), else the one `<article>`, else `<body>`."""
    mains = soup.find_all(lambda t: t.name == "main" or _attr(t, "role").lower() == "main")
    kept = [t for t in mains if not _inside_dropped(t)]
    if kept:
        return kept[0]
    articles = [t for t in soup.find_all("article") if not _inside_dropped(t)]
    if len(articles) == 1:  # several articles (a listing) are all content: take the body
        return articles[0]
    return soup.body or soup


def _collect(node: Tag, parts: list[str], skip_lists: bool) -> None:
    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA, processing instructions
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag) and not _dropped(child) and not (skip_lists and child.name in _LISTS):
            spaced = child.name in _SPACED
            parts.append(" " if spaced else "")
            _collect(child, parts, skip_lists)
            parts.append(" " if spaced else "")


def _inline(node: Tag, skip_lists: bool = False) -> str:
    """The text of an element on one line, whitespace collapsed."""
    parts: list[str] = []
    _collect(node, parts, skip_lists)
    return " ".join("".join(parts).split())


class _Writer:
    """Blocks of output text: paragraphs, headings, lists; blank lines between them."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        lines = (" ".join(line.split()) for line in "".join(self.inline).split("\n"))
        self.inline.clear()
        kept = [line for line in lines if line]
        if kept:
            self.blocks.append("\n".join(kept))

    def block(self, text: str) -> None:
        self.flush()
        if text:
            self.blocks.append(text)

    def result(self) -> str:
        self.flush()
        return "\n\n".join(self.blocks) + "\n" if self.blocks else ""


def _walk(node: Tag, out: _Writer) -> None:
    for child in node.children:
        if isinstance(child, PreformattedString):
            continue
        if isinstance(child, NavigableString):
            out.inline.append(_WHITESPACE.sub(" ", str(child)))  # only <br> breaks a line
            continue
        if not isinstance(child, Tag) or _dropped(child):
            continue
        name = child.name
        if name in _HEADINGS:
            heading = _inline(child)
            out.block(f"{'#' * _HEADINGS[name]} {heading}" if heading else "")
        elif name == "br":
            out.inline.append("\n")
        elif name == "hr":
            out.flush()
        elif name in _LISTS:
            out.block("\n".join(_list_lines(child, 0)))
        elif name == "li":
            out.block("\n".join(_item_lines(child, "-", 0)))
        elif name == "dl":
            out.block("\n".join(_definition_lines(child)))
        elif name == "table":
            out.flush()
            for row in _table_rows(child):
                out.block(row)
        elif name == "pre":
            raw = "".join(str(s) for s in child.strings if not isinstance(s, PreformattedString))
            out.block("\n".join(" ".join(line.split()) for line in raw.splitlines() if line.strip()))
        elif name in _BLOCKS:
            out.flush()
            _walk(child, out)
            out.flush()
        else:
            _walk(child, out)


def _list_lines(tag: Tag, indent: int) -> list[str]:
    """`- item` (or `1. item` for <ol>) lines; nested lists indented under their item."""
    numbered = tag.name == "ol"
    start = _attr(tag, "start").strip()
    number = int(start) if numbered and start.isdigit() else 1
    lines: list[str] = []
    for item in tag.find_all("li", recursive=False):
        if _dropped(item):
            continue
        lines.extend(_item_lines(item, f"{number}." if numbered else "-", indent))
        number += 1  # as browsers count: every item, even an empty one
    return lines


def _item_lines(item: Tag, marker: str, indent: int) -> list[str]:
    text = _inline(item, skip_lists=True)
    lines = [f"{' ' * indent}{marker} {text}"] if text else []
    for sub in item.find_all(_LISTS):
        if sub.find_parent("li") is not item or _inside_dropped(sub, item):
            continue
        lines.extend(_list_lines(sub, indent + len(marker) + 1))
    return lines


def _definition_lines(tag: Tag) -> list[str]:
    """A definition list as `- term: definition` items."""
    lines: list[str] = []
    term: str | None = None
    for part in tag.find_all(["dt", "dd"]):
        if part.find_parent("dl") is not tag or _inside_dropped(part, tag):
            continue
        text = _inline(part)
        if part.name == "dt":
            if term:
                lines.append(f"- {term}")
            term = text or None
        elif text:
            lines.append(f"- {term}: {text}" if term else f"- {text}")
            term = None
    if term:
        lines.append(f"- {term}")
    return lines


def _table_rows(table: Tag) -> list[str]:
    """The caption, then one line per row, its cells joined by ` | `."""
    rows: list[str] = []
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        rows.append(_inline(caption))
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table or _inside_dropped(row, table):
            continue
        cells = [_inline(c) for c in row.find_all(["td", "th"], recursive=False) if not _dropped(c)]
        if any(cells):
            rows.append(" | ".join(c for c in cells if c))
    return rows


def _title(soup: BeautifulSoup, content: Tag) -> str | None:
    """`<title>` (without a " | Site" suffix when the h1 is the part before it), else the first h1."""
    title_tag = next((t for t in soup.find_all("title") if t.find_parent("svg") is None), None)
    title = " ".join(title_tag.get_text().split()) if title_tag is not None else ""
    h1 = next((h for h in content.find_all("h1") if not _inside_dropped(h, content)), None)
    heading = _inline(h1) if h1 is not None else ""
    if title and heading:
        for separator in _TITLE_SEPARATORS.finditer(title):
            before = title[: separator.start()]
            if before.casefold() == heading.casefold():
                return before
    return title or heading or None
