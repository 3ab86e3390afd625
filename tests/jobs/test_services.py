"""The job mechanism: a queued job runs once, reporting progress; a failing one is retried with a growing wait up
to its limit, then failed with its error; two workers never run the same job; a dead worker's job runs again."""

from datetime import timedelta

import pytest

from core.models import utcnow
from extensions import db
from jobs.errors import JobError
from jobs.models import Job, JobState
from jobs.services import enqueue, retry_job, run_pending
from tests.conftest import in_two_workers
from tests.factories import make_user
from tests.jobs import kinds


@pytest.fixture(autouse=True)
def _fresh():
    kinds.RAN.clear()
    kinds.SEEN.clear()
    kinds.WATCHERS.clear()
    kinds.TWO_AT_ONCE.reset()


def queued(kind, payload=None, actor=None) -> Job:
    job = enqueue(kind, payload or {}, actor=actor)
    db.session.commit()
    return job


def time_passes(job: Job) -> None:
    """The job's wait before its next attempt is over."""
    job.run_after = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_queued_job_runs_and_is_done_with_its_result_and_progress():
    job = queued("test.watched", actor=make_user(role="office"))
    assert job.state is JobState.queued and job.attempts == 0

    assert run_pending() == {JobState.done: 1}
    db.session.refresh(job)
    assert job.state is JobState.done
    assert job.result == {"counted": 2}
    assert (job.progress_done, job.progress_total, job.progress_message) == (2, 2, "counted")
    assert job.attempts == 1 and job.finished_at is not None and job.claimed_until is None
    assert run_pending() == {}  # done once


def test_progress_is_seen_by_others_while_the_job_runs(app):
    job = queued("test.watched")

    def look():
        with app.app_context():  # another request, another session
            seen = db.session.get(Job, job.id)
            return seen.state, seen.progress_done, seen.progress_total, seen.progress_message, seen.percent

    kinds.WATCHERS.append(look)
    run_pending()
    seen = kinds.SEEN
    assert seen == [(JobState.running, 1, 2, "halfway", 50)]


def test_failing_job_is_retried_with_a_growing_wait_then_failed_with_its_error():
    job = queued("test.fails")
    assert job.max_attempts == 3

    assert run_pending() == {JobState.queued: 1}
    db.session.refresh(job)
    assert job.state is JobState.queued and job.attempts == 1
    assert job.error == "RuntimeError: the printer is on fire"
    first_wait = job.run_after - utcnow()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)
    assert run_pending() == {}  # not before its wait is over

    time_passes(job)
    assert run_pending() == {JobState.queued: 1}
    db.session.refresh(job)
    assert job.attempts == 2
    assert timedelta(seconds=55) < job.run_after - utcnow() <= timedelta(seconds=60)  # twice as long

    time_passes(job)
    assert run_pending() == {JobState.failed: 1}
    db.session.refresh(job)
    assert job.state is JobState.failed and job.attempts == 3 and job.finished_at is not None
    assert job.error == "RuntimeError: the printer is on fire"
    time_passes(job)
    assert run_pending() == {}  # failed for good, until the office queues it again


@pytest.mark.parametrize("round_", range(3))
def test_two_workers_at_once_run_each_job_exactly_once(app, round_):
    jobs = [queued("test.record", {"n": n, "together": True}) for n in range(12)]
    counts = in_two_workers(app, run_pending)
    assert sorted(n for n, _thread in kinds.RAN) == list(range(12))  # each once
    assert len({thread for _n, thread in kinds.RAN}) == 2  # both took part, at the same time
    assert sum(count.get(JobState.done, 0) for count in counts) == 12
    db.session.expire_all()
    assert all(db.session.get(Job, job.id).state is JobState.done for job in jobs)


def test_a_job_claimed_by_a_worker_is_left_to_it_until_its_claim_lapses():
    job = queued("test.record", {"n": 7})
    job.state, job.claimed_by, job.claimed_until = JobState.running, "other-host:123:1", utcnow() + timedelta(minutes=5)
    job.attempts = 1
    db.session.commit()
    assert run_pending() == {} and kinds.RAN == []

    job.claimed_until = utcnow() - timedelta(seconds=1)  # that worker died while running it
    db.session.commit()
    assert run_pending() == {JobState.done: 1}
    db.session.refresh(job)
    assert [n for n, _thread in kinds.RAN] == [7] and job.attempts == 2


def test_a_worker_whose_job_was_taken_over_writes_nothing():
    job = queued("test.watched")

    def taken_over():
        with db.engine.begin() as connection:  # its claim lapsed and another worker claimed the job
            connection.execute(db.update(Job).where(Job.id == job.id).values(claimed_by="other-host:9:9"))

    kinds.WATCHERS.append(taken_over)
    assert run_pending() == {}
    db.session.refresh(job)
    assert job.state is JobState.running and job.claimed_by == "other-host:9:9"
    assert job.result is None and job.progress_message == "halfway"


def test_office_queues_a_failed_job_again():
    office = make_user(role="office")
    job = queued("test.fails")
    job.state, job.attempts, job.error = JobState.failed, 3, "RuntimeError: the printer is on fire"
    db.session.commit()

    retry_job(actor=office, job=job)
    db.session.refresh(job)
    assert job.state is JobState.queued and job.attempts == 0
    assert run_pending() == {JobState.queued: 1}  # it runs again, from its first attempt


@pytest.mark.parametrize("state", [JobState.queued, JobState.running, JobState.done])
def test_only_a_failed_job_is_queued_again(state):
    job = queued("test.record", {"n": 1})
    job.state = state
    db.session.commit()
    with pytest.raises(JobError) as refused:
        retry_job(actor=make_user(role="office"), job=job)
    assert refused.value.code == "not_failed"
    db.session.refresh(job)
    assert job.state is state


def test_only_the_office_queues_a_job_again():
    job = queued("test.fails")
    job.state = JobState.failed
    db.session.commit()
    with pytest.raises(JobError):
        retry_job(actor=make_user(role="unit_staff"), job=job)
    db.session.refresh(job)
    assert job.state is JobState.failed


def test_enqueue_refuses_a_kind_no_one_registered():
    with pytest.raises(ValueError):
        enqueue("test.unknown", {}, actor=None)


def test_flask_worker_once_runs_the_due_jobs(runner):
    job_id = queued("test.record", {"n": 3}).id
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 done" in result.output
    assert db.session.get(Job, job_id).state is JobState.done
