"""A ward or commune of the current two-level structure."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Division(db.Model):
    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(String(10), index=True)
    province_name: Mapped[str] = mapped_column(String(120))

    def __str__(self):
        return self.name
