"""The queue, the worker, rebuild and check, and the office's dictionary."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from extensions import db
from plan.models import PlanStatus
from plan.services import plans as plan_services
from search_index import queries, services
from search_index.documents import OFFICE, Document
from search_index.errors import SearchError
from search_index.models import SearchQueue
from tests.factories import make_open_round, make_proposal, make_suggestion, make_user
from tests.plan import conftest as plan_fixtures

planning, lead_everything = plan_fixtures.planning, plan_fixtures.lead_everything


def queued() -> int:
    return db.session.scalar(select(func.count(SearchQueue.id)))


def found(user, text) -> set[str]:
    return {item.hit.title for item in queries.search(user=user, text=text)[1]}


def test_a_change_is_queued_with_its_record_and_searchable_once_applied(search):
    office = make_user(role="office")
    suggestion = make_suggestion(title="公园厕所太少")
    assert queued() >= 1 and found(office, "公园") == set()  # nothing a user does waits for the index
    search.apply()
    assert queued() == 0 and found(office, "公园") == {"公园厕所太少"}
    suggestion.title = "口袋公园缺少座椅"
    db.session.commit()
    search.apply()
    assert found(office, "厕所") == set() and found(office, "座椅") == {"口袋公园缺少座椅"}


def test_a_change_rolled_back_leaves_nothing_in_the_queue(search):
    proposal = make_proposal(title="回滚的项目")
    search.apply()
    proposal.title = "不会保存的标题"
    db.session.flush()
    db.session.rollback()
    assert queued() == 0
    assert found(make_user(role="office"), "保存") == set()


def test_publishing_a_plan_lets_the_public_find_its_projects(search, planning):
    office = planning["office"]
    plan = plan_services.create_plan(actor=office, round=planning["round"])
    search.apply()
    title = plan.projects[0].title
    assert f"一、{title}" in found(office, title)  # the key project beside its proposal
    assert found(AnonymousUserMixin(), title) == set()
    lead_everything(plan, office)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting="会议", approved_on=date(2017, 3, 1)
        )
    search.apply()
    assert f"一、{title}" in found(AnonymousUserMixin(), title)


def test_check_finds_what_the_index_misses_or_holds_stale_and_fix_queues_it(search):
    office = make_user(role="office")
    kept = make_suggestion(title="背街小巷照明不足")
    lost = make_suggestion(title="老旧小区加装电梯")
    search.apply()
    backend = services.backend()
    with backend.writing():
        backend.delete([f"suggestion:{lost.id}"])
    db.session.commit()
    kept.title = "背街小巷路灯不足"
    db.session.execute(SearchQueue.__table__.delete())  # as if the queue row were lost
    db.session.commit()
    report = services.check()
    assert report["missing"] == [f"suggestion:{lost.id}"] and report["stale"] == [f"suggestion:{kept.id}"]
    services.check(fix=True)
    search.apply()
    assert services.check() == {"missing": [], "stale": [], "gone": [], "failing": []}
    assert found(office, "电梯") == {"老旧小区加装电梯"} and found(office, "路灯") == {"背街小巷路灯不足"}


def test_the_office_adds_a_term_and_the_rebuilt_index_keeps_it_whole(search):
    office = make_user(role="office")
    make_suggestion(round=make_open_round(), title="推行秒批秒办", content="企业登记实现秒批秒办。")
    search.apply()
    assert "秒批秒办" not in services.domain_terms()
    with_term = services.save_terms(actor=office, added=["秒批秒办"], removed=[])
    assert "秒批秒办" in with_term
    search.apply()  # the rebuild the change queued
    results, items = queries.search(user=office, text='"秒批秒办"')
    assert results.total == 1 and "<mark>秒批秒办</mark>" in items[0].snippet


def test_only_the_office_changes_the_dictionary_and_an_unchanged_one_is_said_so(search):
    with pytest.raises(SearchError, match="office_only"):
        services.save_terms(actor=make_user(role="unit_staff"), added=["秒批秒办"], removed=[])
    with pytest.raises(SearchError, match="terms_unchanged"):
        services.save_terms(actor=make_user(role="office"), added=["营商环境"], removed=[])
    with pytest.raises(SearchError, match="term_invalid"):
        services.save_terms(actor=make_user(role="office"), added=["x" * 51], removed=[])


def test_rebuild_and_check_commands_report_what_they_did(search, runner):
    make_suggestion(title="增设公交线路")
    make_proposal(submit=True, title="推进公交优先")
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert "2 records indexed" in rebuilt.output and queued() == 0
    checked = runner.invoke(args=["search", "check"])
    assert "missing: 0" in checked.output and "stale: 0" in checked.output
    assert "queue age: 0.0 s" in runner.invoke(args=["search", "status"]).output


def test_two_worker_processes_at_once_lose_no_update_and_break_nothing(app, search):
    round = make_open_round()
    for number in range(60):
        make_suggestion(round=round, title=f"第{number}号建议：优化公交线路")
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": app.instance_path,
        "SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "SECRET_KEY": "test-secret",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--once"]
    workers = [subprocess.Popen(command, env=environment, cwd=Path(__file__).parents[2]) for _ in range(2)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    assert queued() == 0
    assert services.check() == {"missing": [], "stale": [], "gone": [], "failing": []}
    assert queries.search(user=make_user(role="office"), text="公交线路")[0].total == 60


def test_a_rebuild_leaves_the_old_documents_searchable_until_it_is_done(search):
    office = make_user(role="office")
    make_suggestion(title="增设公交线路")
    search.apply()
    backend = services.backend()
    renamed = Document(kind="suggestion", record_id=999_999, title="优化地铁接驳", body="", round_id=1,
                       audiences=[OFFICE])  # fmt: skip
    with backend.rebuilding() as add:
        add([renamed])
        assert found(office, "公交") == {"增设公交线路"} and found(office, "地铁") == set()
        db.session.commit()  # the searches' transaction ends, as a request's does
    assert found(office, "公交") == set() and found(office, "地铁") == {"优化地铁接驳"}


@pytest.mark.parametrize("processes", [1, 2])
def test_a_rebuild_on_several_processes_indexes_every_record_once(search, processes):
    round = make_open_round()
    for number in range(120):
        make_suggestion(round=round, title=f"第{number}号：优化公交线路")
    make_proposal(round=round, submit=True, title="推进公交优先")
    assert services.rebuild(processes=processes) == 121
    assert queued() == 0 and services.check() == {"missing": [], "stale": [], "gone": [], "failing": []}
    results, _found = queries.search(user=make_user(role="office"), text="公交", per_page=200)
    assert results.total == 121 and len({item.hit.key for item in _found}) == 121
