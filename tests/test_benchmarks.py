"""The benchmarks work end to end on their smoke sizes and print their JSON keys. No timing is asserted: the figures
are for the note (bench/README.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(TEST_DATABASE_URL is not None, reason="run once, in the SQLite run of the tests")
def test_the_themes_benchmark_groups_the_planted_themes_and_prints_its_keys(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "themes.py"), "--smoke"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["suggestions"] == 2000 and figures["themes_s_1m"] is None and figures["themes_ari_100k"] is None
    # The planted themes are found, even on a small round (the target, 0.8, is for 100,000).
    assert figures["themes_ari"] >= 0.7 and figures["themes"] >= 10
    assert figures["assign_one_ms"] > 0 and 0 <= figures["near_dup_precision"] <= 1


def test_the_scale_benchmark_builds_serves_and_prints_its_keys_at_100k(tmp_path):
    # On this run's database: SQLite without the search index (Whoosh takes minutes over 100,000 documents),
    # PostgreSQL with it, in a database the benchmark makes on this run's server and drops.
    if TEST_DATABASE_URL:
        options, prefix, keys = ["--databases", "postgresql"], "", ["list_search"]
        env = {**os.environ, "BENCH_POSTGRES_URL": TEST_DATABASE_URL}
    else:
        options, prefix, keys = ["--databases", "sqlite", "--no-search-index"], "sqlite_", ["worst_page"]
        env = None
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--smoke", *options],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["suggestions"], figures["proposals"]) == (100_000, 100)
    for key in ["list", "heard", "dashboard", "todo", "submit", "lookup", *keys]:
        assert figures[f"{prefix}{key}_p95_ms_100k"] > 0, key
    assert figures[f"{prefix}ranking_p95_ms_100"] > 0
