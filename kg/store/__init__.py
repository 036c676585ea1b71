"""The quad store: its interface, the embedded Oxigraph back-end and its snapshots."""
