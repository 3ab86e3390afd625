"""Fixtures: the app (SQLite, or TEST_DATABASE_URL), a clean database per test, a client, a CLI runner, login_as,
and an empty database beside the test database."""

import os
import re
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.test import run_wsgi_app
from werkzeug.wsgi import get_current_url

from app import create_app
from extensions import db
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
# What a page says when someone else saved the record since it was opened (edit versions).
CONFLICT = "此记录已被他人修改"


class Client(FlaskClient):
    """A test client that behaves like a browser tab: its own request context, and a CSRF token on every POST.

    Each request runs in a fresh app context, so nothing cached by an earlier request (the
    logged-in user, the CSRF token) leaks into the next; the test's own session is then expired
    so it reads what the request committed.
    """

    _csrf_token = None

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response

    def run_wsgi_app(self, environ, buffered=False):
        """Werkzeug's, with the cookies matched on the request's host and path alone: werkzeug rebuilds the whole
        URL to find them, decoding the query string twice a request, a quarter of the route fuzzer's time (its
        query strings run to 50 kB)."""
        query = environ.pop("QUERY_STRING", "")
        self._add_cookies_to_wsgi(environ)
        environ["QUERY_STRING"] = query
        answer = run_wsgi_app(self.application, environ, buffered=buffered)
        url = urlsplit(get_current_url(environ, strip_querystring=True))
        self._update_cookies_from_response(url.hostname or "localhost", url.path, answer[2].getlist("Set-Cookie"))
        return answer

    def csrf_token(self) -> str:
        if self._csrf_token is None:
            page = self.get("/").get_data(as_text=True)
            self._csrf_token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        return self._csrf_token

    def form_version(self, page) -> str:
        """The record's version an edit form carries, as the browser sends it back: in a response, or in the
        page at a URL, opened now."""
        page = self.get(page) if isinstance(page, str) else page
        return re.search(r'name="lock_version" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)

    def login(self, user, password: str = factories.PASSWORD) -> None:
        """Log in as an existing user (by default one made by the factories) through the login form."""
        self.post("/logout")  # whoever was logged in before
        response = self.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)

    def post(self, *args, csrf=True, **kwargs):
        data = kwargs.get("data", {})
        if csrf and "json" not in kwargs and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance / 'test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            # Throttling stays on, loose enough for a test suite; the login tests tighten it.
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "LOGIN_USERNAME_RATE_LIMIT": "10000 per minute",
            "PUBLIC_POST_RATE_LIMIT": "10000 per minute",
            "PUBLIC_ATTEMPT_RATE_LIMIT": "10000 per minute",
            "LOOKUP_RATE_LIMIT": "10000 per minute",
            "PAGE_SIZE": 20,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = Client
    with app.app_context():
        try:
            db.drop_all()
            db.create_all()
        except OperationalError as error:
            pytest.exit(f"The test database {url} cannot be reached: {error}", returncode=3)
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def empty_database() -> None:
    """Delete every row of every table, in the current app context."""
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def in_two_workers(app, action) -> list:
    """Run `action()` in two threads at once, each in its own app context (as two server processes would), and
    return what each returned."""
    results = []

    def worker():
        with app.app_context():
            try:
                results.append(action())
            finally:
                db.session.remove()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results


def statements_run(action) -> int:
    """How many SQL statements `action` sent to the database."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def wait_until(condition, *, seconds: float, every: float = 0.2):
    """Look at `condition` until it returns something true or `seconds` have passed; return its last answer.

    The one pause the tests allow (tests/test_test_hygiene.py): between two looks at a real condition,
    never instead of one.
    """
    deadline = time.monotonic() + seconds
    while not (answer := condition()) and time.monotonic() < deadline:
        time.sleep(every)
    return answer


@pytest.fixture(autouse=True)
def _context(app, request):
    """Run each test in an app context and leave the database empty behind it; the tests of a module marked
    `shared_world` leave the world (below) to the next."""
    with app.app_context():
        yield
        if request.node.get_closest_marker("shared_world"):
            db.session.remove()
        else:
            empty_database()


@pytest.fixture(scope="module")
def world(app, request):
    """The module's own world (its `build_world()`), or else tests.world's world of every record a route names;
    built once for a module and emptied after its last test."""
    build_world = getattr(request.module, "build_world", None)
    if build_world is None:
        from tests.world import build_world

    with app.app_context():
        world = build_world()
    yield world
    with app.app_context():
        empty_database()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log the client in as a new user of `role` (a Role value) through the login form; return the user."""

    def login(role: str, **fields):
        user = factories.make_user(role=role, **fields)
        client.login(user)
        return user

    return login


@pytest.fixture
def other_client(app):
    """A second browser: another user, or the same one in a second tab, working at the same time as `client`."""
    return app.test_client()


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the kind under test: a SQLite file, or a PostgreSQL database named after the
    test database (test_… beside test), dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


REDIS_URL = "redis://127.0.0.1:6379/1"  # database 1: the tests' own


@pytest.fixture
def redis_prefix():
    """A Redis client on the tests' database and a key prefix of the test's own, its keys emptied afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"SKIPPED: no Redis answers at {REDIS_URL}; what needs a shared store was not tested")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield client, prefix
    keys = list(client.scan_iter(f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
