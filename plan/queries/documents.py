"""The stored PDFs of the official documents."""

from sqlalchemy import select

from extensions import db
from plan.models import DocumentPdf


def document_pdf(*, plan_version_id: int | None = None, bulletin_id: int | None = None) -> DocumentPdf | None:
    """The stored PDF of a published version of the plan, or of an issued bulletin; None until the worker made it."""
    if plan_version_id is not None:
        return db.session.scalar(select(DocumentPdf).where(DocumentPdf.plan_version_id == plan_version_id))
    return db.session.scalar(select(DocumentPdf).where(DocumentPdf.bulletin_id == bulletin_id))
