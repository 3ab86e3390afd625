"""Assignment from a spreadsheet, and by hand from either side of the board."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.errors import RowsRejected
from core.spreadsheets import SpreadsheetError
from extensions import db
from review.models import Assignment
from review.services import assignments, conflicts
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_open_round, make_proposal, make_user


@pytest.fixture
def board():
    office = make_user(role="office")
    round = make_open_round()
    proposals = [
        make_proposal(round=round, submit=True, title=t) for t in ("统一受理平台", "网格化管理", "家庭医生签约")
    ]
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    experts = [
        make_user(role="expert", username="expert.li", display_name="李教授"),
        make_user(role="expert", username="expert.zhao", display_name="赵研究员"),
        make_user(role="expert", username="expert.zhao2", display_name="赵研究员"),  # the same name twice
    ]
    return {"office": office, "round": round, "proposals": proposals, "experts": experts}


def csv_file(rows):
    return ("\ufeff" + "\n".join(",".join(map(str, row)) for row in rows)).encode("utf-8")


def pairs(round):
    query = select(Assignment.proposal_id, Assignment.expert_id).join(Assignment.proposal)
    return set(db.session.execute(query.where(Assignment.proposal.has(round_id=round.id))).all())


def test_every_row_is_assigned_by_account_or_name_and_existing_pairs_are_kept(board):
    office, round = board["office"], board["round"]
    first, second, third = board["proposals"]
    li, _zhao, zhao2 = board["experts"]
    assignments.assign_expert(actor=office, expert=li, proposal=first)
    data = csv_file(
        [
            ["项目编号", "项目名称", "评审专家"],
            [first.id, first.title, "李教授、expert.zhao2"],  # 李教授 is already assigned: kept, not doubled
            [second.id, "", "expert.li，expert.zhao2"],
            ["", "", ""],
        ]
    )
    assert assignments.import_assignments(actor=office, round=round, filename="a.csv", data=data) == 3
    assert pairs(round) == {(first.id, li.id), (first.id, zhao2.id), (second.id, li.id), (second.id, zhao2.id)}
    assert not any(a.published for a in db.session.scalars(select(Assignment)))  # they wait for publication
    assert third.id not in {p for p, _e in pairs(round)}


def test_one_bad_row_imports_nothing_and_each_problem_has_its_line(board):
    office, round = board["office"], board["round"]
    first, second, third = board["proposals"]
    li = board["experts"][0]
    conflicts.record_conflict(actor=office, expert=li, proposal=third, reason="曾参与方案起草")
    data = csv_file(
        [
            ["项目编号", "评审专家"],
            [first.id, "李教授"],  # good, but goes with the rest
            [second.id, "赵研究员"],  # two experts have this name
            [third.id, "李教授"],  # conflict of interest
            [99999, "李教授"],  # no such proposal
            [first.id, "钱教授"],  # no such expert
            [second.id, ""],  # nobody named
        ]
    )
    with pytest.raises(RowsRejected) as rejected:
        assignments.import_assignments(actor=office, round=round, filename="a.csv", data=data)
    lines = [(line, column) for line, column, _message in rejected.value.problems]
    assert lines == [(3, "评审专家"), (4, "评审专家"), (5, "项目编号"), (6, "评审专家"), (7, "评审专家")]
    messages = " ".join(message for _l, _c, message in rejected.value.problems)
    assert "赵研究员" in messages and "钱教授" in messages and "99999" in messages
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_an_import_past_an_experts_maximum_load_is_refused(board):
    office, round = board["office"], board["round"]
    li = board["experts"][0]
    assignments.save_expert_profile(actor=office, expert=li, institution="", expertise="", max_load=2)
    data = csv_file([["项目编号", "评审专家"]] + [[p.id, "expert.li"] for p in board["proposals"]])
    with pytest.raises(RowsRejected) as rejected:
        assignments.import_assignments(actor=office, round=round, filename="a.csv", data=data)
    assert [line for line, _c, _m in rejected.value.problems] == [4]
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_a_sheet_without_the_expert_column_is_refused(board):
    with pytest.raises(SpreadsheetError, match="columns"):
        assignments.import_assignments(
            actor=board["office"], round=board["round"], filename="a.csv", data=csv_file([["项目编号"], [1]])
        )


def test_the_office_downloads_the_rounds_sheet_fills_it_in_and_imports_it(client, board):
    office, round = board["office"], board["round"]
    first, _second, _third = board["proposals"]
    assignments.assign_expert(actor=office, expert=board["experts"][0], proposal=first)
    client.login(office)
    sheet = client.get(f"/rounds/{round.id}/assignments/import-template.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("项目编号", "项目名称", "评审专家")
    assert rows[1] == (first.id, "统一受理平台", "李教授") and len(rows) == 4
    workbook = Workbook()
    workbook.active.append(rows[0])
    for row in rows[1:]:
        workbook.active.append([*row[:2], "李教授、expert.zhao"])
    upload = io.BytesIO()
    workbook.save(upload)
    response = client.post(
        f"/rounds/{round.id}/assignments/import", data={"file": (io.BytesIO(upload.getvalue()), "sheet.xlsx")}
    )
    assert response.status_code == 302
    assert len(pairs(round)) == 6
    bad = client.post(
        f"/rounds/{round.id}/assignments/import",
        data={"file": (io.BytesIO(csv_file([["项目编号", "评审专家"], [first.id, "钱教授"]])), "bad.csv")},
    )
    assert bad.status_code == 400 and "钱教授" in bad.get_data(as_text=True) and "未导入" in bad.get_data(as_text=True)


def test_the_office_assigns_from_an_experts_row_too(client, board):
    office, round = board["office"], board["round"]
    second = board["proposals"][1]
    zhao = board["experts"][1]
    client.login(office)
    response = client.post(
        f"/rounds/{round.id}/assignments",
        data={"expert_id": str(zhao.id), "proposal_id": str(second.id), "from": "expert"},
    )
    assert response.headers["Location"].endswith(f"#e{zhao.id}")
    assert pairs(round) == {(second.id, zhao.id)}
    other_round = make_open_round()
    stranger = make_proposal(round=other_round, submit=True)
    response = client.post(
        f"/rounds/{round.id}/assignments", data={"expert_id": str(zhao.id), "proposal_id": str(stranger.id)}
    )
    assert response.status_code == 404
