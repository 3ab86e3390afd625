"""The plan and the bulletins as official documents: what goes in each (the office's settings, a plan's snapshot, a
quarter's rows), as Word on request, and as a PDF made once by the background worker when the plan is published or
the bulletin issued, then stored for every reader to download."""

from datetime import UTC, datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from accounts.models import User
from accounts.queries import site
from core.clock import today, zone
from core.pdf import docx_to_pdf
from core.storage import attachment_storage
from extensions import db
from jobs.models import Job, JobState
from jobs.services import enqueue, job
from plan import queries
from plan.models import Bulletin, DocumentPdf, Plan, PlanVersion
from plan.word_documents import Letterhead, bulletin_docx, plan_docx

MAKE_PDF = "plan.document_pdf"
PDF = "application/pdf"


def _local_date(moment: datetime | None):
    """The district's date of a stored UTC time; today when there is none (a document not yet issued)."""
    if moment is None:
        return today()
    return moment.replace(tzinfo=UTC).astimezone(zone()).date()


def _letterhead(*, signed_at: datetime | None, document_number: str = "") -> Letterhead:
    settings = site()
    return Letterhead(
        issuing_organ=settings.issuing_organ,
        signed_on=_local_date(signed_at),
        document_number=document_number,
        copied_to=settings.copied_to,
        printed_by=settings.printed_by,
    )


def plan_document(snapshot: dict) -> bytes:
    """The plan as a snapshot holds it (as it stands, or as a version was published), as a Word document, dated
    the day it was published (a draft: today)."""
    published_at = snapshot.get("published_at") if snapshot["status"] == "published" else None
    letterhead = _letterhead(
        signed_at=datetime.fromisoformat(published_at) if published_at else None,
        document_number=snapshot.get("document_number", ""),
    )
    return plan_docx(snapshot, letterhead)


def bulletin_document(plan: Plan, quarter: int) -> bytes:
    """The quarter's bulletin as a Word document, as it stands: its remarks, and the reports that have reached the
    office (the PDF keeps it as it was issued)."""
    current = queries.bulletin_of(plan.id, quarter)
    remarks = current.remarks if current else {}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # an official document is in Chinese
        rows = [
            {
                "part": project.part_title,
                "number": project.number,
                "title": project.title,
                "lead_unit": project.lead_unit.name if project.lead_unit else "",
                "status": str(report.status.label) if report else None,
                "percent": report.percent if report else None,
                "achievements": report.achievements if report else "",
                "problems": report.problems if report else "",
                "remark": remarks.get(str(project.id), ""),
            }
            for project, report in queries.bulletin_rows(plan, quarter)
        ]
    return bulletin_docx(
        plan_title=plan.title,
        round_title=plan.round.title,
        quarter=quarter,
        summary=current.summary if current else "",
        rows=rows,
        letterhead=_letterhead(signed_at=current.issued_at if current else None),
    )


def queue_version_pdf(*, actor: User, version: PlanVersion) -> None:
    """Have the worker make the PDF of a version as published. Only adds the job: the publishing service commits."""
    db.session.flush()
    enqueue(MAKE_PDF, {"plan_version_id": version.id}, actor=actor)


def queue_bulletin_pdf(*, actor: User, bulletin: Bulletin) -> None:
    """Have the worker make the PDF of a bulletin as issued. Only adds the job: the issuing service commits."""
    db.session.flush()
    enqueue(MAKE_PDF, {"bulletin_id": bulletin.id}, actor=actor)


def queue_missing_pdfs() -> int:
    """Have the worker make the PDF of each plan as last published and of each issued bulletin that has none and
    waits for none (plans published before the platform made PDFs, or while LibreOffice was missing); return how
    many were queued."""
    latest = queries.published_versions(db.session.scalars(select(Plan.id)).all())
    made = select(DocumentPdf.id)
    versions = [
        version
        for version in latest.values()
        if not db.session.scalar(made.where(DocumentPdf.plan_version_id == version.id))
    ]
    issued = db.session.scalars(
        select(Bulletin).where(
            Bulletin.issued_at.is_not(None),
            ~select(DocumentPdf.id).where(DocumentPdf.bulletin_id == Bulletin.id).exists(),
        )
    ).all()
    waiting = db.session.scalars(
        select(Job.payload).where(Job.kind == MAKE_PDF, Job.state.in_((JobState.queued, JobState.running)))
    ).all()
    payloads = [{"plan_version_id": version.id} for version in versions]
    payloads += [{"bulletin_id": bulletin.id} for bulletin in issued]
    missing = [payload for payload in payloads if payload not in waiting]
    for payload in missing:
        enqueue(MAKE_PDF, payload, actor=None)
    db.session.commit()
    return len(missing)


@job(MAKE_PDF)
def _make_pdf(payload: dict, progress) -> dict:
    """Turn the document's Word file into a PDF and store it; a second run finds it made and stops."""
    version_id, bulletin_id = payload.get("plan_version_id"), payload.get("bulletin_id")
    made = queries.document_pdf(plan_version_id=version_id, bulletin_id=bulletin_id)
    if made is not None:
        return {"document_pdf_id": made.id}
    if version_id is not None:
        version = db.session.get(PlanVersion, version_id)
        if version is None:
            raise LookupError(f"plan version {version_id} no longer exists")
        title, data = version.snapshot["title"], plan_document(version.snapshot)
    else:
        bulletin = db.session.get(Bulletin, bulletin_id)
        if bulletin is None:
            raise LookupError(f"bulletin {bulletin_id} no longer exists")
        title = f"{bulletin.plan.title}第{bulletin.quarter}季度跟踪通报"
        data = bulletin_document(bulletin.plan, bulletin.quarter)
    progress(0, 1)
    pdf = docx_to_pdf(data)
    stored = DocumentPdf(
        plan_version_id=version_id,
        bulletin_id=bulletin_id,
        filename=f"{title}.pdf",
        storage_key=attachment_storage().save(pdf),
        content_type=PDF,
        size=len(pdf),
    )
    db.session.add(stored)
    db.session.flush()
    # Not the file's storage key: the job's result is forgotten after JOBS_KEEP_DAYS, and its file with it.
    return {"document_pdf_id": stored.id}
