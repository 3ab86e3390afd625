"""Rate limits count per client across every server process once they share a store (Redis).

Each app instance runs in its own process here: in one process every app shares the one `limiter`, which
would prove nothing.
"""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]

# An app instance in a process of its own: it makes the requests asked and prints their statuses.
INSTANCE = """
import json, sys
from app import create_app
from extensions import db
spec = json.loads(sys.argv[1])
app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, **spec["config"]})
with app.app_context():
    db.create_all()
client = app.test_client()
print(json.dumps([client.open(path, method=method, data=data).status_code for method, path, data in spec["requests"]]))
"""


def run_instance(tmp_path, config: dict, requests: list) -> list[int]:
    """Start an app instance on its own SQLite file in `tmp_path`, make `requests`, return their statuses."""
    config = {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'reform.db'}"} | config
    spec = json.dumps({"config": config, "requests": requests})
    done = subprocess.run(
        [sys.executable, "-c", INSTANCE, spec], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_app_instances_on_one_redis_store_share_a_limit(tmp_path, redis_prefix):
    client, prefix = redis_prefix
    config = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "3 per minute"}
    attempt = ["POST", "/login", {"username": "nobody", "password": "wrong-pass1"}]
    assert run_instance(tmp_path, config, [attempt, attempt]) == [200, 200]
    assert any(client.scan_iter(f"*{prefix}*"))  # the counts are in Redis, not in the process that ended
    assert run_instance(tmp_path, config, [attempt, attempt]) == [200, 429]


def test_health_is_never_rate_limited(tmp_path):
    statuses = run_instance(
        tmp_path,
        {"RATELIMIT_DEFAULT": "1 per minute"},  # every page without a limit of its own: once a minute
        [["GET", "/", {}], ["GET", "/", {}], *[["GET", "/health", {}]] * 3],
    )
    assert statuses == [200, 429, 200, 200, 200]
