"""A province admin imports the wards' populations, the denominators of the suggested zone levels."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...collation import sorted_vi
from ...divisions.models import Division
from ...extensions import db
from ...security import roles_required
from ..forms import PopulationForm
from ..models import WardPopulation
from ..population import FileRejected, PopulationRejected, import_population
from .. import bp


@bp.route("/population", methods=["GET", "POST"])
@roles_required("province_admin")
def population():
    """The province's wards with their populations; a file replaces those it names."""
    form = PopulationForm()
    rejected = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            found = import_population(upload.read(), current_user, current_app.config["PORTAL_PROVINCE"])
            db.session.commit()
        except FileRejected as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(exc.message)]
        except PopulationRejected as exc:
            db.session.rollback()
            rejected = exc
        else:
            flash(_("The populations of %(n)s wards are saved.", n=len(found)))
            return redirect(url_for("reports.population"))
    rows = db.session.execute(
        select(Division, WardPopulation).outerjoin(WardPopulation, WardPopulation.ward_code == Division.code)
        .where(Division.province_code == current_app.config["PORTAL_PROVINCE"])).all()
    rows = sorted_vi(rows, key=lambda row: row[0].name)
    status = 422 if form.errors or rejected else 200
    return render_template("reports/population.html", form=form, rows=rows, rejected=rejected,
                           missing=sum(1 for _ward, entry in rows if entry is None)), status
