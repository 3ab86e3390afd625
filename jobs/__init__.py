"""Background work: one table of jobs in the platform's own database, run by `flask worker` or a thread of each
server process, with progress a page can show, retries with backoff, and the failed ones kept for the office.

It sits between accounts and solicitation: it uses accounts (who enqueued, the audit log), and any later stage
registers its kinds of job (`@job("kind")`) and enqueues them.
"""
