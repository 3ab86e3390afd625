"""How long `flask demo load` takes, and how many SQL statements it runs, on a SQLite database of its own.

    .venv/bin/python bench/demo_load.py

Every test that loads the demo, the browser tests and the screenshots pay this. The last line is a JSON object:
the seconds, the statements, and how fast the machine ran plain Python just after (machine_loop_s,
bench/machine.py).
"""

import json
import sys
import tempfile
import time
from pathlib import Path

from machine import report as machine_report  # bench/machine.py, beside this file

ROOT = Path(__file__).resolve().parents[1]


def measure() -> dict:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from app import create_app
    from demo.cli import load_demo
    from extensions import db

    with tempfile.TemporaryDirectory(prefix="demo-load-") as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": folder,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.db",
                "UPLOAD_FOLDER": f"{folder}/uploads",
                "SEARCH_INDEX_DIR": f"{folder}/search-index",
                "LOG_LEVEL": "WARNING",
                # as the tests hash passwords: the demo's accounts are not what is measured
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        statements = 0

        def count(*_args):
            nonlocal statements
            statements += 1

        with app.app_context():
            db.create_all()
            event.listen(db.engine, "before_cursor_execute", count)
            started = time.perf_counter()
            load_demo()
            seconds = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
    return {"demo_load_s": round(seconds, 2), "demo_load_statements": statements}


if __name__ == "__main__":
    figures = measure()
    print(f"demo load: {figures['demo_load_s']} s, {figures['demo_load_statements']} statements", flush=True)
    figures["machine_loop_s"] = machine_report()
    print(json.dumps(figures))
