"""The quality gate: SHACL validation, OWL reasoning and the SHACL-gated writer."""
