"""Names: the one normaliser and the entity index behind lookup, reconciliation and linking."""
