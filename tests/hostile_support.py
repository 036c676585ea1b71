"""Hypothesis strategies of malformed and adversarial RDF documents and name queries (issue 10).

Each syntax gets token soup from its own grammar, mutations of a valid record (bytes cut, doubled,
swapped), and the shapes known to be expensive for its parser: deep nesting, wide elements, entity
declarations, scoped contexts, long literals and IRIs, odd Unicode and invalid UTF-8.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

QCR = "https://w3id.org/qcollab/resource/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RECORD_TTL = (
    f"@prefix qcr: <{QCR}> .\n@prefix rdfs: <{RDFS}> .\n"
    'qcr:japan rdfs:comment "A country in East Asia"@en ; rdfs:seeAlso [ rdfs:label "x" ] .\n'
)
RECORD_NT = f'<{QCR}japan> <{RDFS}comment> "A country"@en .\n<{QCR}japan> <{RDFS}seeAlso> _:b1 .\n'
RECORD_XML = (
    f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="{RDFS}">'
    f'<rdf:Description rdf:about="{QCR}japan"><rdfs:comment xml:lang="en">A country</rdfs:comment>'
    '<rdfs:seeAlso rdf:parseType="Resource"><rdfs:label>x</rdfs:label></rdfs:seeAlso>'
    "</rdf:Description></rdf:RDF>"
)
RECORD_JSONLD = json.dumps(
    {
        "@context": {"rdfs": RDFS},
        "@id": f"{QCR}japan",
        "rdfs:comment": {"@value": "A country", "@language": "en"},
    }
)

TURTLE_TOKENS = [
    "@prefix", "@base", "PREFIX", "qcr:", "rdfs:", ":", "<", ">", f"<{QCR}japan>", "<#a>", "<>", "qcr:japan",
    "rdfs:label", "a", ".", ";", ",", "[", "]", "(", ")", "_:b1", "[]", '"', '"""', "'", '"x"', '"x"@en',
    '"x"@en--ltr', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', "^^", "@en", "1", "-2.5e9", "true",
    "<<(", ")>>", "<<", ">>", "{|", "|}", "\\u0000", "\\U0010FFFF", "\\", "#", "\n", "é", "\ufeff",
]  # fmt: skip
XML_TOKENS = [
    "<rdf:RDF", f' xmlns:rdf="{RDF_NS}"', f' xmlns:rdfs="{RDFS}"', ">", "</rdf:RDF>", "<rdf:Description",
    f' rdf:about="{QCR}japan"', ' rdf:nodeID="b1"', ' rdf:parseType="Literal"', ' rdf:parseType="Collection"',
    ' xml:lang="en"', ' xml:base="http://e/"', "</rdf:Description>", "<rdfs:label>", "</rdfs:label>", "/>",
    "<!DOCTYPE r [", '<!ENTITY a "aaaa">', "]>", "&a;", "&amp;", "&#0;", "&#x10FFFF;", "<![CDATA[", "]]>",
    "<!--", "-->", "<?xml", "?>", "<", "&", '"', "'", "=", "x",
]  # fmt: skip
JSONLD_KEYS = [
    "@context", "@id", "@type", "@graph", "@list", "@set", "@reverse", "@value", "@language", "@direction",
    "@vocab", "@base", "@nest", "@included", "@index", "@json", "@protected", "@version", "@import",
    "@propagate", "name", "http://e/p", "rdfs:label", "_:b",
]  # fmt: skip


def _joined(tokens: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(tokens), max_size=80).flatmap(
        lambda chosen: st.sampled_from([" ", "", "\n"]).map(lambda gap: gap.join(chosen))
    )


@st.composite
def mutated(draw: st.DrawFn, valid: str) -> bytes:
    """A valid record with a few byte edits: cut, doubled, replaced by invalid UTF-8 or a NUL."""
    data = bytearray(valid.encode())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["cut", "double", "bad-utf8", "nul", "truncate"]))
        if edit == "cut":
            del data[at : at + draw(st.integers(1, 20))]
        elif edit == "double":
            data[at:at] = data[at : at + draw(st.integers(1, 40))] * draw(st.integers(2, 50))
        elif edit == "bad-utf8":
            data[at:at] = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]))
        elif edit == "nul":
            data[at:at] = b"\x00"
        else:
            del data[at:]
    return bytes(data)


@st.composite
def nested(draw: st.DrawFn, opener: str, inner: str, closer: str) -> str:
    depth = draw(st.integers(10, 20_000))
    return opener * depth + inner + closer * draw(st.sampled_from([depth, depth - 1, 0]))


@st.composite
def long_turtle(draw: st.DrawFn) -> str:
    size = draw(st.integers(1000, 400_000))
    char = draw(st.sampled_from(["a", "\\\\", "é", "😀", "\\u00e9", "<b>"]))
    kind = draw(st.sampled_from(["literal", "iri", "prefix", "html"]))
    if kind == "iri":
        return f'<{QCR}{"a" * size}> <{RDFS}label> "x" .'
    if kind == "prefix":
        return f"@prefix p: <{QCR}{'a' * size}> .\n" + "p:a p:b p:c .\n" * draw(st.integers(1, 200))
    datatype = "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML>" if kind == "html" else ""
    return f'<{QCR}japan> <{RDFS}comment> "{char * (size // len(char))}"{datatype} .'


def turtle_bodies() -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        _joined(TURTLE_TOKENS),
        mutated(RECORD_TTL),
        nested(f"<{QCR}a> <{RDFS}seeAlso> ", "[ ", "] ").map(lambda b: b + " ."),
        nested(f"<{QCR}a> <{RDFS}seeAlso> ", "( ", ") ").map(lambda b: b + " ."),
        long_turtle(),
        st.text(max_size=500),
    )


def ntriples_bodies() -> st.SearchStrategy[str | bytes]:
    return st.one_of(_joined(TURTLE_TOKENS), mutated(RECORD_NT), long_turtle(), st.binary(max_size=500))


DESCRIBED = "<rdf:Description>{}</rdf:Description></rdf:RDF>"


@st.composite
def xml_shapes(draw: st.DrawFn) -> str:
    head = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:p="http://e/">'
    count = draw(st.integers(10, 20_000))
    kind = draw(st.sampled_from(["deep", "attributes", "namespaces", "laughs", "literal"]))
    if kind == "deep":
        return (
            head + "<rdf:Description><p:p>" * count + "x" + "</p:p></rdf:Description>" * count + "</rdf:RDF>"
        )
    if kind == "attributes":
        attributes = " ".join(f'p:a{i}="v"' for i in range(count))
        return f'{head}<rdf:Description rdf:about="{QCR}x" {attributes}/></rdf:RDF>'
    if kind == "namespaces":
        declared = " ".join(f'xmlns:n{i}="http://n/{i}/"' for i in range(count))
        return f"{head}<rdf:Description {declared}><p:p>x</p:p></rdf:Description></rdf:RDF>"
    if kind == "laughs":
        levels = ['<!ENTITY a0 "ha">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 8)]
        return f"<!DOCTYPE r [{''.join(levels)}]>{head}{DESCRIBED.format('<p:p>&a7;</p:p>')}"
    return head + DESCRIBED.format(f'<p:p rdf:parseType="Literal">{"<b>" * count}</p:p>')


def rdfxml_bodies() -> st.SearchStrategy[str | bytes]:
    return st.one_of(_joined(XML_TOKENS), mutated(RECORD_XML), xml_shapes())


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(JSONLD_KEYS),
    st.text(),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.sampled_from(JSONLD_KEYS), children),
    max_leaves=40,
)


@st.composite
def scoped_contexts(draw: st.DrawFn) -> str:
    terms = {f"k{i}": f"http://e/k{i}" for i in range(draw(st.integers(1, 200)))}  # the deadline is tested
    context = {"t": {"@id": "http://e/t", "@context": terms}}  # on its own: here each costs < 1 s
    depth = draw(st.integers(1, 200))
    return (
        '{"@context":'
        + json.dumps(context)
        + ',"@id":"http://e/s",'
        + '"t":{' * depth
        + '"k0":"v"'
        + "}" * depth
        + "}"
    )


def jsonld_bodies() -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        json_values.map(json.dumps),
        mutated(RECORD_JSONLD),
        nested('{"@id":"http://e/s","http://e/p":', "[", "]").map(lambda b: b + "}"),
        scoped_contexts(),
        st.just('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://e/s", "name": "x"}'),
    )


NAME_WORDS = ["quantum", "japan", "united", "states", "qbit", "computng", "(eu)", "the", "&", "U.S.", "é"]
name_queries = st.one_of(
    st.text(max_size=50),
    st.text(min_size=150, max_size=700),
    st.text(alphabet="()[]-.&' aeiouxyzQU", min_size=100, max_size=600),
    st.lists(st.sampled_from(NAME_WORDS), min_size=20, max_size=150).map(" ".join),
)
