"""A ward or commune of the current two-level structure."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..collation import keep_sorted, sort_key_column
from ..extensions import db


class Division(db.Model):
    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The name's Vietnamese sort key (portal/collation.py): lists order by it in SQL.
    name_sort: Mapped[str] = sort_key_column("name")
    kind: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(String(10), index=True)
    province_name: Mapped[str] = mapped_column(String(120))

    def __str__(self):
        return self.name


keep_sorted(Division, "name", "name_sort")
