"""Proposal pages: the unit's drafts stay its own; the office lists, filters, exports and returns."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from extensions import db
from solicitation.models import Proposal, ProposalStatus
from tests.factories import make_open_round, make_proposal, make_unit, make_user, proposal_fields

PDF = b"%PDF-1.4\n%%EOF\n"


def form_data(round, **overrides):
    data = proposal_fields(round, **overrides)
    return {key: "" if value is None else value for key, value in data.items()}


def test_unit_staff_save_a_draft_then_submit_it(client, login_as):
    author = login_as("unit_staff")
    round = make_open_round()
    response = client.post(f"/rounds/{round.id}/proposals/new", data=form_data(round, goals="", action="save"))
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert proposal.status is ProposalStatus.draft and proposal.unit_id == author.unit_id
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "改革目标及预计成效" in page or "目标" in page  # the missing field is named
    data = form_data(round, goals="签约率60%", action="submit", lock_version=proposal.lock_version)
    client.post(f"/proposals/{proposal.id}/edit", data=data)
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.submitted


def test_save_and_submit_of_an_incomplete_proposal_keeps_the_draft_and_says_why(client, login_as):
    login_as("unit_staff")
    round = make_open_round()
    response = client.post(
        f"/rounds/{round.id}/proposals/new",
        data=form_data(round, content="", title="推进网格管理标准化", action="submit"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="推进网格管理标准化"' in page
    assert "提交前请填写此项" in page
    proposal = db.session.scalar(select(Proposal))
    assert proposal.title == "推进网格管理标准化" and proposal.status is ProposalStatus.draft


def test_a_unit_never_sees_another_units_proposals(client, login_as):
    login_as("unit_staff")
    other = make_proposal(title="别的单位的草稿")
    round = other.round
    assert client.get(f"/proposals/{other.id}").status_code == 403
    assert "别的单位的草稿" not in client.get(f"/rounds/{round.id}/proposals").get_data(as_text=True)


def test_the_office_sees_submitted_proposals_but_not_drafts(client, login_as):
    login_as("office")
    draft = make_proposal(title="尚未提交的草稿")
    submitted = make_proposal(round=draft.round, title="已提交的项目", submit=True)
    page = client.get(f"/rounds/{draft.round_id}/proposals").get_data(as_text=True)
    assert "已提交的项目" in page and "尚未提交的草稿" not in page
    assert client.get(f"/proposals/{draft.id}").status_code == 403
    assert client.get(f"/proposals/{submitted.id}").status_code == 200


def test_the_office_filters_counts_and_exports_proposals(client, login_as):
    login_as("office")
    round = make_open_round(categories=("经济发展", "民生事业"))
    street = make_user(role="unit_staff", unit=make_unit(name="平湖街道", kind="subdistrict"))
    make_proposal(round=round, author=street, title="推进网格管理标准化", submit=True)
    make_proposal(round=round, title="创新科技服务管理精准化模式", submit=True, category_id=round.categories[1].id)
    page = client.get(f"/rounds/{round.id}/proposals?unit_kind=subdistrict").get_data(as_text=True)
    assert "推进网格管理标准化" in page and "创新科技服务管理精准化模式" not in page
    page = client.get(f"/rounds/{round.id}/proposals?category={round.categories[1].id}").get_data(as_text=True)
    assert "创新科技服务管理精准化模式" in page and "推进网格管理标准化" not in page
    assert "共 1 条记录" in page
    response = client.get(f"/rounds/{round.id}/proposals?status=submitted&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert "状态：已提交" in rows[1][0]  # the filter, in words
    assert rows[2][1] == "项目名称" and sorted(row[1] for row in rows[3:-1]) == [
        "创新科技服务管理精准化模式",
        "推进网格管理标准化",
    ]


def test_the_office_returns_a_proposal_and_the_unit_reads_the_reason(app, client, login_as):
    login_as("office")
    proposal = make_proposal(submit=True)
    response = client.post(f"/proposals/{proposal.id}/return", data={"reason": ""})
    assert response.status_code == 400
    client.post(f"/proposals/{proposal.id}/return", data={"reason": "请补充与市级试点的衔接"})
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.returned
    unit_client = app.test_client()
    unit_client.login(proposal.author)
    page = unit_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "请补充与市级试点的衔接" in page


def test_attachments_upload_download_and_permissions(app, client, login_as):
    author = login_as("unit_staff")
    proposal = make_proposal(author=author)
    response = client.post(
        f"/proposals/{proposal.id}/attachments",
        data={"file": (io.BytesIO(PDF), "实施方案.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [attachment] = db.session.get(Proposal, proposal.id).attachments
    download = client.get(f"/proposals/{proposal.id}/attachments/{attachment.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    response = client.post(
        f"/proposals/{proposal.id}/attachments",
        data={"file": (io.BytesIO(b"<html><script>alert(1)</script>"), "evil.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "只能上传" in response.get_data(as_text=True)
    stranger = app.test_client()
    stranger.login(make_user(role="unit_staff"))
    assert stranger.get(f"/proposals/{proposal.id}/attachments/{attachment.id}").status_code == 403


def test_a_request_larger_than_the_limit_gets_413(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    author = login_as("unit_staff")
    proposal = make_proposal(author=author)
    response = client.post(
        f"/proposals/{proposal.id}/attachments",
        data={"file": (io.BytesIO(PDF + b"0" * 4096), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "文件过大" in response.get_data(as_text=True)


def test_the_unit_withdraws_from_the_page(client, login_as):
    author = login_as("unit_staff")
    proposal = make_proposal(author=author, submit=True)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "/edit" not in page  # submitted: read-only
    client.post(f"/proposals/{proposal.id}/withdraw")
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.withdrawn


def test_the_office_allows_a_late_submission(client, login_as):
    login_as("office")
    round = make_open_round()
    unit = make_unit(name="龙岗海关", kind="stationed")
    client.post(f"/rounds/{round.id}/late-submissions", data={"unit_id": unit.id, "until": "2099-01-31"})
    from solicitation.models import LateAllowance

    allowance = db.session.scalar(select(LateAllowance))
    assert allowance.unit_id == unit.id and str(allowance.until) == "2099-01-31"


def test_proposal_text_is_shown_escaped(client, login_as):
    author = login_as("unit_staff")
    proposal = make_proposal(author=author, title="<script>alert('x')</script>")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
