"""A remembered person's page: 'Check in as …' with the dependents to tick, or 'Check out' while
inside, and its one-tap POST."""

from flask import request

from .... import signals
from ....forms_common import form_status
from ....visitors import device, notice
from ....visitors.services import agree_to_notice, seen_again
from ... import core
from ...forms import TapForm, csrf_input
from ..shared import new_nonce, render_then_commit
from .retries import commit_then, cookies_off, retried


def one_tap(venue, action, now, person, entrance, locked, household_rows=None, quiet=()):
    """'Check in as …' with the dependents to tick, or 'Check out' while inside.

    A remembered person's plain tap costs three statements (two on PostgreSQL): `core.arrival`
    (already run), then `core.check_in`'s close and insert. The page costs `core.arrival_page` (the household came
    and the notice hints with it); a tap with dependents ticked reads the household to check them.
    """
    form = TapForm()
    posting = request.method == "POST"
    members = stays = None
    if not posting or form.dependents.data:
        members, stays = core.household(person.visitor_id, now, household_rows)
    taken = False
    if posting:
        choices = {m.ref: m.id for m in members[1:]} if members else {}
        if not form.validate(choices):
            # check_in() recognises this person's retried POSTs itself; an invalid form may still be
            # the retry of a registration whose answer arrived after the form was sent again.
            replayed, taken = retried(device.cookie_token())
            if replayed is not None:
                return replayed
        elif _notice_read(person, form):
            if not locked:
                core.lock_person(person.visitor_id, now)
            try:
                recorded = core.check_in(
                    person.visitor_id, venue.id, venue.default_stay_minutes, now, nonce=form.nonce,
                    dependents=[choices[ref] for ref in form.dependents.data],
                    entrance_id=entrance.id if entrance is not None else None,
                )
            except core.NonceTaken:
                core.rollback()
                taken = True
            else:
                daily = (now - person.device_seen_at).days >= 1
                if daily:
                    seen_again(person.device_id, person.visitor_id, now)
                response = commit_then(recorded.ref, device.cookie_token())
                if response is not None:
                    if daily:  # once a day: keep the cookie alive for 400 more days
                        device.remember(device.cookie_token())
                    return response
                taken = True
        members, stays = core.household(person.visitor_id, now)
    person = core.named(person)  # a page after all: the POST's row has the name sealed
    dependents = members[1:]
    ids = [m.id for m in members]
    notice_due = not notice.is_current(person)
    form.next_nonce = new_nonce()
    form.notice_shown = notice.NOTICE_VERSION if notice_due else ""
    form.csrf = csrf_input()  # the page's check-out buttons carry the same token
    here = [(d, stays[d.id]) for d in dependents if d.id in stays and stays[d.id].venue_id == venue.id]
    inside_here = {d.id for d, _visit in here}
    return render_then_commit(
        "checkin/venue.html", venue=venue, entrance=entrance, action=action, form=form, person=person,
        lead_visit=stays.get(person.visitor_id), here=here,
        waiting=[d for d in dependents if d.id not in inside_here],
        csrf=form.csrf, expired=taken, cookies_off=cookies_off(),
        notices=signals.notices_for(ids, now, quiet), notice_due=notice_due,
    ), form_status(form)


def _notice_read(person, form):
    """Whether this person may check in: they agreed to the notice in force, or confirm it now
    (recorded). A check-in posted without the changed notice shows the page with it instead."""
    if notice.is_current(person):
        return True
    if form.notice != notice.NOTICE_VERSION:
        return False
    agree_to_notice(person.visitor_id)
    return True
