"""gunicorn's settings for production, read from the environment: `gunicorn -c gunicorn.conf.py`.

scripts/serve-production.sh uses it; the README's Production section lists the variables.
"""

import os

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_WORKERS", 2))  # processes: about one per core
# Requests each process serves at once. One (gunicorn's sync worker) by default: the waiting connections then queue
# in the kernel, shared by the processes, each taking the next when free, and no request shares a process's
# interpreter lock with three others; under a full load a sent suggestion's p95 fell from 150–160 to 86–110 ms
# (bench/load.py). It wants the reverse proxy in front to buffer slow clients; more than one: gthread.
threads = int(os.environ.get("WEB_THREADS", 1))
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


def post_worker_init(worker):
    """Each forked worker starts its own outbox and search workers (threads do not survive a fork)."""
    from app import start_workers

    start_workers(worker.wsgi)
