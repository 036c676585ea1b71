"""What a learned reader sees of two actors named in one parsed sentence: sparse, named features."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef
from spacy.tokens import Doc, Token

from kg.extract.spans import EntityMention


@dataclass(frozen=True)
class PairCandidate:
    """Two different actors named in one sentence, and whether the rules found them collaborating."""

    first: URIRef
    second: URIRef
    sentence_start: int
    sentence_end: int
    sentence_text: str
    features: list[str]
    parse_found: bool


_CONTENT = frozenset({"NOUN", "VERB", "ADJ", "ADV", "ADP"})
_MAX_PATH = 8


def _bucket(value: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20)) -> str:
    return next((f"<={edge}" for edge in edges if value <= edge), f">{edges[-1]}")


def _word(token: Token) -> str:
    return token.lemma_.lower() if token.pos_ != "PROPN" else "PROPN"


def _ancestors(token: Token) -> list[Token]:
    """The token and its heads up to the root."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def dependency_path(first: Token, second: Token) -> tuple[list[Token], list[Token], Token]:
    """The parse path between two tokens: up from the first, down to the second, and where they meet."""
    up, down = _ancestors(first), _ancestors(second)
    down_ids = {t.i: n for n, t in enumerate(down)}
    for n, token in enumerate(up):
        if token.i in down_ids:
            return up[:n], list(reversed(down[: down_ids[token.i]])), token
    return up, list(reversed(down)), up[-1]  # different roots: no shared head (never in one spaCy sentence)


def _class_name(mention: EntityMention) -> str:
    return str(mention.classes[0]).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if mention.classes else "Actor"


def _outside(token: Token, mentions: Sequence[EntityMention]) -> bool:
    return not any(m.covers(token) for m in mentions)


def pair_features(
    doc: Doc, first: EntityMention, second: EntityMention, mentions: Sequence[EntityMention]
) -> list[str]:
    """The features of a candidate pair (first named before second), as feature names of value 1."""
    a_root, b_root = doc[first.start : first.end].root, doc[second.start : second.end].root
    up, down, meeting = dependency_path(a_root, b_root)
    inner = [t for t in [*up[1:], meeting, *down[:-1]] if _outside(t, (first, second))]
    features = [
        "bias",
        f"kinds={'+'.join(sorted((_class_name(first), _class_name(second))))}",
        f"meet={_word(meeting)}/{meeting.pos_}",
        f"meet_dep={meeting.dep_}",
        f"a_dep={a_root.dep_}",
        f"b_dep={b_root.dep_}",
        f"a_head={_word(a_root.head)}",
        f"b_head={_word(b_root.head)}",
        f"path_len={_bucket(len(up) + len(down))}",
        f"actors={_bucket(len({m.iri for m in mentions}))}",
        f"gap={_bucket(max(0, second.start - first.end))}",
        f"same_head={a_root.head.i == b_root.head.i}",
        f"conjoined={b_root in a_root.conjuncts}",
        f"a_first={first.start == min(m.start for m in mentions)}",
    ]
    if len(up) + len(down) <= _MAX_PATH:
        features.append("path=" + "|".join(f"{t.dep_}:{_word(t)}" for t in inner))
        features.append("path_deps=" + ">".join(t.dep_ for t in up) + "<" + "<".join(t.dep_ for t in down))
    features += [f"on_path={_word(t)}" for t in inner if t.pos_ in _CONTENT]
    between = doc[first.end : second.start]
    features += [f"between={_word(t)}" for t in between if t.pos_ in _CONTENT and _outside(t, mentions)]
    pair = (first.iri, second.iri)
    others = [m for m in mentions if m.iri not in pair and first.end <= m.start < second.start]
    features.append(f"actors_between={_bucket(len(others))}")
    features += [f"word={_word(t)}" for t in doc if t.pos_ in _CONTENT and _outside(t, mentions)]
    if first.start > 0:
        features.append(f"before_a={_word(doc[first.start - 1])}")
    if second.end < len(doc):
        features.append(f"after_b={_word(doc[second.end])}")
    if any(t.dep_ == "neg" for t in doc):
        features.append("negated")
    return sorted(set(features))
