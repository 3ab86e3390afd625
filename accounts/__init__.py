"""Users, roles, units, login, permission helpers and the audit log that every stage writes to."""
