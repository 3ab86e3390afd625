"""The public's pages of the plan: the published plans, each as it was published, and its Word document."""

from flask import abort, render_template

from core.exports import docx_response
from extensions import db
from plan import queries
from plan.models import Plan
from plan.views import bp
from plan.word_documents import plan_docx


@bp.get("/plans")
def plan_index():
    """The published plans, newest first: open to everyone."""
    return render_template("plan/plan_index.html", plans=queries.published_plans())


@bp.get("/plans/<int:plan_id>")
def plan_public(plan_id):
    """A published plan as it was published: each project with its lead leader and lead unit."""
    plan = db.get_or_404(Plan, plan_id)
    version = queries.published_version(plan.id)
    if version is None:
        abort(404)
    return render_template(
        "plan/plan_public.html",
        plan=plan,
        version=version,
        snapshot=version.snapshot,
        latest=queries.latest_reports(plan),
        suggestions=queries.suggestion_counts(plan),
        replicable=queries.replicable_projects(plan),
    )


@bp.get("/plans/<int:plan_id>/published.docx")
def plan_public_document(plan_id):
    """The published plan as a Word document: open to everyone."""
    version = queries.published_version(db.get_or_404(Plan, plan_id).id)
    if version is None:
        abort(404)
    return docx_response(plan_docx(version.snapshot), filename=version.snapshot["title"])
