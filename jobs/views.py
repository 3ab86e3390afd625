"""The office's list of jobs with its retry button, beside the backlog of the other queues the worker drains, and a
job's own page (a progress page that follows it, or JSON for a page that polls) with the file it made."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import login_required, office_required, require
from core.lists import list_or_export
from core.negotiation import wants_json
from core.storage import download_response
from extensions import db
from jobs import queries, services
from jobs.forms import JobFilterForm
from jobs.models import Job
from jobs.permissions import can_manage_jobs, can_view_job

bp = Blueprint("jobs", __name__)

REFRESH_SECONDS = 2  # how often a job's page reloads itself while the job is queued or running

JOB_COLUMNS = [
    (_l("Number"), lambda j: j.id),
    (_l("Job kind"), lambda j: j.kind),
    (_l("State"), lambda j: j.state.label),
    (_l("Queued"), lambda j: j.created_at),
    (_l("Queued by"), lambda j: j.created_by.display_name if j.created_by else ""),
    (_l("Attempts"), lambda j: f"{j.attempts}/{j.max_attempts}"),
    (_l("Done so far"), lambda j: f"{j.progress_done}/{j.progress_total}" if j.progress_total else ""),
    (_l("Finished"), lambda j: j.finished_at),
    (_l("Last error"), lambda j: j.error),
]


@bp.get("/admin/jobs")
@office_required
def job_list():
    """List the background jobs by state and kind, failed ones with their error, or export them; beside them, what
    waits in the other queues the worker drains."""
    filters = JobFilterForm()
    query = queries.jobs(state=filters.state.data, kind=filters.kind.data or "")
    return list_or_export(
        query,
        filename="jobs",
        columns=JOB_COLUMNS,
        subject=_("Background jobs"),
        template="jobs/job_list.html",
        of_page=lambda _page: {"work": queries.background_work()},
        filters=filters,
    )


def progress_of(job: Job) -> dict:
    """What a page polling the job reads: its state, how far it has come, where its file is."""
    shown = {
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "state_label": job.state.label,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "message": job.progress_message,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "download_url": url_for("jobs.job_download", job_id=job.id) if job.download else None,
    }
    if can_manage_jobs(current_user):
        shown["error"] = job.error
    return shown


@bp.get("/jobs/<int:job_id>")
@login_required
def job_detail(job_id):
    """Show how far a job has come, as a page that follows it while it runs, or as JSON."""
    job = db.get_or_404(Job, job_id)
    require(can_view_job(current_user, job))
    if wants_json():
        return jsonify(progress_of(job))
    refresh = None if job.finished else REFRESH_SECONDS
    return render_template("jobs/job_detail.html", job=job, refresh=refresh)


@bp.get("/jobs/<int:job_id>/download")
@login_required
def job_download(job_id):
    """Download the file a finished job made."""
    job = db.get_or_404(Job, job_id)
    require(can_view_job(current_user, job))
    made = job.download or abort(404)
    return download_response(made["storage_key"], content_type=made["content_type"], filename=made["filename"])


@bp.post("/jobs/<int:job_id>/retry")
@office_required
def job_retry(job_id):
    """Queue a failed job again."""
    job = db.get_or_404(Job, job_id)
    services.retry_job(actor=current_user, job=job)
    flash(_("The job is queued again."), "success")
    return redirect(url_for("jobs.job_detail", job_id=job.id))
