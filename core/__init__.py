"""Pieces every stage shares: domain errors, table exports, paging, the home page and language choice."""
