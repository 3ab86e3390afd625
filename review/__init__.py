"""Review criteria; later assignments, reviews, field visits, scoring, ranking and screening."""
