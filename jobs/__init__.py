"""Background work: one table of jobs in the platform's own database, run by `flask worker` or a thread of each
server process, with progress a page can show, retries with backoff, and the failed ones kept for the office. The
same worker loop drains the other queues: the mail outbox (core) and the search index's queue (`@drain`).

It sits between accounts and solicitation: it uses accounts (who enqueued, the audit log), and any later stage
registers its kinds of job (`@job("kind")`) and enqueues them, or a queue of its own for the worker to drain
(`@drain("name")`).
"""
