"""GET /health tells a load balancer whether this server can work: its database answers, its index keeps up."""

from datetime import timedelta

from app import create_app
from core.mail import MailFailure, OutboxMessage
from core.models import utcnow
from extensions import db
from search_index.models import SearchQueue


def test_health_reports_each_check_with_its_figures(client):
    response = client.get("/health")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok" and body["checks"]["database"]["ms"] >= 0
    search = body["checks"]["search"]
    assert (search["status"], search["backend"], search["queue_age_seconds"]) == ("ok", "whoosh", 0.0)
    assert response.headers["Cache-Control"] == "no-store"


def test_health_shows_the_mail_waiting_and_given_up_without_failing_for_it(client):
    overdue = utcnow() - timedelta(minutes=10)
    db.session.add(OutboxMessage(recipient="wang@example.cn", subject="通知", body="…", next_attempt_at=overdue))
    given_up = OutboxMessage(recipient="li@example.cn", subject="通知", body="…", attempts=1, last_error="550")
    given_up.failed_at, given_up.failure = utcnow(), MailFailure.recipient
    db.session.add(given_up)
    db.session.commit()
    response = client.get("/health")
    mail = response.get_json()["checks"]["mail"]
    assert response.status_code == 200 and mail["status"] == "ok"
    assert (mail["waiting"], mail["retrying"], mail["given_up"]) == (1, 0, 1) and mail["overdue_seconds"] >= 600


def test_health_sets_no_cookie(client):
    assert "Set-Cookie" not in client.get("/health").headers


def test_a_search_queue_left_waiting_fails_the_search_check(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_QUEUE_MAX_AGE_SECONDS", 60)
    db.session.add(SearchQueue(kind="suggestion", record_id=1, queued_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    response = client.get("/health")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["search"]["error"] == "queue_stale" and body["checks"]["search"]["queue_age_seconds"] >= 600


def test_a_database_that_does_not_answer_fails_the_health_check_by_name_only(tmp_path):
    unreachable = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no-such-folder' / 'reform.db'}",
        }
    )
    response = unreachable.test_client().get("/health")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "error"
    database = body["checks"]["database"]
    assert (database["status"], database["error"]) == ("error", "OperationalError")
    assert "no-such-folder" not in response.get_data(as_text=True)
