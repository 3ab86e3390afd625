"""Users, units and audit events."""

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.models import LabelledEnum, utcnow
from extensions import db


class Role(LabelledEnum):
    office = "office"
    unit_staff = "unit_staff"
    expert = "expert"
    leader = "leader"

    @classmethod
    def _labels(cls):
        return {
            cls.office: _l("Reform office"),
            cls.unit_staff: _l("Unit staff"),
            cls.expert: _l("Expert"),
            cls.leader: _l("District leader"),
        }


class UnitKind(LabelledEnum):
    department = "department"
    subdistrict = "subdistrict"
    stationed = "stationed"

    @classmethod
    def _labels(cls):
        return {
            cls.department: _l("District department"),
            cls.subdistrict: _l("Sub-district / town"),
            cls.stationed: _l("Stationed unit"),
        }


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[UnitKind] = mapped_column(db.Enum(UnitKind, native_enum=False, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="unit")

    def __str__(self) -> str:
        return self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Unit staff act for a unit; the other roles may name one (an expert's affiliation).
        CheckConstraint("role != 'unit_staff' OR unit_id IS NOT NULL", name="unit_staff_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the login cookie's id: bumping it ends every session of this user.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The mail of what waits for them (core.todo), on a day they did not log in; each may turn it off.
    todo_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    # What the last such mail listed (text -> count): one goes out only when something new waits.
    todo_digest_sent: Mapped[dict | None] = mapped_column(db.JSON)

    unit: Mapped[Unit | None] = relationship(back_populates="users")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AuditEvent(db.Model):
    """Who did what to which record, when, with the fields before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # web, cli or api: the command line acts without a logged-in user.
    source: Mapped[str] = mapped_column(String(16), default="web")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


class ApiToken(db.Model):
    """A bearer token for another system (the 12345 hotline, a WeChat mini-program) acting as a user."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Only a hash is kept: the token itself is shown once, when it is made.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)
    # Flask-Limiter's limit string ("600/hour") for the calls made with this token; none: the API's default.
    rate_limit: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.name} ({self.user.username})"


class SiteSettings(db.Model):
    """How the platform presents the district to its residents, set by the office: one row (id 1). An empty text
    falls back to the configuration (DISTRICT_NAME, ORGANISER, CONTACT)."""

    __tablename__ = "site_settings"
    __table_args__ = (CheckConstraint("id = 1", name="one_site_settings_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_name: Mapped[str] = mapped_column(String(100), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    # What frames the office's official documents (GB/T 9704): the 发文机关 (their 版头 and signature), whom they
    # are copied to (抄送) and who prints them (印发机关). Empty: the organiser, none, the issuing organ.
    issuing_organ: Mapped[str] = mapped_column(String(200), default="", server_default="")
    copied_to: Mapped[str] = mapped_column(String(500), default="", server_default="")
    printed_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The emblem's bytes live in the attachment storage under this key; a new emblem gets a new key, so its
    # address changes and a browser may keep each one for good.
    emblem_key: Mapped[str | None] = mapped_column(String(64))
    emblem_content_type: Mapped[str | None] = mapped_column(String(100))

    def __str__(self) -> str:
        return self.district_name or "site"
