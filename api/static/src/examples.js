// The example questions of the SPARQL editor, and the prefixes the service predeclares.
export const PREFIXES = {
  qc: "https://w3id.org/qcollab/ontology#",
  qcr: "https://w3id.org/qcollab/resource/",
  qcg: "https://w3id.org/qcollab/graph/",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  owl: "http://www.w3.org/2002/07/owl#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  skos: "http://www.w3.org/2004/02/skos/core#",
  prov: "http://www.w3.org/ns/prov#",
  dcterms: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  org: "http://www.w3.org/ns/org#",
  schema: "https://schema.org/",
  void: "http://rdfs.org/ns/void#",
  sh: "http://www.w3.org/ns/shacl#",
};
const HEADER = ["qc", "qcr", "rdf", "rdfs", "prov", "dcterms"].map((p) => `PREFIX ${p}: <${PREFIXES[p]}>`).join("\n");

export const EXAMPLES = [
  {
    title: "Which countries partner with Japan?",
    query: `${HEADER}

SELECT DISTINCT ?partner ?name WHERE {
  qcr:japan qc:collaboratesWith|^qc:collaboratesWith ?partner .
  ?partner a qc:Country ; rdfs:label ?name .
}
ORDER BY ?name`,
  },
  {
    title: "Which solutions address which challenges?",
    query: `${HEADER}

SELECT ?challenge ?challengeName ?solution ?solutionName WHERE {
  ?solution qc:addresses ?challenge .
  ?challenge rdfs:label ?challengeName .
  ?solution rdfs:label ?solutionName .
}
ORDER BY ?challengeName`,
  },
  {
    title: "Where does the fact “the UK collaborates with Canada” come from?",
    query: `${HEADER}

SELECT ?sentence ?text ?start ?end ?title WHERE {
  ?statement a rdf:Statement ;
      rdf:subject qcr:united-kingdom ;
      rdf:predicate qc:collaboratesWith ;
      rdf:object qcr:canada ;
      qc:extractedFrom ?sentence .
  ?sentence prov:value ?text ;
      qc:startOffset ?start ;
      qc:endOffset ?end .
  OPTIONAL { ?sentence qc:inDocument ?document . ?document dcterms:title ?title }
}`,
  },
  {
    title: "Who leads or funds which program?",
    query: `${HEADER}

SELECT DISTINCT ?actor ?role ?program WHERE {
  { ?actor qc:leads ?program . BIND("leads" AS ?role) }
  UNION
  { ?actor qc:funds ?program . BIND("funds" AS ?role) }
}
ORDER BY ?program ?actor`,
  },
  {
    title: "How many entities of each kind? (a chart)",
    query: `${HEADER}

SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(qc:)))
}
GROUP BY ?class
ORDER BY DESC(?entities)`,
  },
  {
    title: "The collaborations between countries, as a graph (CONSTRUCT)",
    query: `${HEADER}

CONSTRUCT { ?a qc:collaboratesWith ?b . ?a rdfs:label ?la . ?b rdfs:label ?lb }
WHERE {
  ?a qc:collaboratesWith ?b .
  ?a a qc:Country ; rdfs:label ?la .
  ?b rdfs:label ?lb .
}`,
  },
];
