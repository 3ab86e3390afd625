"""A bulk triage of "all matching" past BULK_INLINE_MAX: previewed by its count, made by a background job a batch
at a time, each suggestion changed, audited and its resident mailed on its own, the refused ones listed."""

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from core.mail import OutboxMessage
from extensions import db
from jobs.models import Job, JobState
from jobs.services import run_pending
from solicitation.models import Suggestion, SuggestionStatus
from solicitation.services import background_triage
from solicitation.services import suggestions as services
from tests.factories import make_open_round, make_suggestion, make_theme

St = SuggestionStatus


@pytest.fixture
def large(app, monkeypatch, login_as):
    """A selection of more than 3 suggestions is large; the job works 2 at a time."""
    monkeypatch.setitem(app.config, "BULK_INLINE_MAX", 3)
    monkeypatch.setattr(background_triage, "BATCH", 2)
    return login_as("office")


def statuses(suggestions) -> list[SuggestionStatus]:
    db.session.expire_all()
    return [db.session.get(Suggestion, suggestion.id).status for suggestion in suggestions]


def audited(action: str) -> list[int]:
    """The suggestions an audit event of `action` names, one entry per event."""
    query = select(AuditEvent.object_id).where(AuditEvent.action == action, AuditEvent.object_type == "Suggestion")
    return sorted(db.session.scalars(query))


def updates_mailed_to(address: str) -> int:
    """The mails telling `address` that their suggestion's status or reply changed."""
    query = select(func.count()).where(OutboxMessage.recipient == address, OutboxMessage.kind == "suggestion_update")
    return db.session.scalar(query)


def triage_job() -> Job:
    return db.session.scalar(select(Job).where(Job.kind == background_triage.TRIAGE_SUGGESTIONS))


def test_all_matching_past_the_threshold_is_counted_queued_and_each_suggestion_audited_by_the_worker(client, large):
    round = make_open_round()
    matching = [make_suggestion(round=round, contact_email=f"r{n}@example.cn") for n in range(5)]
    taken = services.accept_suggestion(actor=large, suggestion=make_suggestion(round=round, title="早已受理的建议"))
    other_round = make_suggestion()
    data = {"all_matching": "y", "action": "accept"}

    page = client.post(f"/rounds/{round.id}/suggestions/bulk", data=data).get_data(as_text=True)
    assert "将对全部 6 条符合条件的建议执行此操作。" in page
    assert 'name="suggestion_id"' not in page and 'name="all_matching" value="y"' in page  # counted, not loaded
    assert statuses(matching) == [St.received] * 5 and triage_job() is None

    response = client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data=data)
    job = triage_job()
    assert response.status_code == 302 and response.location.endswith(f"/jobs/{job.id}")
    assert statuses(matching) == [St.received] * 5  # nothing changed in the request

    run_pending()  # the triage, and the near-duplicate search the suggestions queued
    db.session.refresh(job)
    assert job.state is JobState.done
    assert statuses([*matching, taken, other_round]) == [St.accepted] * 6 + [St.received]
    assert audited("suggestion.accept") == sorted([taken.id] + [s.id for s in matching])  # one event each
    assert all(updates_mailed_to(f"r{n}@example.cn") == 1 for n in range(5))
    assert (job.progress_done, job.progress_total, job.result["changed"]) == (6, 6, 5)
    assert job.result["rows"][0][1] == "早已受理的建议" and job.result["more"] == 0
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "已变更 5 条建议。" in page and "早已受理的建议" in page


def test_the_list_filter_chooses_what_the_job_acts_on(client, large):
    round = make_open_round()
    hotline = [make_suggestion(round=round, channel="hotline", actor=large) for _ in range(4)]
    web = make_suggestion(round=round)
    data = {"all_matching": "y", "action": "reject", "reason": "out_of_scope"}
    client.post(f"/rounds/{round.id}/suggestions/bulk/apply?channel=hotline", data=data)
    run_pending()
    assert statuses([*hotline, web]) == [St.rejected] * 4 + [St.received]


def test_a_whole_large_theme_is_previewed_by_count_and_triaged_by_the_job(client, large):
    round = make_open_round()
    members = [make_suggestion(round=round, title=f"公交线路建议{n}") for n in range(4)]
    outsider = make_suggestion(round=round)
    theme = make_theme(round=round, suggestions=members)
    data = {"all_matching": "y", "action": "reply", "reply": "区交通局将优化公交线路。"}

    page = client.post(f"/rounds/{round.id}/themes/{theme.id}/bulk", data=data).get_data(as_text=True)
    assert "将对全部 4 条符合条件的建议执行此操作。" in page and f'name="theme_id" value="{theme.id}"' in page

    response = client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data={**data, "theme_id": theme.id})
    assert response.location.endswith(f"/jobs/{triage_job().id}")
    run_pending()
    db.session.expire_all()
    assert [db.session.get(Suggestion, s.id).reply for s in members] == ["区交通局将优化公交线路。"] * 4
    assert db.session.get(Suggestion, outsider.id).reply == ""
    assert audited("suggestion.reply") == sorted(s.id for s in members)


def test_a_bad_choice_on_a_large_selection_queues_nothing(client, large):
    round = make_open_round()
    for _ in range(4):
        make_suggestion(round=round)
    response = client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data={"all_matching": "y", "action": "reject"})
    assert response.status_code == 400 and "请选择不予受理的理由。" in response.get_data(as_text=True)
    assert triage_job() is None


def test_a_theme_of_another_round_is_not_found(client, large):
    round, other = make_open_round(), make_open_round()
    theme = make_theme(round=other, suggestions=[make_suggestion(round=other) for _ in range(4)])
    data = {"all_matching": "y", "action": "accept", "theme_id": theme.id}
    assert client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data=data).status_code == 404
