"""Benchmark: importing one spreadsheet of residents' suggestions (100,000 rows by default), all or nothing.

Builds a database of its own (SQLite in a temporary folder; PostgreSQL `bench_import` on BENCH_POSTGRES_URL's
server with `--database postgresql`), writes the file (CSV or Excel, realistic Chinese text), then imports it as
the office's page does a large file: kept in the storage and queued (solicitation.services.imports.
import_in_background), then run by the worker (jobs.services.run_pending); `--direct` calls import_suggestions
itself, as the page does a small file. Reports the time, how far the process's peak memory grew above its resident
memory before, and the reports of progress the job's page saw.

    .venv/bin/python bench/import_suggestions.py [--rows 100000] [--format csv|xlsx] [--database sqlite|postgresql]
        [--direct]

Prints the figures, then one JSON object as its last line: `rows`, `format`, `database`, `through`, `import_s`,
`peak_growth_mb`, `file_mb`, `progress_reports`, `machine_loop_s`.
"""

import argparse
import contextlib
import csv
import io
import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import report as machine_report  # noqa: E402  (bench/machine.py)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "建议进一步简化企业开办流程，推行全程网上办理。",
    "社区养老服务站点覆盖不足，希望增加日间照料中心。",
    "老旧小区管网老化严重，雨季经常积水，建议统一改造。",
    "公交线路与地铁站接驳不便，建议优化微循环公交。",
    "学校周边上下学时段交通拥堵，建议错峰并增设临时停车区。",
    "基层医疗机构人手不足，建议完善家庭医生签约激励机制。",
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """The process's resident memory now (maxrss is a high-water mark, which writing the file may have set higher)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def spreadsheet(rows: int, fmt: str) -> bytes:
    """A file of `rows` suggestions in the import's template columns."""
    header = ["标题", "内容", "渠道", "收到日期", "同意使用联系方式"]
    lines = (
        [
            f"第{n}条建议",
            "".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(1 + n % 8)),
            "12345热线",
            "2026-10-20",
            "否",
        ]
        for n in range(rows)
    )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(lines)
        return out.getvalue().encode("utf-8-sig")
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for n, line in enumerate(lines, start=1):
        sheet.write_row(n, 0, line)
    book.close()
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--direct", action="store_true", help="call import_suggestions, not through a job")
    args = parser.parse_args()
    result = {
        "rows": args.rows,
        "format": args.format,
        "database": args.database,
        "through": "direct" if args.direct else "job",
        "machine_loop_s": machine_report(),
    }
    with contextlib.ExitStack() as stack:
        instance = Path(tempfile.mkdtemp(prefix="bench-import-"))
        stack.callback(shutil.rmtree, instance, ignore_errors=True)
        if args.database == "postgresql":
            url = stack.enter_context(scratch_database("bench_import"))
            if url is None:
                return
        else:
            url = f"sqlite:///{instance}/import.db"
        from flask_migrate import upgrade

        from accounts.models import Role, User
        from app import create_app
        from core import clock
        from extensions import db
        from jobs.models import Job, JobState
        from jobs.services import run_pending
        from solicitation.models import Round, RoundStatus, Suggestion
        from solicitation.services.imports import IMPORT_SUGGESTIONS, import_in_background, import_suggestions

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(instance),
                "SECRET_KEY": "bench",
                "IMPORT_MAX_BYTES": 200 * 1024 * 1024,
                "IMPORT_MAX_UNPACKED_BYTES": 2000 * 1024 * 1024,
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            today = clock.today()
            office = User(username="bench.office", display_name="导入测试", role=Role.office)
            office.set_password("bench-import-Longgang")
            round = Round(
                year=2997,
                title="导入测试轮次",
                status=RoundStatus.soliciting,
                solicitation_opens=today - timedelta(days=10),
                solicitation_closes=today + timedelta(days=30),
                review_deadline=today + timedelta(days=60),
                plan_date=today + timedelta(days=90),
            )
            db.session.add_all([office, round])
            db.session.commit()
            data = spreadsheet(args.rows, args.format)
            result["file_mb"] = round_to(len(data) / 2**20)
            before = resident_mb()
            started = time.perf_counter()
            filename = f"bench.{args.format}"
            reports = []  # each report of progress, as the job's page reads it (the UPDATE of the jobs table)
            db.event.listen(db.engine, "before_cursor_execute", lambda *a: reports.append(1) if noted(a[2]) else None)
            if args.direct:
                count = len(import_suggestions(actor=office, round=round, filename=filename, data=data))
            else:
                import_in_background(actor=office, round=round, filename=filename, data=data, locale="zh", links=[])
                assert run_pending() == {JobState.done: 1}
                job = db.session.scalar(db.select(Job).where(Job.kind == IMPORT_SUGGESTIONS))
                assert job.progress_done == job.progress_total, (job.progress_done, job.progress_total)
                count = job.result["imported"]
            result["import_s"] = round_to(time.perf_counter() - started)
            result["progress_reports"] = len(reports)
            result["peak_growth_mb"] = round_to(peak_mb() - before)
            stored = db.session.scalar(db.select(db.func.count()).select_from(Suggestion))
            assert stored == args.rows == count, (stored, count)
    print(
        f"{args.rows:,} rows ({args.format}, {result['file_mb']} MB) into {args.database}: "
        f"{result['import_s']} s through {result['through']}, peak memory +{result['peak_growth_mb']} MB, "
        f"{result['progress_reports']} reports of progress",
        flush=True,
    )
    print(json.dumps(result))


def noted(statement: str) -> bool:
    """Whether the statement is a report of a job's progress."""
    return statement.startswith("UPDATE jobs SET") and "progress_message" in statement and "attempts" not in statement


def round_to(value: float) -> float:
    return round(value, 1)


if __name__ == "__main__":
    main()
