"""gunicorn's settings for production, read from the environment: `gunicorn -c gunicorn.conf.py`.

scripts/serve-production.sh uses it; the README's Production section lists the variables.
"""

import os

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_WORKERS", 2))  # processes: about one per core
# Threads a process (gunicorn's threaded worker, gthread): the connections it holds at once. One of them runs at a
# time (WEB_REQUESTS_AT_ONCE), the others wait in core/admission.py, which runs the waiting request due first: a
# resident's POST before page loads queued ahead of it. Under a full load (bench/load.py) a sent suggestion's p95
# fell from 230 (4 threads, no ordering) and 86–110 ms (1 thread: the sync worker, first come first served) to
# 29 ms. Only the running request holds a database connection. It wants the reverse proxy in front to buffer
# slow clients and uploads.
threads = int(os.environ.get("WEB_THREADS", 32))
requests_at_once = int(os.environ.get("WEB_REQUESTS_AT_ONCE", 1))  # 0: the threads all run, sharing the GIL
ordered = threads > 1 and requests_at_once > 0  # with one thread (the sync worker) there is no choice
timeout = int(os.environ.get("WEB_TIMEOUT", 60))  # seconds a request may take (an Excel export of a big round)
graceful_timeout = 30
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 0))  # recycle a worker after this many requests (0: never)
max_requests_jitter = max_requests // 10
control_socket_disable = True  # signals and the service manager run it; several instances may share a machine

# One log stream of JSON lines on standard error: gunicorn's own lines and the app's, request ids included.
# The app writes each request's line itself (method, path, status, duration, user id, address), so gunicorn's
# access lines — which carry query strings — are dropped.
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "root": {"level": loglevel.upper(), "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        "alembic": {"level": "WARNING"},  # Flask-Migrate's import announces alembic's plugins
    },
    # Named, not imported: the project's folder is on sys.path only once gunicorn has read this file.
    "handlers": {"json": {"()": "core.logs.StderrHandler", "formatter": "json"}},
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
}


def admit_by_deadline(worker):
    """Let `requests_at_once` of the worker's requests run, the others waiting by deadline (core/admission.py).

    A threaded worker tells gunicorn it is alive whatever its requests do, so a request holding its slot past
    the timeout while others wait ends the worker here (logged first), and gunicorn starts a new one.
    """
    if ordered:
        from core.admission import EarliestDeadlineFirst

        app = worker.wsgi
        app.wsgi_app = EarliestDeadlineFirst(app.wsgi_app, requests_at_once, timeout, on_stuck=lambda: os._exit(1))


def post_worker_init(worker):
    """Each forked worker orders its requests and starts its own outbox and search workers (threads do not
    survive a fork)."""
    from app import start_workers

    admit_by_deadline(worker)
    start_workers(worker.wsgi)
