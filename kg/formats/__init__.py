"""RDF and SPARQL results formats: the one formats table, parsing with positions."""
