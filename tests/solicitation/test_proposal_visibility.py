"""A draft never submitted is its unit's alone: not on the office's review pages, not in its audit log, not among
what a suggestion fed into; a returned proposal is the office's to read as it returned it, until the unit
resubmits."""

from sqlalchemy import func, select

from core import clock
from extensions import db
from review.models import FieldVisit
from review.services import suggestion_reviews
from solicitation.services import proposals as proposal_services
from solicitation.services import suggestions
from tests.factories import make_open_round, make_proposal, make_suggestion, make_user, proposal_fields

PDF = b"%PDF-1.4\n%%EOF\n"


def unit_draft():
    """A unit's draft with a word of its own in a field and an attachment, and its author."""
    staff = make_user(role="unit_staff")
    proposal = make_proposal(author=staff, title="尚未报送的草稿", goals="草稿里的目标")
    fields = proposal_fields(proposal.round, title="尚未报送的草稿", goals="改过的目标")
    proposal_services.update_proposal(actor=staff, proposal=proposal, fields=fields)
    proposal_services.add_attachment(actor=staff, proposal=proposal, filename="内部测算.pdf", data=PDF)
    return proposal, staff


def test_the_office_cannot_open_the_reviews_page_of_a_units_draft_nor_record_a_visit_on_it(client, login_as):
    proposal, _staff = unit_draft()
    login_as("office")
    response = client.get(f"/proposals/{proposal.id}/reviews")
    assert response.status_code == 403 and "尚未报送的草稿" not in response.get_data(as_text=True)
    visit = {"visited_on": clock.today().isoformat(), "place": "龙城街道", "findings": "调研"}
    assert client.post(f"/proposals/{proposal.id}/field-visits", data=visit).status_code == 403
    assert db.session.scalar(select(func.count(FieldVisit.id))) == 0


def test_the_audit_log_and_its_export_keep_a_units_draft_from_the_office(client, login_as):
    proposal, staff = unit_draft()
    login_as("office")
    for response in (client.get("/audit"), client.get("/audit", query_string={"export": "csv"})):
        text = response.get_data(as_text=True)
        assert response.status_code == 200
        for secret in ("尚未报送的草稿", "草稿里的目标", "改过的目标", "内部测算.pdf"):
            assert secret not in text
    proposal_services.submit_proposal(actor=staff, proposal=proposal)
    text = client.get("/audit", query_string={"export": "csv"}).get_data(as_text=True)
    assert "尚未报送的草稿" in text and "内部测算.pdf" in text  # submitted: the office reads its history


def test_the_office_reads_a_returned_proposal_as_it_returned_it_until_the_unit_resubmits(client, login_as):
    office = login_as("office")
    staff = make_user(role="unit_staff")
    round = make_open_round()
    proposal = make_proposal(round=round, author=staff, submit=True, title="家庭医生签约")
    proposal_services.return_proposal(actor=office, proposal=proposal, reason="请细化目标")
    proposal_services.update_proposal(
        actor=staff, proposal=proposal, fields=proposal_fields(round, title="家庭医生签约", goals="退回后改写的目标")
    )
    proposal_services.add_attachment(actor=staff, proposal=proposal, filename="修改说明.pdf", data=PDF)
    text = client.get("/audit", query_string={"export": "csv"}).get_data(as_text=True)
    assert "proposal.return" in text and "请细化目标" in text  # what the office did, it reads
    assert "退回后改写的目标" not in text and "修改说明.pdf" not in text
    proposal_services.submit_proposal(actor=staff, proposal=proposal)
    text = client.get("/audit", query_string={"export": "csv"}).get_data(as_text=True)
    assert "退回后改写的目标" in text and "修改说明.pdf" in text


def test_the_office_does_not_read_the_title_of_a_draft_a_unit_started_from_a_suggestion(client, login_as):
    office = login_as("office")
    staff = make_user(role="unit_staff")
    round = make_open_round()
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    suggestions.refer_suggestion(actor=office, suggestion=suggestion, unit=staff.unit)
    make_user(role="expert")
    suggestion_reviews.send_to_screening(actor=office, round=round, suggestion_ids=[suggestion.id])
    proposal = proposal_services.draft_from_suggestion(actor=staff, suggestion=suggestion)
    fields = proposal_fields(round, title="单位草拟的改革项目")
    proposal_services.update_proposal(actor=staff, proposal=proposal, fields=fields)
    pages = {
        "the suggestion's page": f"/suggestions/{suggestion.id}",
        "the screening page": f"/rounds/{round.id}/suggestion-screening",
        "its export": f"/rounds/{round.id}/suggestion-screening?export=csv",
    }
    for page in pages.values():
        assert "单位草拟的改革项目" not in client.get(page).get_data(as_text=True)
    proposal_services.submit_proposal(actor=staff, proposal=proposal)
    for page in pages.values():
        assert "单位草拟的改革项目" in client.get(page).get_data(as_text=True)
