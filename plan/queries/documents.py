"""The stored PDFs of the official documents."""

from sqlalchemy import bindparam, select

from extensions import db
from plan.models import DocumentPdf


def document_pdf(*, plan_version_id: int | None = None, bulletin_id: int | None = None) -> DocumentPdf | None:
    """The stored PDF of a published version of the plan, or of an issued bulletin; None until the worker made it."""
    if plan_version_id is not None:
        return db.session.scalar(_OF_PLAN_VERSION, {"id": plan_version_id})
    return db.session.scalar(_OF_BULLETIN, {"id": bulletin_id})


# Made once a process: the public plan's page reads it for every reader.
_OF_PLAN_VERSION = select(DocumentPdf).where(DocumentPdf.plan_version_id == bindparam("id"))
_OF_BULLETIN = select(DocumentPdf).where(DocumentPdf.bulletin_id == bindparam("id"))
