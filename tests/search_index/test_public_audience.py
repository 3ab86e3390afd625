"""The public finds in search exactly what the public pages show: one rule per record, on every backend."""

from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from extensions import db
from plan.models import PlanStatus, ProgressStatus
from plan.services import key_projects, progress
from plan.services import plans as plan_services
from search_index import queries
from search_index.models import SearchQueue
from solicitation.models import RejectReason, RoundStatus, Suggestion, SuggestionStatus
from solicitation.queries import is_publicly_visible
from solicitation.services import suggestions
from solicitation.services.rounds import transition_round
from tests.factories import make_published_plan, make_suggestion, make_unit, make_user

ANONYMOUS = AnonymousUserMixin()


def found(user, text) -> list[str]:
    return [item.hit.title for item in queries.search(user=user, text=text)[1]]


def public_suggestion(office, **fields) -> Suggestion:
    return suggestions.set_public(actor=office, suggestion=make_suggestion(**fields), public=True)


def test_a_held_reply_is_found_by_the_office_only_until_it_is_published(client, search):
    office = make_user(role="office")
    suggestion = public_suggestion(office, title="老旧小区加装电梯", content="楼层高，老人上下楼难。")
    suggestions.accept_suggestion(actor=office, suggestion=suggestion)
    suggestions.decide_suggestion(
        actor=office, suggestion=suggestion, adopted=True, reply="纳入城市更新统筹推进", publish_reply=False
    )
    search.apply()
    assert found(office, "城市更新") == ["老旧小区加装电梯"]
    assert found(ANONYMOUS, "城市更新") == [] and found(ANONYMOUS, "电梯") == ["老旧小区加装电梯"]
    assert client.get("/api/v1/search?q=城市更新").get_json()["total"] == 0
    assert "城市更新" not in client.get("/search?q=电梯").get_data(as_text=True)

    suggestions.publish_replies(actor=office, suggestions=[suggestion])
    search.apply()
    assert found(ANONYMOUS, "城市更新") == ["老旧小区加装电梯"]
    assert found(office, "城市更新") == ["老旧小区加装电梯"]  # the office finds the record once, not twice


def test_a_suggestions_location_is_not_found_by_the_public_as_the_public_page_does_not_show_it(search):
    office = make_user(role="office")
    public_suggestion(office, title="背街小巷路灯坏了", content="晚上太暗。", location="坪地街道六联社区")
    search.apply()
    assert found(office, "六联社区") == ["背街小巷路灯坏了"]
    assert found(ANONYMOUS, "六联社区") == [] and found(ANONYMOUS, "路灯") == ["背街小巷路灯坏了"]


@pytest.mark.parametrize("set_aside", ["rejected", "merged"])
def test_a_published_suggestion_set_aside_leaves_the_public_search_and_cannot_be_seconded(client, search, set_aside):
    office = make_user(role="office")
    suggestion = public_suggestion(office, title="夜间公交太少", content="晚上十点后等车要半小时。")
    original = make_suggestion(round=suggestion.round, title="增加公交班次")
    search.apply()
    assert found(ANONYMOUS, "夜间公交") == ["夜间公交太少"]
    if set_aside == "rejected":
        suggestions.reject_suggestion(actor=office, suggestion=suggestion, reason=RejectReason.spam)
    else:
        suggestions.accept_suggestion(actor=office, suggestion=suggestion)
        suggestions.mark_duplicate(actor=office, suggestion=suggestion, original=original)
    assert db.session.scalar(
        select(func.count(SearchQueue.id)).where(
            SearchQueue.kind == "suggestion", SearchQueue.record_id == suggestion.id
        )
    )  # the change asks for the record's reindex
    search.apply()

    assert found(ANONYMOUS, "夜间公交") == [] and found(office, "夜间公交") == ["夜间公交太少"]
    assert client.get("/search/similar?text=夜间公交太少，等车要半小时").get_json() == []
    assert client.get("/api/v1/search?q=夜间公交").get_json()["total"] == 0
    client.post(f"/heard/{suggestion.id}/second")
    db.session.refresh(suggestion)
    assert suggestion.second_count == 0
    assert "夜间公交太少" not in client.get(f"/heard?round={suggestion.round_id}").get_data(as_text=True)


def test_the_suggestions_of_a_round_taken_back_into_preparation_leave_the_public_search(client, search):
    office = make_user(role="office")
    suggestion = public_suggestion(office, title="夜间公交太少", content="晚上十点后等车要半小时。")
    search.apply()
    assert found(ANONYMOUS, "夜间公交") == ["夜间公交太少"]
    transition_round(actor=office, round=suggestion.round, target=RoundStatus.preparing)
    search.apply()
    assert found(ANONYMOUS, "夜间公交") == [] and found(office, "夜间公交") == ["夜间公交太少"]
    client.post(f"/heard/{suggestion.id}/second")
    db.session.refresh(suggestion)
    assert suggestion.second_count == 0
    transition_round(actor=office, round=suggestion.round, target=RoundStatus.soliciting)
    search.apply()
    assert found(ANONYMOUS, "夜间公交") == ["夜间公交太少"]


@pytest.mark.parametrize("status", list(SuggestionStatus))
@pytest.mark.parametrize("is_public", [True, False])
def test_the_heard_page_the_second_and_the_public_search_agree_on_every_suggestion(client, search, status, is_public):
    suggestion = make_suggestion(title="口袋公园缺少座椅", content="公园里没有地方坐。")
    suggestion.status, suggestion.is_public = status, is_public
    db.session.commit()
    search.apply()
    visible = is_publicly_visible(suggestion)
    assert visible == (is_public and status not in (SuggestionStatus.rejected, SuggestionStatus.duplicate))
    listed = "口袋公园缺少座椅" in client.get(f"/heard?round={suggestion.round_id}").get_data(as_text=True)
    client.post(f"/heard/{suggestion.id}/second")
    db.session.refresh(suggestion)
    assert (listed, suggestion.second_count == 1, found(ANONYMOUS, "口袋公园") == ["口袋公园缺少座椅"]) == (
        visible,
        visible,
        visible,
    )


def test_a_published_plans_draft_edits_are_not_found_by_the_public(client, search):
    office, unit = make_user(role="office"), make_unit()
    plan = make_published_plan(office=office, lead_unit=unit, title="推进网格管理标准化")
    search.apply()
    assert found(ANONYMOUS, "网格") == ["一、推进网格管理标准化"]

    plan_services.transition_plan(actor=office, plan=plan, target=PlanStatus.draft)  # start a new version
    project = plan.projects[0]
    key_projects.update_key_project(
        actor=office,
        project=project,
        fields={
            "title": "推进网格管理智能化",
            "content": "试点无人机巡查",
            "lead_leader": "高自民",
            "lead_unit_id": unit.id,
        },
    )
    key_projects.add_key_project(
        actor=office, plan=plan, fields={"title": "网格员队伍专职化", "lead_leader": "高自民", "lead_unit_id": unit.id}
    )
    search.apply()
    assert found(ANONYMOUS, "网格") == ["一、推进网格管理标准化"]  # as the public plan's page reads
    assert found(ANONYMOUS, "无人机") == [] and found(ANONYMOUS, "智能化") == []
    assert client.get("/api/v1/search?q=无人机").get_json()["total"] == 0
    assert sorted(found(office, "网格")) == ["一、推进网格管理智能化", "二、网格员队伍专职化"]
    assert found(office, "标准化") == []  # the office finds the draft it edits, once

    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十四次会议", approved_on=date(2018, 3, 1)
        )
    search.apply()
    assert sorted(found(ANONYMOUS, "网格")) == ["一、推进网格管理智能化", "二、网格员队伍专职化"]


def test_the_public_finds_a_projects_latest_accepted_progress_only(search):
    office, unit = make_user(role="office"), make_unit()
    staff = make_user(role="unit_staff", unit=unit)
    plan = make_published_plan(office=office, lead_unit=unit, title="推进网格管理标准化")
    project = plan.projects[0]
    reports = {}
    for quarter, words in ((1, "完成网格划分"), (2, "完成网格员培训")):
        report = progress.save_report(
            actor=staff,
            project=project,
            quarter=quarter,
            percent=25 * quarter,
            status=ProgressStatus.on_track,
            achievements=words,
            problems="经费缺口较大",
            submit=True,
        )
        reports[quarter] = progress.review_report(actor=office, report=report, accept=True)
        search.apply()
    assert found(ANONYMOUS, "完成") == ["一、推进网格管理标准化 · Q2"]  # as the public plan's page shows
    assert found(ANONYMOUS, "经费") == []  # the problems are the office's to read
    assert sorted(found(office, "完成")) == ["一、推进网格管理标准化 · Q1", "一、推进网格管理标准化 · Q2"]
