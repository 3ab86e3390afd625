"""Rounds and their categories; later the proposals and suggestions they collect."""
