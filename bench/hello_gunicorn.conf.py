"""gunicorn settings for bench/hello.py: the production file's (workers, threads, worker class, timeouts, logs).

Only the application differs, and no background worker starts in its processes.
"""

import runpy
from pathlib import Path

globals().update(
    (name, value)
    for name, value in runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py")).items()
    if not name.startswith("__") and name != "post_worker_init"
)
wsgi_app = "bench.hello:app"
