"""The public's pages of the plan: the published plans, each as it was published, and its Word document."""

from flask import abort, render_template

from core.exports import docx_response
from plan import queries
from plan.models import PlanVersion
from plan.views import bp
from plan.word_documents import plan_docx


@bp.get("/plans")
def plan_index():
    """The published plans, newest first: open to everyone."""
    return render_template("plan/plan_index.html", plans=queries.published_plans())


@bp.get("/plans/<int:plan_id>")
def plan_public(plan_id):
    """A published plan as it was published: each project with its lead leader and lead unit."""
    version = _published_or_404(plan_id)
    return render_template(
        "plan/plan_public.html",
        version=version,
        snapshot=version.snapshot,
        facts=queries.public_project_facts(plan_id),
    )


@bp.get("/plans/<int:plan_id>/published.docx")
def plan_public_document(plan_id):
    """The published plan as a Word document: open to everyone."""
    snapshot = _published_or_404(plan_id).snapshot
    return docx_response(plan_docx(snapshot), filename=snapshot["title"])


def _published_or_404(plan_id: int) -> PlanVersion:
    """The plan's latest published version; no such plan, or none published yet, is no page."""
    version = queries.published_version(plan_id)
    if version is None:
        abort(404)
    return version
