"""The privacy notice a visitor reads before anything is stored, and its version.

Change `NOTICE_VERSION` whenever the notice's meaning changes (what is collected, why, who sees
it, how long, the rights): every remembered visitor is then shown the notice again at their
next scan, and their confirmation records the new version on their profile.
"""
#: The notice in force (the date it was published); at most 16 characters (Visitor.notice_version).
NOTICE_VERSION = "2026-12-03"


def is_current(visitor):
    """Whether this person agreed to the notice in force."""
    return visitor.notice_version == NOTICE_VERSION


def agree(visitor):
    """Record that this person read the notice in force (the caller commits)."""
    visitor.notice_version = NOTICE_VERSION

