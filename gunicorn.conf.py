"""gunicorn's settings for production, read from the environment: `gunicorn -c gunicorn.conf.py`.

scripts/serve-production.sh uses it; the README's Production section lists the variables. The settings are
gunicorn's own (https://gunicorn.org/reference/settings/), in the order of its sample configuration file.
"""

import gc
import os

wsgi_app = "app:create_app()"

# Server socket
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")

# Worker processes. gunicorn's default, the sync worker, runs one request at a time a process and closes the
# connection after it: it wants the buffering reverse proxy the README puts in front (nginx by default holds slow
# clients and uploads), and gunicorn ends a worker whose request runs past `timeout` and starts a new one.
# gunicorn's documentation suggests (2 × cores) + 1 workers to start from; each holds its own copy of the
# application (about 200 MB) and its own background worker thread (mail, search queue, jobs; JOBS_WORKER), so the
# default is 2 and WEB_WORKERS raises it where memory allows.
workers = int(os.environ.get("WEB_WORKERS", 2))
# WEB_THREADS above 1 chooses gunicorn's threaded worker (gthread): each process serves that many requests at
# once, and keeps a connection open for `keepalive` seconds between them.
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
# gunicorn ends a sync worker whose request has run this long (an Excel export of a big round is the longest) and
# starts another; a threaded worker keeps answering gunicorn while its requests run, so it is ended only when the
# whole process has stopped answering.
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30  # seconds the requests running at a restart or stop get to finish
keepalive = 5  # seconds (gthread; the sync worker closes each connection): the proxy reuses its connections
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 0))  # restart a worker after this many requests (0: never)
max_requests_jitter = max_requests // 10  # so that the workers do not all restart at once

# Server mechanics
control_socket_disable = True  # signals and the service manager run it; several instances may share a machine

# Logging: one stream of JSON lines on standard error, gunicorn's own lines and the app's, request ids included.
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


# Server hooks
def post_worker_init(worker):
    """Once a worker has loaded the application: set aside what loading made, then start the worker's own
    background worker thread (threads do not survive a fork)."""
    from app import start_workers

    # The imports and the wiring live as long as the process: frozen, they are out of the garbage collector's
    # sight, so its full collections no longer walk them again (bench/README.md, the ranking benchmark).
    gc.freeze()
    start_workers(worker.wsgi)
