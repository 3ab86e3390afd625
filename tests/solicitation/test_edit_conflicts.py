"""Two people editing the same round or proposal: the second save is refused with what was typed kept and the
first person's changes listed, until it is sent again from the record's new version."""

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from accounts.models import AuditEvent
from core.errors import EditConflict
from extensions import db
from solicitation.models import Proposal, ProposalStatus, Round
from solicitation.services import proposals as services
from tests.conftest import CONFLICT
from tests.factories import ROUND_FORM, make_open_round, make_proposal, make_round, make_user, proposal_fields


def test_second_office_user_saving_a_round_is_told_what_changed_and_keeps_their_text(client, other_client):
    first, second = make_user(role="office", display_name="张一"), make_user(role="office", display_name="李二")
    client.login(first)
    other_client.login(second)
    round = make_round(year=2019)
    url = f"/rounds/{round.id}/edit"
    first_version, second_version = client.form_version(url), other_client.form_version(url)
    form = dict(ROUND_FORM, year="2019")

    typed = {"title": "李二改的标题", "description": "李二写的说明"}

    saved = client.post(url, data=form | {"title": "张一改的标题", "lock_version": first_version})
    refused = other_client.post(url, data=form | typed | {"lock_version": second_version})

    page = refused.get_data(as_text=True)
    assert saved.status_code == 302 and refused.status_code == 409
    assert CONFLICT in page
    assert 'value="李二改的标题"' in page and "李二写的说明" in page  # what the second typed, still in the form
    assert "张一" in page and "张一改的标题" in page  # who changed what
    assert db.session.get(Round, round.id).title == "张一改的标题"

    again = other_client.post(url, data=form | typed | {"lock_version": other_client.form_version(refused)})
    assert again.status_code == 302
    assert db.session.get(Round, round.id).title == "李二改的标题"


def test_a_round_form_that_does_not_say_its_version_changes_nothing(client, login_as):
    login_as("office")
    round = make_round(year=2019)
    refused = client.post(f"/rounds/{round.id}/edit", data=dict(ROUND_FORM, year="2019", title="没有版本"))
    assert refused.status_code == 400 and "此表单已过期" in refused.get_data(as_text=True)
    assert db.session.get(Round, round.id).title != "没有版本"


def test_second_staff_member_saving_a_proposal_is_told_what_changed_and_keeps_their_text(client, other_client):
    round = make_open_round()
    author = make_user(role="unit_staff", display_name="王科长")
    colleague = make_user(role="unit_staff", unit=author.unit, display_name="赵干事")
    proposal = make_proposal(round=round, author=author)
    client.login(author)
    other_client.login(colleague)
    url = f"/proposals/{proposal.id}/edit"
    first_version, second_version = client.form_version(url), other_client.form_version(url)
    form = proposal_fields(round, action="save")

    saved = client.post(url, data=form | {"goals": "签约率达到60%", "lock_version": first_version})
    refused = other_client.post(url, data=form | {"content": "赵干事补充的改革内容", "lock_version": second_version})

    page = refused.get_data(as_text=True)
    assert saved.status_code == 302 and refused.status_code == 409
    assert CONFLICT in page and "赵干事补充的改革内容" in page
    assert "王科长" in page and "签约率达到60%" in page
    assert db.session.get(Proposal, proposal.id).goals == "签约率达到60%"
    assert db.session.get(Proposal, proposal.id).content != "赵干事补充的改革内容"

    merged = form | {"goals": "签约率达到60%", "content": "赵干事补充的改革内容"}
    assert other_client.post(url, data=merged | {"lock_version": other_client.form_version(refused)}).status_code == 302
    proposal = db.session.get(Proposal, proposal.id)
    assert (proposal.goals, proposal.content) == ("签约率达到60%", "赵干事补充的改革内容")


def test_a_draft_saved_but_not_submitted_can_be_saved_again_from_the_same_page(client):
    round = make_open_round()
    author = make_user(role="unit_staff")
    proposal = make_proposal(round=round, author=author, goals="")
    client.login(author)
    url = f"/proposals/{proposal.id}/edit"
    form = proposal_fields(round, goals="", action="submit")

    incomplete = client.post(url, data=form | {"content": "第一次保存", "lock_version": client.form_version(url)})
    assert "提交前请填写此项" in incomplete.get_data(as_text=True)  # saved, not submitted
    completed = form | {"content": "第一次保存", "goals": "签约率达到60%"}
    again = client.post(url, data=completed | {"lock_version": client.form_version(incomplete)})

    assert again.status_code == 302
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.submitted


def test_changing_only_the_cooperating_units_is_a_new_version(app):
    round = make_open_round()
    author = make_user(role="unit_staff")
    partner = make_user(role="unit_staff").unit
    proposal = make_proposal(round=round, author=author)
    version = proposal.lock_version
    services.update_proposal(
        actor=author,
        proposal=proposal,
        fields=proposal_fields(round),
        cooperating_unit_ids=[partner.id],
        expected_version=version,
    )
    with pytest.raises(EditConflict) as refused:
        services.update_proposal(
            actor=author, proposal=proposal, fields=proposal_fields(round), expected_version=version
        )
    (event,) = refused.value.params["changes"]
    assert event.after["cooperating_units"] == [partner.name]
    assert [unit.id for unit in db.session.get(Proposal, proposal.id).cooperating_units] == [partner.id]


def test_a_save_overtaken_between_its_check_and_its_write_is_refused_and_writes_nothing(app):
    proposal = make_proposal()
    author, version = proposal.author, proposal.lock_version
    # Another request saves the proposal after this one read it: the session does not see that.
    with db.engine.begin() as other:
        other.execute(update(Proposal).where(Proposal.id == proposal.id).values(lock_version=version + 1))
    with pytest.raises(EditConflict):
        services.update_proposal(
            actor=author,
            proposal=proposal,
            fields=proposal_fields(proposal.round, title="被抢先的修改"),
            expected_version=version,
        )
    assert db.session.get(Proposal, proposal.id).title != "被抢先的修改"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.update")) is None


def test_a_submission_overtaken_by_another_save_of_the_proposal_is_refused_with_a_page_saying_so(client):
    proposal = make_proposal()
    proposal_id = proposal.id
    client.login(proposal.author)

    overtaken = []

    def another_request_saves_first(session, _context, _instances):
        """Just before this request writes the proposal, another one saves it (once)."""
        if not overtaken and any(isinstance(record, Proposal) for record in session.dirty):
            overtaken.append(True)
            with db.engine.begin() as other:
                other.execute(
                    update(Proposal).where(Proposal.id == proposal_id).values(lock_version=Proposal.lock_version + 1)
                )

    event.listen(Session, "before_flush", another_request_saves_first)
    try:
        refused = client.post(f"/proposals/{proposal_id}/submit")
    finally:
        event.remove(Session, "before_flush", another_request_saves_first)

    assert refused.status_code == 409 and "有人同时修改了此记录" in refused.get_data(as_text=True)
    assert db.session.get(Proposal, proposal_id).status is ProposalStatus.draft
