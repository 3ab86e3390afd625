"""Demo data: the Longgang 2017 round, read from the customer's own account of it."""
