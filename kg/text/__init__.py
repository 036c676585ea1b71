"""Document structure: sections, blocks, lists and sentences with character offsets."""
