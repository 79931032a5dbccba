"""Closing open visits: the visit before a check-in elsewhere, overdue ones at their due time, a
check-out; the dependents who came along close with their lead."""
from functools import cache, lru_cache

from sqlalchemy import and_, bindparam, case, exists, or_, select, union_all, update
from sqlalchemy.orm import aliased

from ..models import Visit
from .statements import VISITS, begun_before, run


def _of_people(column, one):
    """`column = :person` for one person (nearly every check-in), else `column IN :ids`: an
    expanding IN is rendered again at every run, which costs as much as a simple look-up."""
    return column == bindparam("person") if one else column.in_(bindparam("ids", expanding=True))


def _one_or_many(params):
    """Whether `params` name one person; if so their "ids" becomes the "person" of `_of_people`."""
    ids = params.get("ids")
    if ids is None or len(ids) != 1:
        return False
    params["person"] = params.pop("ids")[0]
    return True


def _leads(visit, which, one):
    """The open visits `which` selects, on the table or alias `visit`; of the person `person`
    when `one`, else of the people `ids`."""
    now = bindparam("now", type_=Visit.checked_in_at.type)
    is_open = visit.checked_out_at.is_(None)
    if which == "visit":
        return and_(visit.id == bindparam("visit"), is_open)
    mine = and_(_of_people(visit.visitor_id, one), is_open)
    if which == "moving":
        return and_(mine, or_(visit.venue_id != bindparam("venue"), visit.due_out_at <= now))
    return and_(mine, visit.due_out_at <= now)


@lru_cache(maxsize=32)
def _close(which, guarded, one, horizon=None):
    """UPDATE closing the open visits `which` selects, with the visits of the dependents who came
    with them (followers): at their due time, automatically, when that has passed, else at `now`
    with `method`. Returns what each closed row became, for `_closing`.

    `which`: "moving" (the people `ids` checking in at `venue`: their visits elsewhere and their
    overdue ones), "overdue" (of the people `ids`) or "visit" (the visit `visit`).
    `guarded`: nothing closes when the form's `nonce` already recorded a visit (a replay).
    `one`: the people are one person, `person` (`_of_people`).
    `horizon`: look only at visits begun before that day (`statements.partition_horizon`), or at every visit.
    """
    now = bindparam("now", type_=Visit.checked_in_at.type)
    lead, other, follower = visit_aliases()
    visits = VISITS.c
    # The rows by id, from a UNION of the leads and their open followers: each part is an index
    # search (visitor or id, then lead_visit_id); an OR of the two would scan every partition.
    leads = select(lead.id).where(_leads(lead, which, one), *begun_before(lead, horizon))
    followers = select(follower.id).where(follower.lead_visit_id.in_(leads), follower.checked_out_at.is_(None),
                                          *begun_before(follower, horizon))
    condition = and_(visits.id.in_(union_all(leads, followers)), *begun_before(visits, horizon))
    if guarded:
        condition = and_(condition, ~exists().where(other.nonce == bindparam("form_nonce"), *begun_before(other, horizon)))
    overdue = visits.due_out_at <= now
    return (update(VISITS).where(condition)
            .values(checked_out_at=case((overdue, visits.due_out_at), else_=now),
                    out_method=case((overdue, "auto"), else_=bindparam("method", type_=Visit.out_method.type)))
            .returning(visits.id, visits.lead_visit_id, visits.checked_out_at, visits.out_method))


@cache
def _follow():
    return (update(VISITS).where(VISITS.c.id == bindparam("visit"))
            .values(checked_out_at=bindparam("out", type_=Visit.checked_out_at.type),
                    out_method=bindparam("how", type_=Visit.out_method.type)))


def _closing(which, guarded, params):
    """Run `_close` and give each closed follower its lead's time and method.

    The statement closes every row by its own due time; a follower's is its lead's unless it
    joined later ("check them in too"), so the fix-up below runs only for such households.
    """
    one = _one_or_many(params)
    return follow_leads(run(_close(which, guarded, one), params).all())


def follow_leads(closed):
    """Give each follower among these closed rows (what `_close` returned) its lead's end, where
    its own due time differed; returns the rows."""
    ended = {row.id: (row.checked_out_at, row.out_method) for row in closed}
    for row in closed:
        lead = ended.get(row.lead_visit_id)
        if lead is not None and lead != (row.checked_out_at, row.out_method):
            run(_follow(), {"visit": row.id, "out": lead[0], "how": lead[1]})
    return closed


@cache
def visit_aliases():
    """Three more names for the visits table, for subqueries (made on first use, once every model
    is mapped)."""
    return (aliased(Visit, name="lead_visit"), aliased(Visit, name="other_visit"),
            aliased(Visit, name="follower_visit"))


def close_moving(ids, venue_id, now, method="moved", nonce=None):
    """Close the open visits of these people anywhere but this venue, and their overdue ones."""
    _closing("moving", bool(nonce), moving_params(ids, venue_id, now, method, nonce))


def moving_params(ids, venue_id, now, method="moved", nonce=None):
    """The parameters of `_close("moving", …)` (before `_one_or_many`)."""
    params = {"ids": list(ids), "venue": venue_id, "now": now, "method": method}
    if nonce:
        params["form_nonce"] = nonce
    return params


def close_overdue(ids, now):
    """Close these people's open visits past their due time, at that time (automatic)."""
    _closing("overdue", False, {"ids": list(ids), "now": now, "method": "auto"})


def close_visit(visit_id, now, method="self"):
    """Check out of one visit and the visits of the dependents who came with it; automatic at
    its due time when that has passed; a closed visit stays as it was."""
    _closing("visit", False, {"visit": visit_id, "now": now, "method": method})
