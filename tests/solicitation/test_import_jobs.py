"""A large import in the background: the office lands on the job's page, which follows the rows checked then
written and ends with what was imported, or with each bad row and nothing written."""

import io

import pytest
from sqlalchemy import event, func, select

from accounts.models import AuditEvent
from extensions import db
from jobs.models import Job, JobState
from jobs.services import progress_while_writing, run_pending
from solicitation.models import Suggestion
from solicitation.services import imports
from tests.factories import make_open_round

HEADER = "标题,内容,地点\n"


def sheet(count: int, bad: dict[int, str] | None = None) -> bytes:
    """A CSV of `count` good suggestions, the rows numbered in `bad` (from 0) replaced by their text."""
    bad = bad or {}
    rows = (bad.get(n, f"第{n}条建议,小区停车难，建议规划停车位（{n}）,龙城街道") for n in range(count))
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def background(app, monkeypatch, login_as):
    """Every file is imported in the background, its progress reported every 2 rows."""
    monkeypatch.setitem(app.config, "IMPORT_INLINE_MAX_BYTES", 0)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    login_as("office")
    return make_open_round()


def upload(client, round, data: bytes):
    return client.post(f"/rounds/{round.id}/suggestions/import", data={"file": (io.BytesIO(data), "建议.csv")})


def import_job() -> Job:
    """The import's job (the import queues others: the search for near-duplicates)."""
    return db.session.scalar(select(Job).where(Job.kind == imports.IMPORT_SUGGESTIONS))


def suggestion_count() -> int:
    return db.session.scalar(select(func.count(Suggestion.id)))


def test_a_large_file_is_queued_and_the_office_lands_on_its_job_page(client, background):
    response = upload(client, background, sheet(10))
    job = import_job()
    assert response.status_code == 302 and response.location.endswith(f"/jobs/{job.id}")
    assert job.kind == imports.IMPORT_SUGGESTIONS and job.state is JobState.queued
    assert suggestion_count() == 0  # nothing imported in the request
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/rounds/{background.id}/suggestions/import" in page  # the way back


def test_a_good_file_is_imported_whole_by_the_job_and_its_progress_reaches_the_total(client, background):
    upload(client, background, sheet(9))
    assert run_pending() == {JobState.done: 1}
    job = import_job()
    assert suggestion_count() == 9
    assert (job.progress_done, job.progress_total, job.percent) == (9, 9, 100)
    assert job.result["imported"] == 9
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("suggestion.%"))).all()
    assert events.count("suggestion.create") == 9 and events.count("suggestion.import") == 1
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "已导入 9 条建议" in page


def test_one_bad_row_among_many_writes_nothing_and_the_job_lists_it_with_its_line(client, background):
    upload(client, background, sheet(50, bad={30: ",没有标题的建议,"}))
    assert run_pending() == {JobState.done: 1}  # a refusal is the job's outcome: trying again changes nothing
    job = import_job()
    assert suggestion_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "suggestion.create")) == 0
    assert job.result["rows"] == [[32, "标题", "此项为必填项。"]]  # the header is line 1: row 30 is line 32
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "未导入任何数据" in page and "<td>32</td>" in page


def test_the_job_forgets_the_upload_so_a_repeated_run_imports_nothing_twice(client, background, app):
    upload(client, background, sheet(4))
    job = import_job()
    stored = job.payload["stored"]
    run_pending()
    assert suggestion_count() == 4
    with pytest.raises(FileNotFoundError):
        imports.attachment_storage().read(stored)


def test_progress_is_seen_from_another_connection_while_the_import_runs(client, background, app):
    """While rows are written (the import's transaction open), another request reads the job's progress: the rows
    written so far on PostgreSQL; on SQLite, whose one writer is the import, the rows checked before writing."""
    upload(client, background, sheet(6))
    job_id = import_job().id
    writes, seen = [], []

    def before_fifth_write(_connection, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO suggestions"):
            writes.append(statement)
            if len(writes) == 5:
                with app.app_context():  # another request: another session, another connection
                    other = db.session.get(Job, job_id)
                    seen.append((other.progress_done, other.progress_total, suggestion_count()))

    event.listen(db.engine, "before_cursor_execute", before_fifth_write)
    try:
        assert run_pending() == {JobState.done: 1}
    finally:
        event.remove(db.engine, "before_cursor_execute", before_fifth_write)
    if progress_while_writing():
        assert seen == [(4, 6, 0)]  # 4 of 6 written, none committed yet
    else:
        assert seen == [(6, 0, 0)]  # 6 rows checked, the total not yet known
