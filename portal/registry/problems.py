"""Row problems of a registry file, and the short story the import page tells about them.

Each problem is (row, Issue): the Issue reads as the row's own message and also carries what it
has in common with other rows (the field, a shared message, the offending value), so 240 rows
of "ward X is not one of your wards" become one line naming the wards.
"""
from dataclasses import dataclass, field

from ..collation import sorted_vi

MAX_GROUPS = 20  # problem groups on the page: a screenful; the CSV holds all of them
MAX_ROW_RANGES = 10
MAX_VALUES = 10


class Issue:
    """One problem of one row: str() is the row's message; `kind` the message its group shares."""

    __slots__ = ("text", "field", "kind", "value")

    def __init__(self, text, field, kind=None, value=""):
        self.text, self.field, self.kind, self.value = text, field, kind, value

    def __str__(self):
        return str(self.text)

    def group_key(self):
        """(field, shared message) in the reader's language."""
        return self.field, str(self.kind if self.kind is not None else self.text)


@dataclass
class Group:
    """Problems sharing a field and a message: how many rows, which rows, which values."""

    field: str
    message: str
    rows: list = field(default_factory=list)
    values: list = field(default_factory=list)

    @property
    def row_count(self):
        return len(self.rows)

    def ranges(self, limit=MAX_ROW_RANGES):
        """The first `limit` runs of consecutive rows as (first, last), and how many runs are left out."""
        runs = []
        for row in self.rows:
            if runs and runs[-1][1] in (row, row - 1):
                runs[-1][1] = row
            else:
                runs.append([row, row])
        return [tuple(r) for r in runs[:limit]], max(0, len(runs) - limit)

    def shown_values(self, limit=MAX_VALUES):
        """The first `limit` distinct values in Vietnamese order, and how many are left out."""
        return sorted_vi(self.values)[:limit], max(0, len(self.values) - limit)


def group(problems):
    """Groups of (row, Issue) problems, the most rows first."""
    groups = {}
    for row, issue in problems:
        key = issue.group_key() if isinstance(issue, Issue) else ("", str(issue))
        found = groups.get(key)
        if found is None:
            found = groups[key] = Group(*key)
        if not found.rows or found.rows[-1] != row:
            found.rows.append(row)
        value = getattr(issue, "value", "")
        if value and value not in found.values:
            found.values.append(value)
    return sorted(groups.values(), key=lambda g: (-g.row_count, g.rows[0]))


def csv_rows(problems, labels):
    """[row, column, problem, value] for every problem, for the downloadable list."""
    return [[row, str(labels.get(getattr(issue, "field", ""), "")), str(issue), getattr(issue, "value", "")]
            for row, issue in problems]


def outside_wards(ward_rows, allowed, names):
    """(rows outside the allowed wards, the file's ward names in Vietnamese order), or (0, [])."""
    if allowed is None:
        return 0, []
    outside = sum(n for code, n in ward_rows.items() if code not in allowed)
    return outside, sorted_vi(names[code] for code in ward_rows) if outside else []
