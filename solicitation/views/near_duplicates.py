"""The office's page of near-duplicate suggestions: the groups of near-copies the worker found, each merged into
its original in one bulk action."""

from flask import render_template, request
from flask_babel import gettext as _

from accounts.permissions import office_required
from core.exports import Document, table_response
from core.lists import export_format, paginate
from extensions import db
from solicitation import queries
from solicitation.exports import near_duplicate_columns
from solicitation.models import Round
from solicitation.views import bp


@bp.get("/rounds/<int:round_id>/suggestions/near-duplicates")
@office_required
def near_duplicates(round_id):
    """List the round's groups of near-duplicate suggestions, largest first, or export them a copy a row."""
    round = db.get_or_404(Round, round_id)
    if fmt := export_format():
        return table_response(
            filename=f"near-duplicates-{round.year}",
            columns=near_duplicate_columns(),
            rows=queries.near_duplicate_rows(round.id),
            fmt=fmt,
            document=Document(subject=_("Near-duplicate suggestions"), scope=round.title),
        )
    show_all = request.args.get("show") == "all"
    page = paginate(queries.group_originals(round.id, open_only=not show_all))
    return render_template(
        "solicitation/near_duplicates.html",
        round=round,
        page=page,
        groups=queries.near_duplicate_groups(list(page.items)),
        show_all=show_all,
    )
