"""The public's pages of the plan: the published plans, each as it was published, and its Word document."""

from flask import abort, render_template

from core.exports import docx_response
from core.storage import download_response
from plan import queries
from plan.models import PlanVersion
from plan.services import documents
from plan.views import bp


@bp.get("/plans")
def plan_index():
    """The published plans, newest first: open to everyone."""
    plans = queries.published_plans()
    snapshots = queries.published_snapshots(version for _plan, version in plans)
    return render_template("plan/plan_index.html", plans=plans, snapshots=snapshots)


@bp.get("/plans/<int:plan_id>")
def plan_public(plan_id):
    """A published plan as it was published: each project with its lead leader and lead unit."""
    version = _published_or_404(plan_id)
    return render_template(
        "plan/plan_public.html",
        version=version,
        snapshot=queries.published_snapshots([version])[version.id],
        facts=queries.public_project_facts(plan_id),
        pdf=queries.document_pdf(plan_version_id=version.id),
    )


@bp.get("/plans/<int:plan_id>/published.docx")
def plan_public_document(plan_id):
    """The published plan as a Word document: open to everyone."""
    version = _published_or_404(plan_id)
    snapshot = queries.published_snapshots([version])[version.id]
    return docx_response(documents.plan_document(snapshot), filename=snapshot["title"])


@bp.get("/plans/<int:plan_id>/published.pdf")
def plan_public_pdf(plan_id):
    """The published plan as the PDF made when it was published: open to everyone; until the worker has made it,
    a page saying so."""
    version = _published_or_404(plan_id)
    return stored_pdf_response(queries.document_pdf(plan_version_id=version.id))


def stored_pdf_response(stored):
    """A stored PDF as a download, or the page saying it is still being made (404: there is no file yet)."""
    if stored is None:
        return render_template("plan/document_pending.html"), 404
    return download_response(stored.storage_key, content_type=stored.content_type, filename=stored.filename)


def _published_or_404(plan_id: int) -> PlanVersion:
    """The plan's latest published version; no such plan, or none published yet, is no page."""
    version = queries.published_version(plan_id)
    if version is None:
        abort(404)
    return version
