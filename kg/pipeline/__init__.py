"""The build pipeline: seed documents to a validated, reasoned store."""
