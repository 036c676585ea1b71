"""What a learned reader sees of a name the rules read as an actor or a program: sparse, named features."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.spans import EntityMention


@dataclass(frozen=True)
class MentionCandidate:
    """A name the rules read (not from the gazetteer), with the features a judge scores."""

    name: str
    kind: str
    sentence_text: str
    features: list[str]


def _shape(text: str) -> str:
    if text.isupper():
        return "CAPS"
    if text[:1].isupper():
        return "Title"
    return "lower" if text.isalpha() else "other"


def _word(token: Token) -> str:
    return token.lower_ if token.is_alpha else f"<{token.pos_}>"


def _class_name(mention: EntityMention) -> str:
    return str(mention.classes[0]).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if mention.classes else "none"


def mention_features(doc: Doc, mention: EntityMention) -> list[str]:
    """The features of one mention in its parsed sentence, as feature names of value 1."""
    span = doc[mention.start : mention.end]
    root = span.root
    ents = {e.label_ for e in doc.ents if e.start < mention.end and mention.start < e.end}
    words = [t for t in span if not t.is_punct]
    features = [
        "bias",
        f"kind={mention.kind}",
        f"class={_class_name(mention)}",
        f"method={str(mention.method).rsplit('#', 1)[-1]}",
        f"tokens={min(len(words), 6)}",
        f"shape={'+'.join(sorted({_shape(t.text) for t in words}))}",
        f"first={_word(span[0])}",
        f"last={_word(span[-1])}",
        f"root_dep={root.dep_}",
        f"root_head={root.head.lemma_.lower()}",
        f"sentence_start={mention.start == 0}",
        f"digits={any(t.like_num or any(c.isdigit() for c in t.text) for t in span)}",
        *(f"ner={label}" for label in sorted(ents) or ["none"]),
        *(f"word={t.lower_}" for t in words),
        *(f"pos={t.pos_}" for t in words),
    ]
    if mention.start > 0:
        before = doc[mention.start - 1]
        features += [f"before={_word(before)}", f"before_pos={before.pos_}"]
    if mention.start > 1:
        features.append(f"before2={_word(doc[mention.start - 2])}")
    if mention.end < len(doc):
        after = doc[mention.end]
        features += [f"after={_word(after)}", f"after_pos={after.pos_}"]
    if len(words) == 1:
        features.append(f"single={_shape(words[0].text)}/{next(iter(sorted(ents)), 'none')}")
    return sorted(set(features))
