"""Program names to their full extent, and programs named by a list's layout or by a description."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract.acronyms import spelled_extent
from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import (
    DESCRIBED_HEADS,
    DESCRIPTION_TRIM,
    EXTENDED_HEADS,
    LISTED_HEADINGS,
    LISTED_HEADS,
    MEMBER_BODIES,
    MONTHS,
    MULTILATERAL,
    NUMBERED_WORDS,
    OWNED_HEADS,
)
from kg.extract.methods import SURFACE
from kg.extract.name_shapes import PROGRAM_WORDS
from kg.extract.patterns import NameMatch, find_program_names
from kg.extract.spans import EntityMention
from kg.namespaces import QC, QCR
from kg.text.document import Sentence, slugify

_DASH_OWNERS = re.compile(r"(?<![\w.&-])[A-Z][\w.&]*(?: [A-Z][\w.&]*){0,2}(?: [–—] |[–—])$")
_HYPHENED = re.compile(r"(?<![\w-])[A-Z][a-z]+-[a-z]+ $")
_TOPIC = re.compile(
    r" (?P<prep>in|via|on|for) (?P<run>[A-Z][\w'’&²-]*(?: (?:(?:and|of|for|the|&) )*[A-Z][\w'’&²-]*)*)"
)
_NUMBERED = re.compile(
    r" (?:(?P<year>(?:19|20)\d\d)(?![\w-])|(?P<roman>II|III|IV|I|Plus)(?=[,.;:)]| (?:was|is|has|ran)\b))"
)
_PART_OF = re.compile(r"(?:Stage|Phase|Part|Round|Tranche|Wave|Track) [A-Z0-9]{1,3} of (?:the )?")
_HEAD_AFTER = re.compile(r" (?P<head>[A-Z][a-z]+)(?![\w-])")
_DATE_TAIL = re.compile(rf" (?:of|in) (?:{'|'.join(sorted(MONTHS))})$")


def _coded_word(word: str) -> bool:
    """ "QuantERA", "OpenSuperQ": a code name, capitals inside the word."""
    return word[:1].isupper() and any(c.isupper() for c in word[1:])


def extend_name(
    text: str, start: int, end: int, bounds: tuple[int, int], known: Callable[[str], bool]
) -> tuple[int, int]:
    """A program name's full extent: "Japan–IBM" + "Quantum Partnership", "Entanglement-based" + "Quantum
    Network Center", "... Hub" + "in Sensors and Metrology", "... Group" + "on Quantum Key Distribution";
    without a date the pattern took in ("CHIPS and Science Act" of "August")."""
    low, high = bounds
    if (tail := _DATE_TAIL.search(text, start, end)) is not None:
        end = tail.start()
    sentence_start = max(text.rfind(". ", low, start) + 2, low)
    start, end = spelled_extent(text, sentence_start, start, end)  # "... at Space Scale (QUESS)"
    before = text[low:start]
    owners = _DASH_OWNERS.search(before)
    if owners is not None and not (owners.start() == 0 and owners.group().endswith(" ")):
        start = low + owners.start()  # not "BRISBANE – ...", a dateline
    elif (hyphened := _HYPHENED.search(before)) is not None:
        start = low + hyphened.start()
    head = _HEAD_AFTER.match(text, end, high)
    single = " " not in text[start:end].strip()
    if head is not None and single and head.group("head").lower() in PROGRAM_WORDS:
        end = head.end()  # "EuroQCI" + "Declaration", when "EuroQCI" already names the initiative
    if (number := _NUMBERED.match(text, end, high)) is not None:
        last = text[start:end].split()[-1]
        year = number.group("year") is not None and last.lower() in NUMBERED_WORDS
        roman = number.group("roman") is not None and (
            (" " not in text[start:end].strip() and _coded_word(last)) or last.lower() in NUMBERED_WORDS
        )  # "QuantERA II", "AUKUS Pillar II"
        if year or roman:  # "QuantERA Call" + "2023", "QuantERA" + "II"
            end = number.end("year") if year else number.end("roman")
    extended = False
    while (topic := _TOPIC.match(text, end, high)) is not None:
        run = topic.group("run")
        capitals = [w for w in run.split() if w[:1].isupper()]
        if not extended and not any(w.lower() in EXTENDED_HEADS for w in text[start:end].split()):
            break
        if run.split()[0] in MONTHS or known(run) or any(known(w) for w in capitals):
            break
        if topic.group("prep") == "in" and len(capitals) < 2:
            break
        end, extended = topic.end(), True
    if text.startswith(("The ", "the "), start):
        start += 4  # a dash owner's "The U.S.–India ..." at the start of a sentence
    return start, end


def _known_actor(gazetteer: Gazetteer, name: str) -> bool:
    entry = gazetteer.lookup(name)
    return entry is not None and entry.kind == "actor"


def find_programs(gazetteer: Gazetteer, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
    """The program names of the patterns, each to its full extent (see `extend_name`), without overlaps."""
    bounds = (start, len(text) if end is None else end)
    found: list[NameMatch] = []
    for match in find_program_names(text, *bounds):
        if match.name.split()[-1].lower() in MEMBER_BODIES:
            continue  # "European Quantum Industry Consortium": an organization its members form
        first, last = extend_name(text, match.start, match.end, bounds, lambda n: _known_actor(gazetteer, n))
        if (part := _PART_OF.match(text, first, last)) is not None:
            first = part.end()  # "Stage A of the DARPA Quantum Benchmarking Initiative": the initiative
        listed = text.rfind(" and the ", first, last)
        if listed >= 0 and re.search(r"['’]s ", text[listed:last]):
            first = listed + len(" and the ")  # "Innovate UK and the NRC's Industrial ... Program"
        if (first, last) != (match.start, match.end):
            match = replace(match, name=" ".join(text[first:last].split()), start=first, end=last)
        found = [f for f in found if not (match.start <= f.start and f.end <= match.end)]
        if not any(f.start <= match.start and match.end <= f.end for f in found):
            found.append(match)
    return found


def extend_programs(
    gazetteer: Gazetteer, doc: Doc, offset: int, mentions: list[EntityMention]
) -> list[EntityMention]:
    """Program mentions to the full extent of their names ("Japan–IBM Quantum Partnership"), dropping the
    mentions the longer name takes in ("Japan", "IBM")."""
    result = list(mentions)
    for mention in mentions:
        if mention.kind != "program" or mention not in result:
            continue
        span = doc[mention.start : mention.end]
        bounds = (0, len(doc.text))
        first, last = extend_name(
            doc.text, span.start_char, span.end_char, bounds, lambda n: _known_actor(gazetteer, n)
        )
        longer = doc.char_span(first, last, alignment_mode="expand")
        if longer is None or (longer.start, longer.end) == (mention.start, mention.end):
            continue
        name = " ".join(longer.text.split())
        entry = gazetteer.lookup(name)
        known = entry if entry is not None and entry.kind == "program" else None
        extended = replace(
            mention,
            start=longer.start,
            end=longer.end,
            char_start=offset + longer.start_char,
            char_end=offset + longer.end_char,
            name=name,
            iri=known.iri if known is not None else QCR[slugify(name)],
            entry=known,
            method=SURFACE,
        )
        result = [m for m in result if m.end <= longer.start or m.start >= longer.end or m is mention]
        result[result.index(mention)] = extended
    return result


_LEAD_NAME = re.compile(
    r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:The[ \t]+)?\*\*(?P<name>[A-Z][^*\n.:;]{1,70})\*\*"
    r"[ \t]*(?:\(\*{0,2}[A-Z][\w²-]*\*{0,2}\)[ \t]*)?(?P<noun>[a-z]+|:)?"
)


def listed_program(gazetteer: Gazetteer, text: str, sentence: Sentence, heading: str) -> NameMatch | None:
    """ "## Selected projects" / "- **OpenSuperQ** set out to ...", "- **Alliance Quantum grants** fund ...",
    "- **Collaborative Research and Training Experience** (**CREATE**) grants": the bold name a list item
    opens with, under a heading of programs or shaped like one, names a program."""
    line = text.rfind("\n", 0, sentence.start) + 1
    match = _LEAD_NAME.match(text, line, sentence.end)
    if match is None or match.start("name") < sentence.start - 4:
        return None
    name = " ".join(match.group("name").split())
    words, entry = name.split(), gazetteer.lookup(name)
    if len(words) > 8 or match.group("noun") == ":" or (entry is not None and entry.kind != "program"):
        return None  # "**Computing**: to place Canada among ...": a heading of its own, not a name
    if len(words) == 1 and not any(c.isupper() or c.isdigit() for c in name[1:]):
        return None
    listed = {w.lower().strip(".,") for w in heading.split()} & LISTED_HEADINGS
    shaped = words[-1].lower() in LISTED_HEADS or (match.group("noun") or "") in LISTED_HEADS
    if not listed and not shaped:
        return None
    return NameMatch(name, match.start("name"), match.end("name"), "program")


def described_programs(gazetteer: Gazetteer, doc: Doc, offset: int) -> list[EntityMention]:
    """Programs named by a description with their owner or field: "the Brisbane quantum computer project",
    "a European quantum fund", "the UK–Singapore satellite QKD programme", "a trilateral call", "national
    test facilities for quantum technology" (a name in capitals is read elsewhere)."""
    mentions = []
    for head in doc:
        if (
            head.lower_ not in DESCRIBED_HEADS
            or not head.text.islower()
            or head.pos_ not in ("NOUN", "PROPN")
        ):
            continue
        first = _description_start(gazetteer, doc, head.i)
        if first is None:
            continue
        end = _description_end(doc, head.i)
        words = [t for t in doc[first:end] if t.i != head.i and not t.is_punct and t.lower_ != "and"]
        owners = [t for t in words if _owner(gazetteer, t)]
        described = {t.lower_ for t in words if t not in owners}
        quantum = any(w.startswith("quantum") or w == "qkd" for w in described)
        paired = len(owners) >= 2 and any(t.text in ("-", "–") for t in doc[first : head.i])  # "Canada-UK"
        multilateral = (bool(described & MULTILATERAL) or paired) and head.lower_ in OWNED_HEADS
        enough = len(described) >= 2 or (len(described) >= 1 and owners and head.lower_ in OWNED_HEADS)
        if not (multilateral or (quantum and enough)):
            continue
        span = doc[first:end]
        name = " ".join(span.text.split())
        mentions.append(
            EntityMention(
                span.start,
                span.end,
                offset + span.start_char,
                offset + span.end_char,
                name,
                QCR[slugify(name)],
                "program",
                (QC.Program,),
                None,
                SURFACE,
                0.65,
            )
        )
    return mentions


def _owner(gazetteer: Gazetteer, token: Token) -> bool:
    """ "Brisbane", "Finnish", "Canada-UK": a place or people a described program belongs to."""
    if token.ent_type_ in ("GPE", "NORP", "LOC") or token.lower_ in ("european", "federal"):
        return True
    entry = gazetteer.lookup(token.text)
    return entry is not None and entry.kind == "actor"


def _description_start(gazetteer: Gazetteer, doc: Doc, head: int) -> int | None:
    """Where the words describing a program's head noun begin, or None if a proper name is among them."""
    first = head
    index = head - 1
    while index >= 0:
        token = doc[index]
        joined = token.text in ("-", "–", "—") and not token.whitespace_ and doc[index - 1].whitespace_ == ""
        if not any(c.isalnum() for c in token.text) and token.text not in ("-", "–"):
            break  # "**", "|"
        misread = token.tag_ in ("VB", "VBP", "VBG") and doc[index + 1].pos_ == "NOUN"  # "cloud service"
        if joined or misread or token.pos_ in ("ADJ", "NOUN", "PROPN") or token.text == "R&D":
            first = index
        elif token.lower_ == "and" and index > 0 and doc[index - 1].pos_ == "NOUN" and first < head:
            first = index  # "quantum computer construction and cloud service project"
        else:
            break
        index -= 1
    while first < head and (
        doc[first].lower_ in DESCRIPTION_TRIM
        or doc[first].ent_type_ == "ORDINAL"
        or doc[first].text in ("-", "–", "and")
        or (first > 0 and doc[first - 1].text in ("-", "–") and not doc[first - 1].whitespace_)
    ):  # "a new ...", "the first ...", "an eight-year ..."
        first += 1
    if first == head:
        return None
    for token in doc[first:head]:
        at_start = token.i == 0 or doc[token.i - 1].text in ("|", "**")
        capital = token.text[:1].isupper() and not token.text.isupper()
        if capital and not at_start and not _owner(gazetteer, token) and token.text != "R&D":
            return None  # "the Quantum Sensors Challenge programme": a name read elsewhere
    return first


def _description_end(doc: Doc, head: int) -> int:
    """After the head: "for quantum research and innovation", "on quantum technologies" (up to a comma)."""
    end = head + 1
    if end < len(doc) and doc[end].lower_ in ("for", "on"):
        stop = end + 1
        while (
            stop < len(doc)
            and stop - end <= 9
            and (
                doc[stop].pos_ in ("ADJ", "NOUN", "PROPN")
                or doc[stop].lower_ in ("and", "on", "of")
                or (doc[stop].text in ("-", "–") and not doc[stop].whitespace_)
            )
        ):
            stop += 1
        while stop > end + 1 and doc[stop - 1].lower_ in ("and", "on", "of", "-", "–"):
            stop -= 1
        if "quantum" in {t.lower_ for t in doc[end + 1 : stop]}:
            return stop
    return end


_PLAN_YEAR = re.compile(r"20[2-6][05]")  # plans take round years ("France 2030"); events the year they are
_EVENT_WORDS = frozenset({"conference", "summit", "expo", "event", "forum", "congress", "week", "workshop"})


def _years_run_on(doc: Doc, end: int) -> bool:
    """ "Japan 2025 and 2026", "2025-2030": a range or a list of years, or an event, not a plan's name."""
    following = doc[end : end + 2]
    return bool(following) and (
        following[0].like_num
        or following[0].lower_ in _EVENT_WORDS  # "Quantum Korea 2025 conference": an event
        or (len(following) == 2 and following[0].text in ("and", "to", "-", "–"))
    )


def dated_plans(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    """ "France 2030", "Vision 2030": a name followed at once by a year of the future is a national plan, a
    program, not the place ("France in 2030", "by 2030" stay what they are)."""
    result = []
    for mention in mentions:
        last = doc[mention.end - 1]
        within = mention.end - mention.start > 1 and _PLAN_YEAR.fullmatch(last.text) is not None
        end = mention.end if within else mention.end + 1  # "Vision 2030" read whole, "France" + "2030"
        plan = (
            mention.kind == "actor"
            and end <= len(doc)
            and _PLAN_YEAR.fullmatch(doc[end - 1].text) is not None
            and not _years_run_on(doc, end)
            and doc[mention.start].text[:1].isupper()
        )
        if not plan:
            result.append(mention)
            continue
        span = doc[mention.start : end]
        name = span.text
        chars = (offset + span.start_char, offset + span.end_char)
        result.append(
            replace(
                mention,
                end=span.end,
                char_start=chars[0],
                char_end=chars[1],
                name=name,
                iri=QCR[slugify(name)],
                kind="program",
                classes=(QC.Program,),
                entry=None,
                method=SURFACE,
                confidence=0.75,
            )
        )
    return result
