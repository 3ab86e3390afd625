"""Backups of the whole platform (`flask backup create | restore | list`): one archive holding a consistent
snapshot of the running database, the uploaded files and a manifest, and its checked restore.

It sits apart from core/, which every stage imports, because a backup spans every package: it writes the audit
log, migrates the schema and rebuilds the search index. Like search_index/ and api/ it may import any package's
services, and only app.py wires it in.
"""
