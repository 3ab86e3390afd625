"""The PDF of each official document, made once by the background worker and stored: a published version of the
plan, an issued bulletin."""

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import StoredFile
from extensions import db
from plan.models.bulletins import Bulletin
from plan.models.plans import PlanVersion


class DocumentPdf(StoredFile, db.Model):
    """A stored PDF of one document: the plan as one version was published, or a bulletin as it was issued."""

    __tablename__ = "document_pdfs"
    __table_args__ = (CheckConstraint("(plan_version_id IS NULL) <> (bulletin_id IS NULL)", name="one_document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), unique=True)
    bulletin_id: Mapped[int | None] = mapped_column(ForeignKey("bulletins.id", ondelete="CASCADE"), unique=True)

    plan_version: Mapped[PlanVersion | None] = relationship()
    bulletin: Mapped[Bulletin | None] = relationship()
