"""gunicorn.conf.py: gunicorn's own worker model, configured from the environment, and its start-up hook."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from app import create_app

ROOT = Path(__file__).resolve().parents[1]
VARIABLES = ("BIND", "WEB_WORKERS", "WEB_THREADS", "WEB_TIMEOUT", "WEB_MAX_REQUESTS")


def settings(monkeypatch, **environment) -> Config:
    """gunicorn's settings as `gunicorn -c gunicorn.conf.py` reads them under this environment."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:  # gunicorn ignores the file's other names the same way
            config.set(name, value)
    return config


@pytest.fixture
def unfrozen():
    """Give the garbage collector back whatever a test froze."""
    yield
    gc.unfreeze()


def test_production_serves_with_gunicorns_sync_workers_by_default(monkeypatch):
    config = settings(monkeypatch)
    assert (config.worker_class_str, config.workers, config.threads) == ("sync", 2, 1)
    assert config.timeout == 60 and config.graceful_timeout == 30
    assert config.max_requests == 0


def test_web_threads_chooses_gunicorns_threaded_worker(monkeypatch):
    config = settings(monkeypatch, WEB_WORKERS="3", WEB_THREADS="4")
    assert (config.worker_class_str, config.workers, config.threads) == ("gthread", 3, 4)


def test_web_timeout_and_max_requests_are_gunicorns_own_settings(monkeypatch):
    config = settings(monkeypatch, WEB_TIMEOUT="120", WEB_MAX_REQUESTS="1000")
    assert config.timeout == 120
    assert (config.max_requests, config.max_requests_jitter) == (1000, 100)


def test_creating_the_app_leaves_the_garbage_collector_alone(tmp_path, unfrozen):
    frozen = gc.get_freeze_count()
    create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert gc.get_freeze_count() == frozen


def test_each_worker_freezes_what_loading_the_app_made(monkeypatch, tmp_path, unfrozen):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "JOBS_WORKER": "none", "MAIL_SERVER": ""})
    worker = SimpleNamespace(wsgi=app)  # what gunicorn hands the hook: its worker, the application loaded
    frozen = gc.get_freeze_count()
    settings(monkeypatch).post_worker_init(worker)
    assert gc.get_freeze_count() > frozen
