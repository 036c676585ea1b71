"""Facts from text: entities, relations and amounts, each with its source sentence."""
