"""Full-text search over the records of every stage: jieba analyzer, Whoosh and PostgreSQL backends (issue 6)."""
