"""Structured logs: a JSON line per request and per error, each with the request id the answer echoes."""

import json
import logging
from datetime import timedelta

import pytest

from core.logs import JsonFormatter
from core.models import utcnow
from extensions import db
from search_index.models import SearchQueue
from tests.factories import make_open_round

FORM = {
    "title": "建议增设社区长者饭堂",
    "content": "社区老人就餐不便，建议每个社区设长者饭堂。",
    "contact_name": "陈大爷",
    "contact_phone": "13700001111",
    "contact_email": "chen@example.cn",
    "consent": "y",
    "website": "",
}


def request_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records if record.name == "reform.access"]


@pytest.fixture
def caplog(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def test_every_request_writes_one_json_line_with_the_id_the_answer_echoes(client, caplog):
    response = client.get("/heard")
    [line] = request_lines(caplog)
    assert response.headers["X-Request-Id"] == line["request_id"] and len(line["request_id"]) == 32
    assert {key: line[key] for key in ("level", "method", "path", "status", "user_id", "remote_addr")} == {
        "level": "info",
        "method": "GET",
        "path": "/heard",
        "status": 200,
        "user_id": None,
        "remote_addr": "127.0.0.1",
    }
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_a_trusted_proxys_request_id_is_kept_and_an_odd_one_replaced(app, client, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "PROXY_COUNT", 1)
    assert client.get("/", headers={"X-Request-Id": "lb-7f3a9c21-0001"}).headers["X-Request-Id"] == "lb-7f3a9c21-0001"
    odd = client.get("/", headers={"X-Request-Id": "<script>alert(1)</script>"}).headers["X-Request-Id"]
    assert odd != "<script>alert(1)</script>" and len(odd) == 32
    assert [line["request_id"] for line in request_lines(caplog)] == ["lb-7f3a9c21-0001", odd]


def test_a_clients_request_id_is_ignored_without_a_trusted_proxy_in_front(app, client, caplog):
    assert app.config["PROXY_COUNT"] == 0
    response = client.get("/", headers={"X-Request-Id": "chosen-by-the-client"})
    [line] = request_lines(caplog)
    assert line["request_id"] == response.headers["X-Request-Id"] != "chosen-by-the-client"
    assert len(line["request_id"]) == 32


def test_the_line_names_the_logged_in_user(client, login_as, caplog):
    user = login_as("office")
    caplog.clear()
    client.get("/rounds")
    [line] = request_lines(caplog)
    assert line["user_id"] == user.id and line["status"] == 200


def test_no_log_line_holds_a_residents_contact_details_or_what_they_wrote(client, caplog):
    make_open_round()
    client.post("/suggest?channel=wechat", data=FORM)
    client.get("/track?code=ABCD-EFGH-JKLM&phone=13700001111")
    written = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert '"path": "/suggest"' in written and '"path": "/track"' in written
    for private in ("13700001111", "chen@example.cn", "陈大爷", "长者饭堂", "ABCD-EFGH-JKLM", "channel="):
        assert private not in written


def test_an_unexpected_error_is_logged_with_its_traceback_and_the_request_id(failing_client, caplog):
    response = failing_client.get("/boom")
    assert response.status_code == 500
    echoed = response.headers["X-Request-Id"]
    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    [error] = [line for line in lines if "exception" in line]
    assert error["level"] == "error" and error["request_id"] == echoed
    assert "RuntimeError: an unexpected bug" in error["exception"]
    [line] = [line for line in lines if line["logger"] == "reform.access"]
    assert (line["status"], line["level"], line["request_id"]) == (500, "error", echoed)


def test_a_load_balancers_health_polls_are_debug_lines_unless_the_server_fails(app, client, caplog, monkeypatch):
    client.get("/health")
    assert request_lines(caplog) == []  # at the production level, INFO, a poll every few seconds writes nothing
    caplog.set_level(logging.DEBUG)
    client.get("/health")
    [poll] = request_lines(caplog)
    assert (poll["path"], poll["status"], poll["level"]) == ("/health", 200, "debug")

    caplog.clear()
    caplog.set_level(logging.INFO)
    monkeypatch.setitem(app.config, "SEARCH_QUEUE_MAX_AGE_SECONDS", 60)
    db.session.add(SearchQueue(kind="suggestion", record_id=1, queued_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    client.get("/health")
    [failed] = request_lines(caplog)
    assert (failed["path"], failed["status"], failed["level"]) == ("/health", 503, "error")
