"""The steps of extraction: patterns, the graph emitter, section kinds, actors and programs."""
