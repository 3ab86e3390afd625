"""State changes of solicitation, one module per record: rounds, topics, proposals, suggestions."""
