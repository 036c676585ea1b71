"""Lists of actors read off the word order, where the parse lost their conjunction (often at brackets)."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.mentions import EntityMention


def left_conjuncts(doc: Doc, at: dict[int, EntityMention], index: int) -> list[EntityMention]:
    """ "X and Y jointly designed": the actors listed right before position `index`."""
    while index >= 0 and doc[index].pos_ in ("ADV", "AUX", "PART"):
        index -= 1
    names: list[EntityMention] = []
    while index >= 0:
        if index >= 2 and doc[index].text == ")" and doc[index - 2].text == "(":
            index -= 3  # "the National Research Council of Canada (NRC)"
        index = _before_apposition(doc, at, index)
        mention = at.get(index)
        if index < 0 or mention is None or mention.kind != "actor":
            break
        if mention.iri not in {n.iri for n in names}:
            names.append(mention)
        index = mention.start - 1
        while index >= 0 and doc[index].lower_ in ("the", "a"):
            index -= 1
        if index < 0 or doc[index].lower_ not in ("and", ",", "&"):
            break
        index -= 1
        while index >= 0 and doc[index].lower_ in ("the", ","):
            index -= 1
    return names[::-1] if len(names) >= 2 else []


def _before_apposition(doc: Doc, at: dict[int, EntityMention], index: int) -> int:
    """ "Mitacs, a Canadian non-profit organisation, and": from the description's end back to the name."""
    if index < 0 or index in at:
        return index
    for comma in range(index - 1, max(index - 8, 0), -1):
        if doc[comma].text == ",":
            described = comma - 1 in at and doc[comma + 1].lower_ in ("a", "an", "the")
            plain = all(t.pos_ not in ("VERB", "AUX") for t in doc[comma + 1 : index + 1])
            return comma - 1 if described and plain else index
    return index


def _past_brackets(doc: Doc, index: int) -> int:
    """Past "(TU Delft)" after a name: a short bracket of the name's own acronym or short form."""
    if index < len(doc) and doc[index].text == "(":
        close = next((i for i in range(index + 1, min(index + 6, len(doc))) if doc[i].text == ")"), None)
        if close is not None:
            return close + 1
    return index


def _past_place(doc: Doc, index: int) -> int:
    """Past "near Barcelona", "in Delft", "based in the UK" after a name in a list."""
    start = index
    if index < len(doc) and doc[index].lower_ == "based":
        index += 1
    if index >= len(doc) or doc[index].lower_ not in ("near", "in", "at", "from"):
        return start
    index += 1
    if index < len(doc) and doc[index].lower_ == "the":
        index += 1
    words = 0
    while index < len(doc) and doc[index].text[:1].isupper() and words < 3:
        index, words = index + 1, words + 1
    return index if words else start


def right_conjuncts(doc: Doc, at: dict[int, EntityMention], first: EntityMention) -> list[EntityMention]:
    """ "founded by X (X2) and Y (Y2)": the actors listed after `first` up to the one after "and"; none
    unless the list ends with "and" (after "X, Y built" Y is the next subject, not a conjunct)."""
    names: list[EntityMention] = []
    index = first.end
    while True:
        index = _past_place(doc, _past_brackets(doc, index))
        if index >= len(doc) or doc[index].lower_ not in (",", "and"):
            return []
        last = doc[index].lower_ == "and" or (
            index + 1 < len(doc) and doc[index].text == "," and doc[index + 1].lower_ == "and"
        )
        index += 2 if doc[index].text == "," and last else 1
        while index < len(doc) and doc[index].lower_ == "the":
            index += 1
        mention = at.get(index)
        if mention is None or mention.kind != "actor" or mention.start != index:
            return []
        names.append(mention)
        index = mention.end
        if last:
            after = _past_brackets(doc, index)
            clause = after < len(doc) and doc[after].pos_ in ("VERB", "AUX")  # ", and KRISS is partnered"
            return [] if clause else names
