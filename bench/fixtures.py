"""What every benchmark starts from: the app on an instance folder of its own, the office user it acts as, and a
round of its own."""

from datetime import timedelta

from flask import Flask

from accounts.models import Role, User
from app import create_app
from core import clock
from solicitation.models import Round, RoundStatus


def bench_app(url: str | None, instance: str, **config) -> Flask:
    """The app on `url` (else a SQLite file in `instance`), its limits off, with `config` added."""
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": instance,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{instance}/bench.db",
        "RATELIMIT_ENABLED": False,
    }
    return create_app(settings | config)


def bench_office() -> User:
    """The office user a benchmark acts as (it never logs in)."""
    return User(username="bench.office", display_name="基准", role=Role.office, password_hash="x")


def bench_round(*, year: int, status: RoundStatus) -> Round:
    """A round dated today, in `year` (a year no real round has) and `status`."""
    today = clock.today()
    return Round(
        year=year,
        title="基准轮次",
        status=status,
        solicitation_opens=today,
        solicitation_closes=today,
        review_deadline=today + timedelta(days=1),
        plan_date=today + timedelta(days=2),
    )
