"""Reconciliation: the index of our resources and their names, and the protocol's identifiers."""
