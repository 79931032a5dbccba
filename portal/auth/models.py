"""Accounts and what they are attached to (wards for officials, venues for staff)."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..collation import keep_sorted, sort_key_column
from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

ROLES = ("owner", "staff", "checkpoint", "ward_official", "tracer", "province_admin", "inspector", "ward_health",
         "province_health")
OFFICIAL_ROLES = ("ward_official", "tracer", "province_admin", "inspector", "ward_health", "province_health")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(20), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # The name's Vietnamese sort key (portal/collation.py): lists order by it in SQL.
    full_name_sort: Mapped[str] = sort_key_column("full_name")
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by logout and by any change of the account: sessions carrying an older value end.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Failed logins since the last success, and until when the next attempt must wait.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    login_blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    wards = relationship("UserWard", cascade="all, delete-orphan", lazy="selectin")

    def set_password(self, password):
        """Store only a salted hash."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        """True when the password matches."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """What the session and the remember cookie hold: id and session version, so bumping
        the version (auth.services.end_sessions) ends every session issued before."""
        return f"{self.id}:{self.session_version or 0}"


keep_sorted(User, "full_name", "full_name_sort")


class UserWard(db.Model):
    """A ward an official is responsible for."""

    __tablename__ = "user_wards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), primary_key=True)


class VenueStaff(db.Model):
    """A staff member or checkpoint officer assigned to a venue."""

    __tablename__ = "venue_staff"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), primary_key=True, index=True)
