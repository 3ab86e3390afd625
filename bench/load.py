"""Load benchmark: the production server under residents and staff, beside a bare Flask "hello" on the same settings.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 32] [--database sqlite|postgresql] [--paced-rps 150]
                                   [--page-requests 1000]

It makes a temporary instance (its own folder; SQLite there, or the PostgreSQL database `bench_load` on the server
of BENCH_POSTGRES_URL, made anew and dropped afterwards), migrates it, loads the demo and rebuilds the search index,
then measures, first in-process and then through servers it starts on free 127.0.0.1 ports:
- the platform: gunicorn with the repo's gunicorn.conf.py as production runs it (WEB_WORKERS, WEB_THREADS … from
  the environment, else the README's defaults: 2 sync workers), SECRET_KEY set, the background worker on, a JSON log
  line per request (into the instance folder). The rate limits are raised for the run, as it says: every client
  comes from 127.0.0.1, and the defaults (5 suggestions a minute per address …) refuse them all;
- bench/hello.py, a bare Flask route, under gunicorn with the same settings (bench/hello_gunicorn.conf.py takes
  the production file's workers, threads, worker class, timeouts and logging, and only changes the application).

Phases:
0. CPU per drawn public page (bench/page_cpu.py, in-process, before the servers start): each of the pages a
   resident reads — the home page, 征集情况 (/heard), /plans, the published plan and the suggestion form — drawn
   --page-requests times for a reader who is not logged in, with Flask's test client;
   `time.process_time` per request. public_page_cpu_ms is the worst of the five. Target: at most 2.5 ms when a
   10-million-step Python loop takes 0.25 s, scaled by this machine's loop (machine_loop_s), i.e.
   2.5 × machine_loop_s / 0.25 ms.
Then phases of --seconds each, with --clients clients:
1. hello (wrk): GET / of the hello server, each client sending its next request once the last is answered;
2. public pages (wrk), driven exactly as hello: the five public pages in turn, each drawn anew
   as in production. public_page_rps is this phase's throughput, public_rps_ratio = public_page_rps / hello_rps;
3. the mix, always full (locust): residents (all but four clients) reading the public pages, searching, sending a
   suggestion through the HTML form (GET the form, its CSRF token, POST, then the tracking page it redirects to)
   and looking up tracking codes; two office clients (`office`) browsing the round's proposals and suggestions
   (triage), the ranking, the plan, the dashboard and the audit log; two unit clients (`unit.*`) their proposals,
   referrals and progress. Each client sends its next request once the last is answered (no think time: N
   clients keep N requests in flight). Per endpoint: requests, failures, req/s, p50/p95/p99. submit_p95_ms is
   POST /suggest (until the answer that carries the tracking code), lookup_p95_ms GET /track?code=;
4. the mix paced (locust): the same clients and tasks, their requests arriving at --paced-rps a second in all, at
   random times (a Poisson stream each) whatever the answers took (open loop). paced_rps is what was served,
   paced_submit_p95_ms POST /suggest's p95, paced_page_p95_ms the worst p95 of the pages (every GET). Targets at
   150 requests a second: sending p95 ≤ 50 ms, every page's p95 ≤ 200 ms;
5. hello (locust): the reference once more, driven by locust, to show what locust itself can send here.
Phases 1–3 and 5 are information, without targets. Every phase's errors count: none is the target.

Why two generators: locust is made for stateful users — cookies, a form's CSRF token, a login, following a
redirect and checking what a page says — and gives per-endpoint percentiles, so it runs the mix. But it is Python:
sending the hello route's rate costs it about twice wrk's CPU (on 2 cores, taken from the servers) and it still
sends less (both are printed: the "generator's CPU" line and hello (locust)), so a throughput ratio measured with
it would partly measure locust. wrk (C) drives the two throughput phases; every answer that is not 200 (wrk's Lua
script, bench/load_pages.lua) and every failed check (locust) counts as an error.

Each gunicorn worker's resident memory (from /proc) is read after the mix. The last line is one JSON object. Tools:
wrk from Debian (apt-get, when missing) and locust pip-installed into .cache/bench-tools/ (git-ignored, not in the
requirements files). Everything started is stopped and the instance removed on the way out, Ctrl+C included.
"""

import argparse
import contextlib
import csv
import json
import os
import resource
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from machine import report as machine_report  # bench/machine.py, beside this file
from page_cpu import PUBLIC_PAGES  # bench/page_cpu.py
from scratch_database import scratch_database  # bench/scratch_database.py

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
TOOLS = ROOT / ".cache" / "bench-tools"
LOCUST_VERSION = "2.47.0"
# Every client comes from 127.0.0.1: the limits per address would refuse nearly all of them.
RAISED_LIMITS = {
    "PUBLIC_POST_RATE_LIMIT": "1000000 per minute",
    "PUBLIC_ATTEMPT_RATE_LIMIT": "1000000 per minute",
    "LOOKUP_RATE_LIMIT": "1000000 per minute",
    "LOGIN_RATE_LIMIT": "1000000 per minute",
    "LOGIN_USERNAME_RATE_LIMIT": "1000000 per minute",
}
STAFF_CLIENTS = 4  # Office.fixed_count + Unit.fixed_count in bench/load_locustfile.py
# The target for a drawn public page's CPU: PAGE_CPU_TARGET_MS where a 10-million-step loop takes REFERENCE_LOOP_S
# (bench/machine.py), scaled by this machine's loop.
PAGE_CPU_TARGET_MS, REFERENCE_LOOP_S = 2.5, 0.25
DEMO_FACTS = """
import json
from app import create_app
from extensions import db
from plan.queries import published_plans
from solicitation.models import Suggestion
from solicitation.queries import soliciting_rounds

with create_app().app_context():
    plan = published_plans()[0][0]
    codes = db.session.scalars(db.select(Suggestion.tracking_code).where(Suggestion.tracking_code.is_not(None)))
    print(json.dumps({"open_round": soliciting_rounds()[0].id, "plan_id": plan.id, "plan_round": plan.round_id,
                      "codes": list(codes)}))
"""


def say(text: str = "") -> None:
    print(text, flush=True)


def run(command: list, *, env=None, log: Path | None = None, what: str) -> str:
    """Run a command to its end; return its standard output, or stop the benchmark with its last lines."""
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if log is not None:
        log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise SystemExit(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def ensure_tools() -> tuple[str, Path]:
    """wrk (Debian's package) and locust (its own virtual environment in .cache/bench-tools)."""
    if shutil.which("wrk") is None:
        say("Installing wrk (apt-get) ...")
        if os.geteuid() != 0:
            raise SystemExit("wrk is missing and only root can apt-get install it: apt-get install wrk")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            what="apt-get install wrk",
        )
    locust = TOOLS / "venv" / "bin" / "locust"
    stamp = TOOLS / "venv" / f".locust-{LOCUST_VERSION}"
    if not stamp.exists():
        say(f"Installing locust {LOCUST_VERSION} into {TOOLS.relative_to(ROOT)}/venv ...")
        run([sys.executable, "-m", "venv", "--clear", str(TOOLS / "venv")], what="python -m venv")
        run(
            [str(TOOLS / "venv" / "bin" / "pip"), "install", "--quiet", f"locust=={LOCUST_VERSION}"],
            what="pip install locust",
        )
        stamp.touch()
    return shutil.which("wrk"), locust


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


class Server:
    """A gunicorn server of ours: started in its own session, waited for, stopped gracefully (killed if it hangs)."""

    def __init__(self, name: str, config: str, env: dict, log: Path, ready_path: str):
        self.name, self.log, self.port = name, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log.open("w", encoding="utf-8") as stream:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", config],
                cwd=ROOT,
                env={**env, "BIND": f"127.0.0.1:{self.port}"},
                stdout=subprocess.DEVNULL,
                stderr=stream,
                start_new_session=True,  # Ctrl+C reaches us, and we stop it in order
            )
        try:
            self._wait(name, ready_path)
        except BaseException:  # a server that never came up is stopped too, Ctrl+C included
            self.stop()
            raise

    def _wait(self, name: str, ready_path: str) -> None:
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} server exited ({self.process.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if get(self.url + ready_path, timeout=2)[0] == 200:
                    return
            if time.monotonic() > deadline:
                raise SystemExit(f"{name} server did not answer {ready_path} within 90 s:\n{self.log_tail()}")
            time.sleep(0.3)

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def worker_rss_mb(self) -> list[float]:
        """Each worker's resident memory, MB (the master's children, from /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            with contextlib.suppress(FileNotFoundError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def worker_class(self) -> str:
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if "Using worker:" in line:
                return json.loads(line)["message"].split(":", 1)[1].strip()
        return "?"

    def logged_errors(self) -> list[str]:
        return [
            line
            for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines()
            if '"level": "error"' in line or '"level": "critical"' in line
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn: graceful stop of its workers
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def children_cpu() -> float:
    """CPU seconds used so far by the commands we ran to their end (the load generators)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def wrk(tool: str, url: str, paths: list[str], clients: int, seconds: int) -> dict:
    """One wrk phase: `clients` connections (a thread each, with its cookie) GETting `paths` in turn."""
    cpu = children_cpu()
    out = run(
        [
            tool,
            f"-t{clients}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "load_pages.lua"),
            url,
            "--",
            *paths,
        ],
        what="wrk",
    )
    figures = json.loads(out.strip().splitlines()[-1])
    seconds_run = figures["duration_us"] / 1e6
    return {
        "requests": figures["requests"],
        "failures": figures["not_200"] + figures["socket_errors"] + figures["timeouts"],
        "rps": figures["requests"] / seconds_run,
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "generator_cpu": (children_cpu() - cpu) / seconds_run,  # share of one core
    }


def locust(
    tool: Path, url: str, users: list[str], clients: int, seconds: int, folder: Path, demo: dict, pace: float = 0
) -> dict:
    """One locust phase, headless; its per-endpoint rows (and "Aggregated") from the CSV stats, and the failures.

    With `pace`, each user's requests are due at random times, `pace` a second (an open loop, see
    bench/load_locustfile.py); without, each user sends its next request once the last is answered."""
    prefix = folder / f"locust-{'-'.join(users).lower()}-{pace:g}"
    command = [
        str(tool),
        "-f",
        str(ROOT / "bench" / "load_locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(clients),
        "-r",
        str(clients),
        "-t",
        f"{seconds}s",
        "--host",
        url,
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
        *users,
    ]
    cpu, started = children_cpu(), time.monotonic()
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "BENCH_LOAD_DEMO": json.dumps(demo), "BENCH_LOAD_PACE": str(pace)},
        capture_output=True,
        text=True,
    )
    generator_cpu = (children_cpu() - cpu) / (time.monotonic() - started)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():  # locust exits 1 when a request failed; only a missing report is its own failure
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise SystemExit(f"locust failed (exit {result.returncode}):\n{tail}")
    rows = {}
    with stats.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
    with Path(f"{prefix}_failures.csv").open(encoding="utf-8") as file:
        failures = [f"{row['Occurrences']}× {row['Name']}: {row['Error']}" for row in csv.DictReader(file)]
    return {"rows": rows, "failures": failures, "generator_cpu": generator_cpu}


def public_page_cpu(env: dict, requests: int) -> dict:
    """Phase 0: bench/page_cpu.py in its own process, on the instance (nothing else running on it yet)."""
    out = run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "page_cpu.py"), "--requests", str(requests)],
        env={**env, "JOBS_WORKER": "none"},
        what="bench/page_cpu.py",
    )
    return json.loads(out.strip().splitlines()[-1])


def p95(rows: dict[str, dict], name: str) -> float | None:
    """An endpoint's p95 in a phase, or None when the phase sent it no request (a short or slow run)."""
    return rows[name]["p95"] if name in rows else None


def worst_page_p95(rows: dict[str, dict]) -> float | None:
    """The highest p95 among the pages of a phase (every GET endpoint, staff's included)."""
    pages = [row["p95"] for name, row in rows.items() if "GET " in name]
    return max(pages, default=None)


def table(rows: dict[str, dict]) -> None:
    say(f"  {'endpoint':<42} {'requests':>9} {'failures':>9} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    for name, row in rows.items():
        say(
            f"  {name:<42} {row['requests']:>9} {row['failures']:>9} {row['rps']:>8.1f} "
            f"{row['p50']:>7.1f} {row['p95']:>7.1f} {row['p99']:>7.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of each phase")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (requests in flight)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--paced-rps", type=float, default=150, help="requests a second of the paced mix, in all")
    parser.add_argument("--page-requests", type=int, default=1000, help="requests of each page for its CPU")
    args = parser.parse_args()
    if args.clients <= STAFF_CLIENTS:
        parser.error(f"--clients must be more than the {STAFF_CLIENTS} staff clients of the mix")
    # Ctrl+C (even when started in the background, where SIGINT comes ignored) and `kill` unwind the same way:
    # everything started is stopped.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    wrk_tool, locust_tool = ensure_tools()
    loop_seconds = machine_report()
    cpu_target_ms = round(PAGE_CPU_TARGET_MS * loop_seconds / REFERENCE_LOOP_S, 2)
    load_start = os.getloadavg()[0]
    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        env = {
            **os.environ,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "FLASK_APP": "app",
            "INSTANCE_PATH": str(folder),
            "SECRET_KEY": secrets.token_hex(32),
            "JOBS_WORKER": "thread",
            **RAISED_LIMITS,
        }
        env.pop("DATABASE_URL", None)
        if args.database == "postgresql":
            env["DATABASE_URL"] = stack.enter_context(scratch_database("bench_load"))
            if env["DATABASE_URL"] is None:
                sys.exit("No PostgreSQL server answers at BENCH_POSTGRES_URL.")
        settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        say(
            f"Load benchmark, {args.clients} clients, {args.seconds} s a phase, {args.database}; "
            f"machine load (1 min) {load_start:.2f} on {os.cpu_count()} cores"
        )
        say(f"Instance {folder}: migrating, loading the demo, rebuilding the search index ...")
        flask = str(VENV_BIN / "flask")
        run([flask, "db", "upgrade"], env=env, log=folder / "migrate.log", what="flask db upgrade")
        run([flask, "demo", "load"], env=env, log=folder / "demo.log", what="flask demo load")
        run([flask, "search", "rebuild"], env=env, log=folder / "rebuild.log", what="flask search rebuild")
        demo = json.loads(run([str(VENV_BIN / "python"), "-c", DEMO_FACTS], env=env, what="reading the demo"))

        say(f"\n0. CPU per drawn public page, in-process, {args.page_requests} requests each ...")
        page_cpu = public_page_cpu(env, args.page_requests)
        for path, ms in page_cpu["public_page_cpu_ms_each"].items():
            say(f"  {path:<12} {ms:>6.2f} ms")
        worst_cpu_ms = max(page_cpu["public_page_cpu_ms_each"].values())

        app = Server("platform", "gunicorn.conf.py", env, folder / "platform.log", "/health")
        stack.callback(app.stop)
        hello = Server("hello", "bench/hello_gunicorn.conf.py", env, folder / "hello.log", "/")
        stack.callback(hello.stop)
        say(
            f"Servers: gunicorn {settings['workers']} workers × {settings['threads']} threads "
            f"({app.worker_class()}; hello: {hello.worker_class()}), platform {app.url}, hello {hello.url}"
        )
        say(
            "Rate limits raised for the run (every client is 127.0.0.1): "
            + ", ".join(f"{name}={value!r}" for name, value in RAISED_LIMITS.items())
        )

        pages = [page.format(plan_id=demo["plan_id"]) for page in PUBLIC_PAGES]
        wrk(wrk_tool, hello.url, ["/"], args.clients, 3)  # warm-up: each worker's first requests are slower
        wrk(wrk_tool, app.url, pages, args.clients, 3)
        say(f"\n1. hello (wrk), {args.clients} clients ...")
        hello_wrk = wrk(wrk_tool, hello.url, ["/"], args.clients, args.seconds)
        say(f"2. public pages (wrk), {args.clients} clients: {' '.join(pages)} ...")
        public = wrk(wrk_tool, app.url, pages, args.clients, args.seconds)
        users = ["Resident", "Office", "Unit"]
        say(f"3. the mix, always full (locust), {args.clients - STAFF_CLIENTS} residents + {STAFF_CLIENTS} staff ...")
        mix = locust(locust_tool, app.url, users, args.clients, args.seconds, folder, demo)
        app_rss = app.worker_rss_mb()
        pace = args.paced_rps / args.clients
        say(f"4. the mix paced (locust): {args.paced_rps:g} requests/s in all, {pace:.2f} a client ...")
        paced = locust(locust_tool, app.url, users, args.clients, args.seconds, folder, demo, pace=pace)
        say(f"5. hello (locust), {args.clients} clients ...")
        hello_locust = locust(locust_tool, hello.url, ["Hello"], args.clients, args.seconds, folder, demo)
        hello_rss = hello.worker_rss_mb()
        load_end = os.getloadavg()[0]

        for title, phase in (("always full", mix), (f"paced at {args.paced_rps:g} requests/s", paced)):
            say(f"\nThe mix {title} (locust), per endpoint:")
            table(dict(sorted(phase["rows"].items(), key=lambda item: item[0] == "Aggregated")))
        say("\nThroughput phases (wrk) and the reference:")
        table(
            {
                "hello (wrk)": hello_wrk,
                "public pages (wrk)": public,
                "hello (locust)": hello_locust["rows"]["Aggregated"],
            }
        )
        for failure in mix["failures"] + paced["failures"] + hello_locust["failures"]:
            say(f"  failed: {failure}")
        server_errors = app.logged_errors() + hello.logged_errors()
        for line in server_errors[:5]:
            say(f"  server error: {line[:300]}")

        rows, paced_rows = mix["rows"], paced["rows"]
        errors = (
            page_cpu["public_page_errors"]
            + hello_wrk["failures"]
            + public["failures"]
            + rows["Aggregated"]["failures"]
            + paced_rows["Aggregated"]["failures"]
            + hello_locust["rows"]["Aggregated"]["failures"]
        )
        ratio = public["rps"] / hello_wrk["rps"]
        paced_rps = paced_rows["Aggregated"]["rps"]
        paced_submit_p95, paced_page_p95 = p95(paced_rows, "POST /suggest"), worst_page_p95(paced_rows)
        say(
            f"\npublic pages: at most {worst_cpu_ms:.2f} ms of CPU each, drawn (target {cpu_target_ms:.2f} ms: "
            f"{PAGE_CPU_TARGET_MS} ms at a {REFERENCE_LOOP_S} s loop, this machine's loop {loop_seconds} s); "
            f"{public['rps']:.0f} req/s through the server = {ratio:.1%} of hello's {hello_wrk['rps']:.0f} req/s"
        )
        say(
            f"mix paced: {paced_rps:.0f} req/s served of {args.paced_rps:g} offered; suggestion sent p95 "
            f"{paced_submit_p95} ms, the slowest page's p95 {paced_page_p95} ms"
        )
        say(
            f"mix always full: {rows['Aggregated']['rps']:.0f} req/s; suggestion sent p95 {p95(rows, 'POST /suggest')} "
            f"ms, lookup p95 {p95(rows, 'GET /track?code=')} ms (information)"
        )
        generators = {
            "wrk hello": hello_wrk,
            "wrk public pages": public,
            "locust mix": mix,
            "locust paced": paced,
            "locust hello": hello_locust,
        }
        say(
            "load generator's CPU, share of one core: "
            + ", ".join(f"{name} {phase['generator_cpu']:.0%}" for name, phase in generators.items())
        )
        say(f"worker memory (RSS, after the mix): platform {app_rss} MB, hello {hello_rss} MB")
        say(
            f"machine load (1 min): {load_start:.2f} at the start, {load_end:.2f} at the end "
            "(the benchmark's own busy threads count in the latter)"
        )
        checks = {
            "no errors": errors == 0,
            f"public page CPU <= {cpu_target_ms:.2f} ms": worst_cpu_ms <= cpu_target_ms,
            f"paced mix served at >= 90 % of {args.paced_rps:g} requests/s": paced_rps >= 0.9 * args.paced_rps,
            "paced suggestion p95 <= 50 ms": paced_submit_p95 is not None and paced_submit_p95 <= 50,
            "paced pages' p95 <= 200 ms": paced_page_p95 is not None and paced_page_p95 <= 200,
        }
        say("targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks.items()))
        print(
            json.dumps(
                {
                    "errors": errors,
                    "public_page_cpu_ms": worst_cpu_ms,
                    "public_page_cpu_target_ms": cpu_target_ms,
                    "public_page_cpu_ms_each": page_cpu["public_page_cpu_ms_each"],
                    "paced_offered_rps": args.paced_rps,
                    "paced_rps": round(paced_rps, 1),
                    "paced_submit_p95_ms": paced_submit_p95,
                    "paced_page_p95_ms": paced_page_p95,
                    "paced_lookup_p95_ms": p95(paced_rows, "GET /track?code="),
                    "submit_p95_ms": p95(rows, "POST /suggest"),
                    "lookup_p95_ms": p95(rows, "GET /track?code="),
                    "mix_rps": round(rows["Aggregated"]["rps"], 1),
                    "public_page_rps": round(public["rps"], 1),
                    "hello_rps": round(hello_wrk["rps"], 1),
                    "public_rps_ratio": round(ratio, 3),
                    "hello_locust_rps": round(hello_locust["rows"]["Aggregated"]["rps"], 1),
                    "worker_rss_mb": app_rss,
                    "clients": args.clients,
                    "seconds": args.seconds,
                    "page_requests": args.page_requests,
                    "database": args.database,
                    "workers": settings["workers"],
                    "threads": settings["threads"],
                    "worker_class": app.worker_class(),
                    "loadavg_1min": [round(load_start, 2), round(load_end, 2)],
                    "machine_loop_s": loop_seconds,
                    "targets_met": all(checks.values()),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrupted: the servers are stopped and the instance removed.")
