"""The pages of jobs: the job's own page (a progress page, or JSON for a page that polls) for whoever enqueued it
and the office only; the office's list with failed jobs, their error and a retry button; the suggestion export
as a job, end to end."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from accounts.models import AuditEvent
from core.models import utcnow
from core.storage import attachment_storage
from extensions import db
from jobs.models import Job, JobState
from jobs.services import enqueue, purge_done_jobs, run_pending
from solicitation.services import exports as export_services
from tests.factories import make_open_round, make_suggestion, make_user
from tests.jobs import kinds

JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def _fresh():
    kinds.SEEN.clear()
    kinds.WATCHERS.clear()


def queued(kind, actor, payload=None) -> Job:
    job = enqueue(kind, payload or {}, actor=actor)
    db.session.commit()
    return job


def failed_job(actor=None) -> Job:
    job = queued("test.fails", actor)
    job.state, job.attempts, job.error = JobState.failed, 3, "RuntimeError: the printer is on fire"
    db.session.commit()
    return job


def test_whoever_enqueued_a_job_follows_it_until_it_is_done(client, login_as):
    unit = login_as("unit_staff")
    job = queued("test.watched", unit)

    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200
    assert f'data-poll="/jobs/{job.id}" data-every="2"' in page.get_data(as_text=True)  # the page follows it
    assert client.get(f"/jobs/{job.id}", headers=JSON).get_json()["state"] == "queued"

    kinds.WATCHERS.append(lambda: client.get(f"/jobs/{job.id}", headers=JSON).get_json())
    run_pending()
    halfway = kinds.SEEN[0]
    assert (halfway["state"], halfway["done"], halfway["total"], halfway["percent"]) == ("running", 1, 2, 50)
    assert halfway["message"] == "halfway"

    done = client.get(f"/jobs/{job.id}", headers=JSON).get_json()
    assert (done["state"], done["percent"], done["message"]) == ("done", 100, "counted")
    assert "error" not in done  # the errors are the office's to read
    assert 'http-equiv="refresh"' not in client.get(f"/jobs/{job.id}").get_data(as_text=True)  # done: it stops


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_a_job_is_refused_to_another_user(client, login_as, role):
    job = queued("test.watched", make_user(role="unit_staff"))
    login_as(role)
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.get(f"/jobs/{job.id}", headers=JSON).status_code == 403
    assert client.get(f"/jobs/{job.id}/download").status_code == 403


def test_a_job_asks_a_visitor_to_log_in(client):
    job = queued("test.watched", make_user(role="unit_staff"))
    response = client.get(f"/jobs/{job.id}")
    assert response.status_code == 302 and "/login" in response.location


def test_office_sees_every_job_and_the_failed_ones_with_their_error(client, login_as):
    login_as("office")
    failed = failed_job(make_user(role="unit_staff"))
    done = queued("test.record", None, {"n": 1})
    run_pending()

    page = client.get("/admin/jobs?state=failed").get_data(as_text=True)
    assert f"#{failed.id}<" in page and f"#{done.id}<" not in page
    assert "RuntimeError: the printer is on fire" in page
    assert f"/jobs/{failed.id}/retry" in page
    assert client.get(f"/jobs/{failed.id}", headers=JSON).get_json()["error"] == "RuntimeError: the printer is on fire"

    exported = client.get("/admin/jobs?export=csv").get_data(as_text=True)
    assert "test.fails" in exported and "test.record" in exported and "the printer is on fire" in exported


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_lists_jobs(client, login_as, role):
    login_as(role)
    assert client.get("/admin/jobs").status_code == 403


def test_retry_button_queues_a_failed_job_again_and_is_audited(client, login_as):
    office = login_as("office")
    job = failed_job()

    response = client.post(f"/jobs/{job.id}/retry")
    assert response.status_code == 302
    db.session.refresh(job)
    assert job.state is JobState.queued and job.attempts == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.retry"))
    assert event.actor_id == office.id and event.object_id == job.id
    assert event.before == {"state": "failed", "attempts": 3} and event.after == {"state": "queued", "attempts": 0}


def test_retry_of_a_job_that_has_not_failed_is_refused(client, login_as):
    login_as("office")
    job = queued("test.record", None, {"n": 1})
    response = client.post(f"/jobs/{job.id}/retry")
    assert response.status_code == 409
    db.session.refresh(job)
    assert job.state is JobState.queued


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_retries_a_job(client, login_as, role):
    user = login_as(role)
    job = failed_job(user)  # even one they enqueued themselves
    assert client.post(f"/jobs/{job.id}/retry").status_code == 403
    db.session.refresh(job)
    assert job.state is JobState.failed


def test_office_exports_the_suggestions_in_the_background_and_downloads_the_file(client, login_as):
    office = login_as("office")
    round = make_open_round()
    for n in range(3):
        make_suggestion(round=round, title=f"建议{n}", contact_phone="13800138000")
    make_suggestion(round=round, title="另一条", channel="hotline", actor=office)
    run_pending()  # the worker has looked for near-copies of the new suggestions

    response = client.post(f"/rounds/{round.id}/suggestions/export-job?channel=web")
    assert response.status_code == 302
    job = db.session.scalars(select(Job).where(Job.kind == "suggestions.export")).one()
    assert response.location.endswith(f"/jobs/{job.id}")
    assert job.kind == "suggestions.export" and job.state is JobState.queued

    assert run_pending() == {JobState.done: 1}
    shown = client.get(f"/jobs/{job.id}", headers=JSON).get_json()
    assert (shown["state"], shown["done"], shown["total"]) == ("done", 3, 3)
    assert shown["download_url"] == f"/jobs/{job.id}/download"
    assert f"suggestions-{round.year}.xlsx" in client.get(f"/jobs/{job.id}").get_data(as_text=True)

    download = client.get(shown["download_url"])
    assert download.status_code == 200
    assert f"suggestions-{round.year}.xlsx" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.data)).active.values)
    assert rows[2][:2] == ("查询码", "标题") and rows[-1][0] == "共 3 条"  # those sent on the web, not the hotline's
    assert {row[1] for row in rows[3:-1]} == {"建议0", "建议1", "建议2"}
    assert all("13800138000" not in str(row) for row in rows)  # contact details masked


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_exports_suggestions_in_the_background(client, login_as, role):
    round = make_open_round()
    login_as(role)
    assert client.post(f"/rounds/{round.id}/suggestions/export-job").status_code == 403
    assert db.session.scalars(select(Job).where(Job.kind == "suggestions.export")).all() == []


def test_an_export_done_long_ago_is_forgotten_with_its_file_but_a_failed_job_stays(client, login_as):
    office = login_as("office")
    round = make_open_round()
    make_suggestion(round=round)
    old, recent = (export_services.export_suggestions(actor=office, round=round, locale="zh_CN") for _ in range(2))
    run_pending()
    failed = failed_job()
    for job in (old, failed):
        job.finished_at = utcnow() - timedelta(days=8)
    db.session.commit()
    old_id, old_key = old.id, old.result["storage_key"]
    assert client.get(f"/jobs/{old_id}/download").status_code == 200

    assert purge_done_jobs() == 1
    assert db.session.get(Job, old_id) is None
    assert client.get(f"/jobs/{old_id}/download").status_code == 404
    with pytest.raises(FileNotFoundError):
        attachment_storage().read(old_key)
    assert client.get(f"/jobs/{recent.id}/download").status_code == 200  # a week is not over
    assert db.session.get(Job, failed.id).state is JobState.failed  # the office has yet to see it
