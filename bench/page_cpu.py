"""CPU per drawn public page: each page a resident reads, drawn anew for a reader who is not logged in, in-process.

    .venv/bin/python bench/page_cpu.py [--requests 1000]

The instance is the one the environment configures (INSTANCE_PATH, DATABASE_URL …), with the demo loaded;
bench/load.py runs it on its own instance before it starts the servers. Every request draws its page (there is
no copy of a page kept between requests). The application is made and frozen as a
gunicorn worker makes it (gunicorn.conf.py's post_worker_init), then Flask's test client GETs each page
--requests times with one reader's cookies, after a few requests of warming up; the CPU the process spent
(time.process_time) over them, divided by their number, is the page's figure: no server, network or load
generator is in it, and other work on the machine changes it less than a time measured by a clock. Every answer
must be 200. The last line is a JSON object: milliseconds of CPU per page, the non-200 answers, and how fast the
machine ran plain Python just after (machine_loop_s, bench/machine.py: the target scales with it).
"""

import argparse
import gc
import json
import sys
import time
from pathlib import Path

from machine import report as machine_report  # bench/machine.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_PAGES = ["/", "/heard", "/plans", "/plans/{plan_id}", "/suggest"]  # home, 征集情况, the plans, a plan, the form
WARM_UP = 20


def measure(requests: int) -> dict:
    """Each public page's CPU milliseconds per request, and how many answers were not 200."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from plan.queries import published_plans

    app = create_app()
    gc.freeze()  # as each server process does once the application is loaded
    with app.app_context():
        plan_id = published_plans()[0][0].id
    client = app.test_client()
    cpu_ms, errors = {}, 0
    for page in PUBLIC_PAGES:
        path = page.format(plan_id=plan_id)
        for _ in range(WARM_UP):
            client.get(path)
        started = time.process_time()
        for _ in range(requests):
            errors += client.get(path).status_code != 200
        cpu_ms[path] = round((time.process_time() - started) * 1000 / requests, 2)
    return {"public_page_cpu_ms_each": cpu_ms, "public_page_errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests of each page measured")
    args = parser.parse_args()
    figures = measure(args.requests)
    figures["machine_loop_s"] = machine_report()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
