"""The dashboard: a round's figures as the office and the leaders read them, each equal to what the records hold."""

import csv
import io
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from lxml import html
from openpyxl import load_workbook
from sqlalchemy import select

from dashboard import charts
from extensions import db
from plan.models import Plan, ProgressReport, ProgressStatus, ReportState
from plan.services import progress
from review.models import Assignment, Decision, Review, ReviewStage, ReviewStatus, Screening, SuggestionReview
from review.ranking import rank_round
from review.services import screening, stages
from solicitation.models import Proposal, Suggestion, SuggestionStatus
from tests.factories import make_open_round, make_user
from tests.plan import conftest as plan_fixtures

# The plan's fixtures: a small round drafting its plan from a suggestion-fed proposal, and that plan published.
planning, published = plan_fixtures.planning, plan_fixtures.published
FIGURES = [
    "proposal-funnel",
    "suggestion-funnel",
    "proposals-by-category",
    "proposals-by-unit-kind",
    "suggestions-by-channel",
    "suggestions-by-category",
    "score-histogram",
    "plan-leads",
    "plan-progress",
]


@pytest.fixture
def demo():
    """The demo's rounds: 2017 reviewed, decided, its plan published with two quarters of progress; and the
    next year's round, soliciting, with residents' suggestions at every stage of triage."""
    from demo.cli import load_demo

    history, upcoming = load_demo(through_plan=True)
    return history, upcoming


def figure_rows(page: str, key: str) -> list[tuple[str, int | None]]:
    """(label, value) of each row of the table under the figure `key`, as the reader sees them."""
    section = html.fromstring(page).get_element_by_id(key)
    rows = []
    for row in section.xpath(".//tbody/tr"):
        label = row.xpath("./th")[0].text_content().strip()
        value = row.xpath("./td")[0].text_content().strip()
        rows.append((label, None if value == "—" else int(value)))
    return rows


def values(page: str, key: str) -> list[int | None]:
    return [value for _label, value in figure_rows(page, key)]


def proposal_funnel_in_db(round_id: int) -> list[int]:
    """Received, reviewed, shortlisted, selected, counted with plain queries: each step those that reached it or a
    later one."""
    received = db.session.scalars(
        select(Proposal.id).where(Proposal.round_id == round_id, Proposal.submitted_at.is_not(None))
    ).all()
    reviewed = set(
        db.session.scalars(
            select(Assignment.proposal_id)
            .join(Review, Review.assignment_id == Assignment.id)
            .where(Assignment.proposal_id.in_(received), Review.status == ReviewStatus.submitted)
        )
    )
    screenings = db.session.scalars(select(Screening).where(Screening.proposal_id.in_(received))).all()
    selected = {s.proposal_id for s in screenings if s.decision is Decision.selected}
    shortlisted = {s.proposal_id for s in screenings if s.shortlisted} | selected
    return [len(received), len(reviewed | shortlisted), len(shortlisted), len(selected)]


def suggestion_funnel_in_db(round_id: int) -> list[int]:
    """Received, taken up at triage (or linked since), linked to a proposal, linked to a key project's proposal;
    then, beside the funnel, sent to screening."""
    suggestions = db.session.scalars(select(Suggestion).where(Suggestion.round_id == round_id)).all()
    screened = set(db.session.scalars(select(SuggestionReview.suggestion_id)))
    plan = db.session.scalar(select(Plan).where(Plan.round_id == round_id))
    key_proposals = {project.proposal_id for project in plan.projects} if plan else set()
    taken_up = {SuggestionStatus.accepted, SuggestionStatus.referred, SuggestionStatus.adopted}
    return [
        len(suggestions),
        sum(s.status in taken_up | {SuggestionStatus.not_adopted} or bool(s.proposals) for s in suggestions),
        sum(bool(s.proposals) for s in suggestions),
        sum(any(p.id in key_proposals for p in s.proposals) for s in suggestions),
        sum(s.id in screened for s in suggestions),
    ]


def is_funnel(counts: list[int]) -> bool:
    """Each step at most the one before: no step above 100% of the step before."""
    return all(later <= earlier for earlier, later in itertools.pairwise(counts))


def test_the_office_sees_the_funnels_and_the_review_totals_the_records_hold(client, login_as, demo):
    history, upcoming = demo
    login_as("office")
    page = client.get(f"/rounds/{history.id}/dashboard").get_data(as_text=True)
    funnel = proposal_funnel_in_db(history.id)
    assert values(page, "proposal-funnel") == funnel
    assert funnel[-1] == 11  # the 11 key projects of the Longgang plan
    # every reviewed proposal falls in one band of the histogram of mean review totals
    bands = figure_rows(page, "score-histogram")
    assert len(bands) == 10 and bands[0][0] == "0–10" and bands[-1][0] == "90–100"
    assert sum(count for _band, count in bands) == funnel[1] == 20

    page = client.get(f"/rounds/{upcoming.id}/dashboard").get_data(as_text=True)
    assert values(page, "proposal-funnel") == proposal_funnel_in_db(upcoming.id)
    suggestion_funnel = suggestion_funnel_in_db(upcoming.id)
    assert values(page, "suggestion-funnel") == suggestion_funnel
    assert suggestion_funnel[:3] == [10, 5, 2] and suggestion_funnel[-1] == 4  # not all taken up; linked; screened
    assert is_funnel(suggestion_funnel[:4]) and is_funnel(values(page, "proposal-funnel"))


def test_counts_by_category_channel_and_unit_kind_add_up_to_what_was_received(client, login_as, demo):
    login_as("office")
    for round in demo:
        page = client.get(f"/rounds/{round.id}/dashboard").get_data(as_text=True)
        proposals = db.session.scalars(
            select(Proposal).where(Proposal.round_id == round.id, Proposal.submitted_at.is_not(None))
        ).all()
        suggestions = db.session.scalars(select(Suggestion).where(Suggestion.round_id == round.id)).all()
        by_category = dict(figure_rows(page, "proposals-by-category"))
        assert sum(by_category.values()) == len(proposals) > 0
        for category in round.categories:
            assert by_category[category.name] == sum(p.category_id == category.id for p in proposals)
        by_kind = dict(figure_rows(page, "proposals-by-unit-kind"))
        assert sum(by_kind.values()) == len(proposals) and len(by_kind) == 3
        assert sum(values(page, "suggestions-by-channel")) == len(suggestions)
        assert sum(values(page, "suggestions-by-category")) == len(suggestions)
    channels = dict(figure_rows(page, "suggestions-by-channel"))  # the next round's, through every channel
    assert len(channels) == 7 and all(count > 0 for count in channels.values())


def test_plan_progress_lists_every_key_project_with_its_latest_accepted_share(client, login_as, demo):
    history, _upcoming = demo
    plan = db.session.scalar(select(Plan).where(Plan.round_id == history.id))
    first = plan.projects[0]
    # A third quarter's report sent in but not yet accepted does not move the figure.
    progress.save_report(
        actor=make_user(role="unit_staff", unit=first.lead_unit),
        project=first,
        quarter=3,
        percent=90,
        status=ProgressStatus.on_track,
        achievements="全面推开",
        task_percents={task.id: 90 for task in first.tasks},  # a project broken into tasks reports each
        submit=True,
    )
    expected = []
    for project in plan.projects:
        accepted = db.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.key_project_id == project.id, ProgressReport.state == ReportState.accepted)
            .order_by(ProgressReport.quarter.desc())
        ).first()
        expected.append((f"{project.number}、{project.title}", accepted.percent if accepted else None))
    login_as("leader")
    page = client.get(f"/rounds/{history.id}/dashboard").get_data(as_text=True)
    rows = figure_rows(page, "plan-progress")
    assert rows == expected and len(rows) == 11
    assert rows[0][0].startswith("一、") and rows[10][0].startswith("十一、") and rows[0][1] != 90
    assert "十一、创新家庭医生服务模式" in page.split('id="plan-progress"')[1].split("</svg>")[0]  # labels the bars


def test_the_export_holds_every_figure_as_chart_label_value(client, login_as, demo):
    history, _upcoming = demo
    login_as("office")
    response = client.get(f"/rounds/{history.id}/dashboard?export=xlsx")
    assert response.status_code == 200 and "dashboard-2017.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert all(len(row) == 3 for row in rows)
    body = rows[3:-1]  # below the title, the date and the header; above the count
    charts_in_order = list(dict.fromkeys(chart for chart, _label, _value in body))
    assert len(charts_in_order) == len(FIGURES)
    funnel = [row for row in body if row[0] == charts_in_order[0]]
    page = client.get(f"/rounds/{history.id}/dashboard").get_data(as_text=True)
    assert [(label, value) for _chart, label, value in funnel] == figure_rows(page, "proposal-funnel")
    assert [value for _chart, _label, value in funnel] == proposal_funnel_in_db(history.id)
    assert len([row for row in body if row[0] == charts_in_order[-1]]) == 11  # a row per key project

    response = client.get(f"/rounds/{history.id}/dashboard?export=csv")
    assert response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(lines) == len(body) + 1 and lines[1][2] == str(funnel[0][2])  # a plain table: header and rows


def test_a_suggestion_that_fed_a_selected_proposal_reaches_the_last_step(client, login_as, planning, published):
    login_as("office")
    page = client.get(f"/rounds/{planning['round'].id}/dashboard").get_data(as_text=True)
    # received, taken up, never sent to screening, linked to a proposal that became key project 一
    assert values(page, "suggestion-funnel") == suggestion_funnel_in_db(planning["round"].id) == [1, 1, 1, 1, 0]
    assert [label for label, _value in figure_rows(page, "plan-progress")] == [
        f"{project.part.title} · {project.number}、{project.title}" for project in published.projects
    ]
    assert values(page, "plan-progress") == [None, None, None]  # no report accepted yet


def test_the_charts_are_drawn_in_the_page_with_no_outside_asset(client, login_as, planning, published):
    login_as("office")
    page = client.get(f"/rounds/{planning['round'].id}/dashboard").get_data(as_text=True)
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == len(FIGURES)
    for svg in svgs:
        assert 'role="img"' in svg and "<title>" in svg
        ET.fromstring(svg)  # well formed
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, flags=re.I)
    document = html.fromstring(page)
    for key in FIGURES:
        figure = document.get_element_by_id(key)
        assert figure.xpath(".//figure/figcaption") and figure.xpath(".//details//table")
    assert document.xpath("//a[contains(@href, 'export=xlsx')]")


def test_a_round_with_nothing_yet_says_so_in_every_chart(client, login_as):
    round = make_open_round()
    login_as("office")
    response = client.get(f"/rounds/{round.id}/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="chart empty"') == len(FIGURES)
    assert values(page, "proposal-funnel") == [0, 0, 0, 0] and values(page, "plan-progress") == []
    export = client.get(f"/rounds/{round.id}/dashboard?export=xlsx")
    assert export.status_code == 200


def test_the_dashboard_opens_on_the_newest_round(client, login_as):
    login_as("leader")
    assert client.get("/dashboard").status_code == 200  # no round yet
    make_open_round(year=2031)
    newest = make_open_round(year=2032)
    make_open_round(year=2030)
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"] == f"/rounds/{newest.id}/dashboard"


@pytest.mark.parametrize("role", ["office", "leader"])
def test_the_office_and_district_leaders_read_the_dashboard(client, login_as, role):
    round = make_open_round()
    login_as(role)
    assert client.get(f"/rounds/{round.id}/dashboard").status_code == 200
    assert client.get(f"/rounds/{round.id}/dashboard?export=xlsx").status_code == 200
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("role", ["unit_staff", "expert"])
@pytest.mark.parametrize(
    "address", ["/dashboard", "/rounds/{round}/dashboard", "/rounds/{round}/dashboard?export=xlsx"]
)
def test_unit_staff_and_experts_may_not_read_the_dashboard(client, login_as, role, address):
    round = make_open_round()
    login_as(role)
    assert client.get(address.format(round=round.id)).status_code == 403


@pytest.mark.parametrize("address", ["/dashboard", "/rounds/{round}/dashboard", "/rounds/{round}/dashboard?export=csv"])
def test_anonymous_readers_are_sent_to_login(client, address):
    round = make_open_round()
    response = client.get(address.format(round=round.id))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_chart_text_is_escaped_and_long_chinese_labels_are_cut_to_fit():
    title = "推进基础设施供给侧结构性改革并建立健全固定资产投资项目全流程管理体系"
    svg = charts.bar_chart([charts.Bar("<script>alert(1)</script>", 3), charts.Bar(title, 5)], title="A & B", empty="—")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<title>A &amp; B</title>" in svg
    shown = re.findall(r"<text[^>]*><title>([^<]*)</title>([^<]*)</text>", svg)
    assert shown == [(title, charts.fit(title, charts.LABEL_MAX))]
    assert shown[0][1].endswith("…") and charts.text_width(shown[0][1]) <= charts.LABEL_MAX
    assert charts.text_width("改革") == 2 * charts.FONT > charts.text_width("ab")
    ET.fromstring(svg)


def test_the_funnel_writes_the_share_of_each_step_that_reached_the_next():
    svg = charts.funnel_chart(
        [("收到", 108), ("评审", 30), ("入选", 11)],
        title="漏斗",
        empty="—",
        conversion=lambda share: f"上一步的{share}",
    )
    assert "↓ 上一步的28%" in svg and "↓ 上一步的37%" in svg
    assert 'class="chart empty"' in charts.funnel_chart([("收到", 0)], title="漏斗", empty="尚无", conversion=str)
    assert 'class="chart empty"' in charts.histogram([("0–10", 0)], title="分布", empty="尚无", axis_label="平均分")


def test_a_proposal_selected_without_a_shortlist_counts_as_shortlisted_so_no_step_exceeds_the_one_before(
    client, login_as
):
    from demo.cli import load_demo

    history, _upcoming = load_demo(through_plan=False)
    office = login_as("office")
    stages.move_stage(actor=office, round=history, stage=ReviewStage.decision)
    for screening_row in db.session.scalars(select(Screening)).all():  # the office decides without a shortlist
        screening.set_flag(actor=office, proposal=screening_row.proposal, flag="shortlisted", on=False)
    ranked = [row.proposal for row in rank_round(history.id).rows]
    screening.set_flag(actor=office, proposal=ranked[0], flag="shortlisted", on=True)
    for proposal in ranked[:3]:
        screening.decide_proposal(actor=office, proposal=proposal, decision=Decision.selected, reason="先行先试")
    page = client.get(f"/rounds/{history.id}/dashboard").get_data(as_text=True)
    funnel = values(page, "proposal-funnel")
    assert funnel == proposal_funnel_in_db(history.id) and is_funnel(funnel)
    assert funnel[2] == funnel[3] >= 3  # only a selected one was shortlisted: the others selected pass through too
    shares = [int(share) for share in re.findall(r"↓ 为上一步的 (\d+)%", page)]
    assert shares and max(shares) <= 100


def test_a_count_beside_the_funnel_is_drawn_under_it_with_no_share_of_the_step_before():
    svg = charts.funnel_chart(
        [("收到", 4), ("受理", 2)], title="漏斗", empty="尚无", conversion=lambda share: share, aside=[("专家筛选", 3)]
    )
    assert svg.count("↓") == 1 and "↓ 50%" in svg and "150%" not in svg and "专家筛选" in svg
    ET.fromstring(svg)
