"""When the index cannot be read, search degrades and the worker rebuilds it; a change that cannot be applied
does not hold up the queue — on every backend."""

import gc
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from accounts.models import AuditEvent
from extensions import db
from jobs.services import run_worker
from plan.models import PlanVersion
from search_index import queries, services
from search_index.models import REBUILD, SearchQueue
from search_index.postgres_backend import TABLE
from solicitation.services import suggestions
from tests.factories import make_published_plan, make_suggestion, make_unit, make_user

REBUILDING = "搜索正在重建"
# Whoosh leaves a damaged segment's file open when reading it fails; it is closed when collected.
pytestmark = pytest.mark.filterwarnings(
    "ignore:unclosed file:ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)


@pytest.fixture(params=["deleted", "damaged"])
def break_index(app, search, request):
    """Make the index unreadable as a disk or an operator might: its folder deleted or a segment overwritten
    (on PostgreSQL, its table dropped)."""

    def breaking():
        if app.config["SEARCH_BACKEND"] == "postgresql":
            db.session.execute(text(f"DROP TABLE {TABLE}"))
            db.session.commit()
            return
        folder = Path(app.config["SEARCH_INDEX_DIR"])
        if request.param == "deleted":
            shutil.rmtree(folder)
            return
        for segment in folder.glob("*.seg"):
            data = segment.read_bytes()
            garbage = bytes(number * 7919 % 256 for number in range(len(data) - 200))
            segment.write_bytes(data[:100] + garbage + data[-100:])

    yield breaking
    gc.collect()  # the damaged files Whoosh left open are closed here, not in a later test


def rebuilds_asked() -> int:
    return db.session.scalar(select(func.count(SearchQueue.id)).where(SearchQueue.kind == REBUILD))


def published_suggestion(office, **fields):
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(**fields))
    return suggestions.set_public(actor=office, suggestion=suggestion, public=True)


def test_an_unreadable_index_leaves_the_pages_working_until_the_worker_has_rebuilt_it(
    client, search, login_as, break_index
):
    office = login_as("office")
    suggestion = published_suggestion(office, title="老旧小区加装电梯", content="老人上下楼难，建议加装电梯。")
    search.apply()
    break_index()

    page = client.get("/search?q=电梯")
    assert page.status_code == 200 and REBUILDING in page.get_data(as_text=True)
    detail = client.get(f"/suggestions/{suggestion.id}")
    assert detail.status_code == 200 and REBUILDING in detail.get_data(as_text=True)  # the similar-items panel
    similar = client.get("/search/similar?text=老旧小区加装电梯")
    assert similar.status_code == 200 and similar.get_json() == []
    api = client.get("/api/v1/search?q=电梯")
    assert api.status_code == 503 and api.get_json()["error"] == "index_rebuilding"
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["checks"]["search"]["error"] == "index_rebuilding"
    assert rebuilds_asked() == 1  # asked once, however many readers found it unreadable

    search.apply()  # the worker holding the index's lock rebuilds it
    assert "老旧小区加装" in client.get("/search?q=电梯").get_data(as_text=True)
    assert client.get("/health").status_code == 200 and rebuilds_asked() == 0


def test_the_worker_finding_the_index_unreadable_on_its_own_rebuilds_it(search, break_index):
    make_suggestion(title="背街小巷照明不足")
    search.apply()
    break_index()
    run_worker(0, once=True)  # no reader noticed: the worker does, and rebuilds
    assert services.check() == {"missing": [], "stale": [], "gone": [], "failing": []}
    office = make_user(role="office")
    assert [item.hit.title for item in queries.search(user=office, text="照明")[1]] == ["背街小巷照明不足"]


def test_a_change_applied_to_an_unreadable_index_rebuilds_it(search, break_index):
    office = make_user(role="office")
    suggestion = make_suggestion(title="背街小巷照明不足")
    search.apply()
    break_index()
    suggestion.title = "背街小巷路灯不足"
    db.session.commit()
    search.apply()
    assert [item.hit.title for item in queries.search(user=office, text="路灯")[1]] == ["背街小巷路灯不足"]


def test_search_check_says_the_index_cannot_be_read_and_queues_its_rebuild(runner, search, break_index):
    make_suggestion(title="背街小巷照明不足")
    search.apply()
    break_index()
    checked = runner.invoke(args=["search", "check"])
    assert checked.exit_code == 1 and "cannot be read" in checked.output
    assert not isinstance(checked.exception, IndexError | AttributeError)  # said, not crashed
    assert rebuilds_asked() == 1


def test_a_change_that_cannot_be_applied_is_passed_recorded_and_shown(client, runner, search):
    office = make_user(role="office")
    # A row this release cannot apply (left by another version): it must not stop the ones after it.
    db.session.add(SearchQueue(kind="petition", record_id=7))
    db.session.commit()
    make_suggestion(title="增加夜间公交班次")
    search.apply()
    assert [item.hit.title for item in queries.search(user=office, text="公交")[1]] == ["增加夜间公交班次"]
    assert search.apply() == 0  # nothing left to try again and again
    failed = queries.failed_changes()
    assert [(row.kind, row.record_id) for row in failed] == [("petition", 7)] and "KeyError" in failed[0].error
    status = runner.invoke(args=["search", "status"]).output
    assert "failed changes: 1" in status and "petition:7" in status and "KeyError" in status
    health = client.get("/health")
    search_check = health.get_json()["checks"]["search"]
    assert health.status_code == 200 and (search_check["failed_changes"], search_check["queue_age_seconds"]) == (1, 0)


def test_a_record_that_cannot_be_made_a_document_waits_as_failed_until_it_changes(search):
    office, unit = make_user(role="office"), make_unit()
    plan = make_published_plan(office=office, lead_unit=unit, title="推进网格管理标准化")
    search.apply()
    version = db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.id.desc())
    )
    version.snapshot = {"title": plan.title}  # damaged: its projects lost
    project = plan.projects[0]
    project.goals = "实现网格全覆盖"
    make_suggestion(title="增加夜间公交班次")
    search.apply()
    assert [(row.kind, row.record_id) for row in queries.failed_changes()] == [("key_project", project.id)]
    assert "projects" in queries.failed_changes()[0].error
    assert [item.hit.title for item in queries.search(user=office, text="公交")[1]] == ["增加夜间公交班次"]
    db.session.commit()  # the searches' transaction ends, as a request's does
    assert services.rebuild() >= 2  # a rebuild leaves the record out, and says so
    assert [(row.kind, row.record_id) for row in queries.failed_changes()] == [("key_project", project.id)]

    version.snapshot = {**version.snapshot, "projects": []}  # mended, and the project changes again
    project.goals = "实现网格全覆盖，一格一员"
    db.session.commit()
    search.apply()
    assert queries.failed_changes() == []
    assert queries.search(user=office, text="一格一员")[0].total == 1


def test_office_queues_a_change_that_failed_again_once_its_record_is_mended(search, client, login_as):
    office = login_as("office")
    plan = make_published_plan(office=office, lead_unit=make_unit(), title="推进网格管理标准化")
    search.apply()
    version = db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.id.desc())
    )
    version.snapshot = {"title": plan.title}  # damaged: its projects lost
    plan.projects[0].goals = "实现网格全覆盖，一格一员"
    db.session.commit()
    search.apply()
    [failed] = queries.failed_changes()
    version.snapshot = {**version.snapshot, "projects": []}  # mended, the project itself unchanged
    db.session.commit()

    response = client.post(f"/admin/search/queue/{failed.id}/retry")

    assert response.status_code == 302 and response.location.endswith("/admin/jobs")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "search.retry"))
    assert (event.actor_id, event.object_label) == (office.id, f"key_project:{plan.projects[0].id}")
    search.apply()
    assert queries.failed_changes() == []
    assert queries.search(user=office, text="一格一员")[0].total == 1


def test_a_change_that_has_not_failed_is_not_queued_again(client, login_as):
    login_as("office")
    waiting = SearchQueue(kind="proposal", record_id=1)
    db.session.add(waiting)
    db.session.commit()

    assert client.post(f"/admin/search/queue/{waiting.id}/retry").status_code == 409
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "search.retry")) == 0
