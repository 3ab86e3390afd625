"""The jobs table: what to run, its state, its claim by a worker, its progress and its outcome."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import LabelledEnum, utcnow
from extensions import db


class JobState(LabelledEnum):
    queued = "queued"  # waiting for a worker (a first run, or a retry once `run_after` comes)
    running = "running"  # claimed by a worker until `claimed_until`
    done = "done"
    failed = "failed"  # failed at its last attempt: the office may queue it again

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Waiting to run"),
            cls.running: _l("Running"),
            cls.done: _l("Done"),
            cls.failed: _l("Failed"),
        }


class Job(db.Model):
    """One piece of background work of a registered kind, with the JSON its function receives."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[JobState] = mapped_column(
        db.Enum(JobState, native_enum=False, length=20), default=JobState.queued, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    run_after: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # not run before (a retry's backoff)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")  # the worker running (or that ran) it
    claimed_until: Mapped[datetime | None]  # a running job whose claim lapsed (its worker died) is run again
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    progress_message: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")  # the last attempt's error
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.kind} #{self.id}"

    @property
    def percent(self) -> int:
        """How far it has come, 0 to 100 (100 once done)."""
        if self.state is JobState.done:
            return 100
        return min(100, 100 * self.progress_done // self.progress_total) if self.progress_total else 0

    @property
    def finished(self) -> bool:
        return self.state in (JobState.done, JobState.failed)

    @property
    def download(self) -> dict | None:
        """The stored file the job made, if it made one: its storage key, file name and content type."""
        if self.state is JobState.done and self.result and self.result.get("storage_key"):
            return self.result
        return None
