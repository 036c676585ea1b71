"""W3C Reconciliation Service API matching over the graph (no HTTP)."""
