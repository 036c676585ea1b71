"""SPARQL queries: the dataset, killable worker processes, results, the SERVICE allow-list."""
