"""The scale benchmark works end to end (bench/scale.py --smoke): it builds a round in bulk, serves it through
gunicorn, times each page and prints its JSON keys. No timing is asserted: the figures are for the note."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(TEST_DATABASE_URL is not None, reason="run once, in the SQLite run of the tests")
def test_the_scale_benchmark_builds_serves_and_prints_its_keys(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--smoke", "--databases", "sqlite"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["suggestions"], figures["proposals"]) == (5000, 100)
    for key in ("list", "list_search", "heard", "dashboard", "todo", "submit", "lookup"):
        assert isinstance(figures[f"sqlite_{key}_p95_ms_5k"], int | float), key
    assert figures["sqlite_worst_page_p95_ms_5k"] > 0 and figures["sqlite_ranking_p95_ms_100"] > 0
