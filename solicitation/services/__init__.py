"""State changes of solicitation, one module per record: rounds, proposals, suggestions."""
