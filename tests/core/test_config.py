"""Configuration from the environment, with safe defaults."""

import sqlite3
import time

import pytest

from app import create_app
from config import database_url
from extensions import db
from tests.factories import make_open_round


def test_database_url_defaults_to_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)) == f"sqlite:///{tmp_path}/reform.db"


def test_postgres_urls_are_driven_by_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/reform")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u@db:5432/reform"


def test_a_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert len(first) == 64 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env" and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"


def test_on_sqlite_pages_are_read_while_another_process_holds_the_write_lock(app, client):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's journal mode")
    make_open_round(title="2034年改革计划")
    writer = sqlite3.connect(db.engine.url.database, timeout=0)
    try:
        writer.execute("BEGIN EXCLUSIVE")  # as another server process in the middle of its commit
        started = time.monotonic()
        page = client.get("/heard").get_data(as_text=True)  # drawn anew: the round's commit emptied the copies
        assert "2034年改革计划" in page and time.monotonic() - started < 2
    finally:
        writer.rollback()
        writer.close()


def test_a_retired_worker_setting_is_named_in_the_log_with_the_one_that_took_its_place(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("SEARCH_WORKER", "none")
    create_app({"INSTANCE_PATH": str(tmp_path)})
    assert "SEARCH_WORKER no longer does anything: JOBS_WORKER sets the one background worker" in caplog.text
