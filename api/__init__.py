"""The qcollab HTTP service: SPARQL 1.1, lookup, linked data and validation."""
