"""Linking to Wikidata and DBpedia: name matching, candidate sources, the reference snapshot."""
