"""A returned proposal is read as it was returned until its unit resubmits: the unit's revision is its own."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from search_index import queries as search_queries
from search_index import services as search_services
from solicitation.models import FileRevision, Proposal, ProposalStatus
from solicitation.services import proposals as services
from tests.factories import make_proposal, make_unit, make_user, proposal_fields

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def returned_proposal():
    """A proposal submitted with one file, returned by the office, which the unit has since revised: new text,
    another cooperating unit, one file added and the submitted one removed, nothing resubmitted yet."""
    office = make_user(role="office")
    proposal = make_proposal(title="创新家庭医生服务模式")
    sent = services.add_attachment(actor=proposal.author, proposal=proposal, filename="实施方案.pdf", data=PDF)
    services.submit_proposal(actor=proposal.author, proposal=proposal)
    services.return_proposal(actor=office, proposal=proposal, reason="请补充量化指标")
    partner = make_unit(name="区卫生健康局")
    fields = proposal_fields(proposal.round, title="家庭医生签约服务提质增效", goals="签约率达到百分之六十")
    services.update_proposal(actor=proposal.author, proposal=proposal, fields=fields, cooperating_unit_ids=[partner.id])
    added = services.add_attachment(actor=proposal.author, proposal=proposal, filename="修改说明.pdf", data=PDF)
    services.remove_attachment(actor=proposal.author, attachment=sent)
    return office, proposal, sent, added


def test_the_units_revision_is_kept_apart_until_it_resubmits():
    _office, proposal, sent, added = returned_proposal()
    assert proposal.title == "创新家庭医生服务模式" and proposal.goals == "促进医疗卫生工作重心下移、资源下沉。"
    assert proposal.cooperating_units == [] and proposal.attachments == [sent]
    revised = proposal.as_revised()
    assert revised.title == "家庭医生签约服务提质增效" and revised.goals == "签约率达到百分之六十"
    assert [unit.name for unit in revised.cooperating_units] == ["区卫生健康局"]
    assert revised.attachments == [added] and revised.changed
    assert added.revision is FileRevision.added and sent.revision is FileRevision.removed


def test_resubmitting_sends_the_revision_and_the_log_says_what_changed():
    _office, proposal, sent, added = returned_proposal()
    sent_id = sent.id
    services.submit_proposal(actor=proposal.author, proposal=proposal)
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status is ProposalStatus.resubmitted and proposal.revision is None
    assert proposal.title == "家庭医生签约服务提质增效" and proposal.goals == "签约率达到百分之六十"
    assert [unit.name for unit in proposal.cooperating_units] == ["区卫生健康局"]
    assert [file.filename for file in proposal.attachments] == ["修改说明.pdf"]
    assert proposal.files[0].revision is None and db.session.get(type(added), sent_id) is None
    submit = db.session.scalars(proposal_events(proposal, "proposal.submit")).all()[-1]
    assert submit.before["title"] == "创新家庭医生服务模式" and submit.after["title"] == "家庭医生签约服务提质增效"
    assert submit.before["files"] == ["实施方案.pdf"] and submit.after["files"] == ["修改说明.pdf"]


def proposal_events(proposal, action):
    return (
        select(AuditEvent)
        .where(AuditEvent.object_type == "Proposal", AuditEvent.object_id == proposal.id, AuditEvent.action == action)
        .order_by(AuditEvent.id)
    )  # "the last one": PostgreSQL returns rows in no set order without it


def test_an_incomplete_revision_cannot_be_resubmitted():
    _office, proposal, _sent, _added = returned_proposal()
    fields = proposal_fields(proposal.round, title="家庭医生签约服务提质增效", goals="")
    services.update_proposal(actor=proposal.author, proposal=proposal, fields=fields)
    assert services.missing_for_submission(proposal) == ["goals"]
    assert proposal.goals  # what the office has is complete; the revision is not


def test_a_file_added_in_the_revision_and_removed_again_is_gone_for_good(app):
    _office, proposal, _sent, added = returned_proposal()
    services.remove_attachment(actor=proposal.author, attachment=added)
    assert [file.filename for file in proposal.files] == ["实施方案.pdf"]
    assert proposal.as_revised().attachments == []


def test_the_office_reads_a_returned_proposal_as_it_was_returned(client):
    office, proposal, sent, added = returned_proposal()
    client.login(office)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "创新家庭医生服务模式" in page and "实施方案.pdf" in page
    for unsent in ("家庭医生签约服务提质增效", "签约率达到百分之六十", "区卫生健康局", "修改说明.pdf"):
        assert unsent not in page
    listed = client.get(f"/rounds/{proposal.round_id}/proposals").get_data(as_text=True)
    assert "创新家庭医生服务模式" in listed and "家庭医生签约服务提质增效" not in listed and "未报送" not in listed
    export = client.get(f"/rounds/{proposal.round_id}/proposals?export=xlsx")
    cells = {cell.value for row in load_workbook(io.BytesIO(export.data)).active.iter_rows() for cell in row}
    assert "创新家庭医生服务模式" in cells and "家庭医生签约服务提质增效" not in cells
    assert client.get(f"/proposals/{proposal.id}/attachments/{added.id}").status_code == 403
    assert client.get(f"/proposals/{proposal.id}/attachments/{sent.id}").status_code == 200


def test_the_unit_reads_and_edits_its_revision_and_is_told_it_is_not_sent(client):
    _office, proposal, _sent, added = returned_proposal()
    client.login(proposal.author)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "家庭医生签约服务提质增效" in page and "修改说明.pdf" in page and "区卫生健康局" in page
    assert "实施方案.pdf" not in page
    assert "尚未报送" in page  # the unit is told the office still reads the returned version
    form = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert 'value="家庭医生签约服务提质增效"' in form and "签约率达到百分之六十" in form
    assert client.get(f"/proposals/{proposal.id}/attachments/{added.id}").status_code == 200
    assert "已修改，未报送" in client.get(f"/rounds/{proposal.round_id}/proposals").get_data(as_text=True)


def test_search_finds_what_was_submitted_not_the_unsent_revision(app):
    office, proposal, _sent, _added = returned_proposal()
    while search_services.process_queue():
        pass
    found = [item.hit for item in search_queries.search(user=office, text="家庭医生")[1]]
    assert [hit.title for hit in found if hit.kind == "proposal" and hit.record_id == proposal.id] == [
        "创新家庭医生服务模式"
    ]
    revised = search_queries.search(user=office, text="提质增效")[1]
    assert [item for item in revised if item.hit.kind == "proposal" and item.hit.record_id == proposal.id] == []
