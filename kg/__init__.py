"""qcollab: a knowledge graph of international collaboration in quantum computing."""

__version__ = "0.1.0"
