"""Two real servers (gunicorn) on one PostgreSQL database, as on two machines: what one accepts, the other serves.

Each server has its own instance folder, so nothing passes through a shared disk: the database holds the
records, the attachments (STORAGE_BACKEND=database) and the search index (SEARCH_BACKEND=postgresql), Redis
the rate limits, and the shared SECRET_KEY lets a login made on one server work on the other.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from flask_migrate import upgrade

from accounts.services import create_api_token
from app import create_app
from extensions import db
from tests.conftest import REDIS_URL, TEST_DATABASE_URL, wait_until
from tests.factories import PASSWORD, make_open_round, make_proposal, make_user

ROOT = Path(__file__).resolve().parents[1]
SECRET = "shared-by-every-server"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SUGGESTION = {
    "title": "建议在龙城广场增设长者饭堂",
    "content": "社区老人就餐不便，建议在龙城广场附近设长者饭堂。",
    "contact_name": "陈大爷",
    "contact_phone": "13700001111",
    "contact_email": "",
    "consent": "y",
    "website": "",
}

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="SKIPPED: the two-server test needs TEST_DATABASE_URL on PostgreSQL (several servers share one database)",
)


class Browser:
    """A browser tab: keeps its cookies, does not follow redirects, reads the CSRF token off a page."""

    class _Stay(HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), self._Stay)

    def open(self, url: str, data: bytes | None = None, headers: dict | None = None):
        try:
            response = self.opener.open(Request(url, data=data, headers=headers or {}), timeout=30)
        except HTTPError as error:  # a redirect or an error is an answer too
            response = error
        with response:
            return response.status, response.headers, response.read()

    def csrf_token(self, url: str) -> str:
        _, _, page = self.open(url)
        return re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()

    def post_form(self, url: str, fields: dict, files: dict | None = None):
        fields = {**fields, "csrf_token": self.csrf_token(url)}
        if not files:
            body = urlencode(fields).encode()
            return self.open(url, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        for name, (filename, content) in files.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.open(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, base: str, username: str) -> None:
        status, _, _ = self.post_form(f"{base}/login", {"username": username, "password": PASSWORD})
        assert status == 302


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(database_url: str, folder: Path) -> dict:
    """Migrate the shared database and add a round taking suggestions, a unit's draft proposal and an office."""
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(folder), "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        round = make_open_round()
        unit_staff = make_user(role="unit_staff")
        office = make_user(role="office")
        proposal = make_proposal(round=round, author=unit_staff)
        seeded = {
            "unit_staff": unit_staff.username,
            "proposal_id": proposal.id,
            "office_token": create_api_token(actor=None, user=office, name="two-servers"),
        }
        db.session.remove()
        db.engine.dispose()
    return seeded


def start_server(database_url: str, folder: Path, prefix: str) -> tuple[subprocess.Popen, str, Path]:
    """gunicorn with the production settings, on a port of its own; returns the process, its address, its log."""
    folder.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "INSTANCE_PATH": str(folder),
        "SEARCH_BACKEND": "postgresql",
        "JOBS_INTERVAL_SECONDS": "0.5",
        "STORAGE_BACKEND": "database",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "MAIL_SERVER": "",
        "PROXY_COUNT": "1",  # several servers sit behind a load balancer, whose request ids they keep
    }
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    return process, f"http://127.0.0.1:{port}", log


def wait_until_healthy(process: subprocess.Popen, base: str, log: Path) -> dict:
    def health() -> dict | None:
        assert process.poll() is None, log.read_text()
        try:
            status, _, body = Browser().open(f"{base}/health")
        except (URLError, ConnectionError):
            return None
        return json.loads(body) if status == 200 else None

    answer = wait_until(health, seconds=90, every=0.5)
    assert answer, f"{base} never became healthy:\n{log.read_text()}"
    return answer


@pytest.fixture
def two_servers(empty_database_url, redis_prefix, tmp_path):
    """Servers A and B, each with two worker processes, on the shared database."""
    seeded = seed(empty_database_url, tmp_path / "seed")
    servers = [start_server(empty_database_url, tmp_path / name, redis_prefix[1]) for name in ("a", "b")]
    try:
        for process, base, log in servers:
            health = wait_until_healthy(process, base, log)
            assert health["checks"]["search"]["backend"] == "postgresql"
        yield seeded, [base for _, base, _ in servers], [log for _, _, log in servers], redis_prefix
    finally:
        for process, _, _ in servers:
            process.send_signal(signal.SIGTERM)
        for process, _, _ in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_what_one_server_accepts_the_other_serves_and_finds(two_servers):
    seeded, (a, b), (_, log_b), (redis_client, prefix) = two_servers
    resident = Browser()

    status, headers, _ = resident.post_form(f"{a}/suggest?channel=wechat", SUGGESTION)
    assert status == 302, "server A takes the resident's suggestion"
    code = re.search(r"code=([A-Z0-9-]+)", headers["Location"]).group(1)
    status, headers, page = Browser().open(f"{b}/track?code={code}", headers={"X-Request-Id": "two-servers-0001"})
    assert status == 200 and SUGGESTION["title"] in page.decode(), "server B shows it to its tracking code"
    assert headers["X-Request-Id"] == "two-servers-0001"

    unit = Browser()
    unit.login(a, seeded["unit_staff"])
    proposal = f"/proposals/{seeded['proposal_id']}"
    status, _, _ = unit.post_form(f"{a}{proposal}/attachments", {}, files={"file": ("实施方案.pdf", PDF)})
    assert status == 302, "server A stores the unit's attachment"
    status, _, page = unit.open(f"{b}{proposal}")  # the login made on A holds on B: one SECRET_KEY
    assert status == 200
    attachment = re.search(rf'href="({proposal}/attachments/\d+)"', page.decode()).group(1)
    status, headers, data = unit.open(f"{b}{attachment}")
    assert (status, data) == (200, PDF), "server B serves the file server A stored"

    def found_on_b() -> list:
        status, _, body = Browser().open(
            f"{b}/api/v1/search?{urlencode({'q': '长者饭堂'})}",
            headers={"Authorization": f"Bearer {seeded['office_token']}"},
        )
        assert status == 200
        return [item for item in json.loads(body)["items"] if item["kind"] == "suggestion"]

    found = wait_until(found_on_b, seconds=15, every=0.5)
    assert [item["title"] for item in found] == [SUGGESTION["title"]], "server B's search finds it once indexed"

    assert any(redis_client.scan_iter(f"*{prefix}*")), "the servers count rate limits in Redis"
    lines = [json.loads(line) for line in log_b.read_text().splitlines() if line.startswith("{")]
    [tracked] = [line for line in lines if line.get("request_id") == "two-servers-0001"]
    assert (tracked["path"], tracked["status"]) == ("/track", 200), "server B logs the request as a JSON line"
