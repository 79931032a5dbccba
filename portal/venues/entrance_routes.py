"""Owners add entrances (gates or areas) to a venue, each with its own poster, and retire them."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import utcnow
from ..extensions import db
from ..forms_common import render_form
from ..security import roles_required
from . import bp
from .access import entrance_for, venue_for
from .entrances import MAX_ENTRANCES, NAME_MAX, add_entrance, entrances_of, retire_entrance
from .forms import EntranceForm
from .services import VenueError

ENTRANCE_ERRORS = {
    "entrance_name_required": lambda: _("Enter the name of the entrance."),
    "entrance_name_long": lambda: _("Use at most %(max)d characters.", max=NAME_MAX),
    "entrance_name_plain": lambda: _("Do not use the characters < and >."),
    "entrance_name_taken": lambda: _("This venue already has an entrance with this name."),
    "entrance_too_many": lambda: _("A venue can have at most %(n)d entrances. Retire one you no longer use.",
                                   n=MAX_ENTRANCES),
}


@bp.route("/<code>/entrances/", methods=["GET", "POST"])
@roles_required("owner")
def entrances(code):
    """The venue's entrances with their posters, and the form that adds one."""
    venue = venue_for(current_user, code)
    form = EntranceForm()
    if form.validate_on_submit():
        try:
            entrance = add_entrance(venue, form.name.data, utcnow())
        except VenueError as exc:
            db.session.rollback()
            form.name.errors.append(ENTRANCE_ERRORS[exc.code]())
        else:
            db.session.commit()
            flash(_("Entrance %(name)s is added. Print its poster and put it up there.", name=entrance.name))
            return redirect(url_for("venues.entrances", code=venue.short_code), 303)
    return render_form("venues/entrances.html", form, venue=venue, entrances=entrances_of(venue))


@bp.route("/entrances/<code>/retire", methods=["GET", "POST"])
@roles_required("owner")
def retire_entrance_page(code):
    """Retire an entrance, named by its own code (after a confirmation page): its poster stops working."""
    venue, entrance = entrance_for(current_user, code)
    if request.method == "GET":
        return render_template("venues/entrance_retire.html", venue=venue, entrance=entrance)
    retire_entrance(entrance, utcnow())
    db.session.commit()
    flash(_("The poster of entrance %(name)s no longer works.", name=entrance.name))
    return redirect(url_for("venues.entrances", code=venue.short_code), 303)
