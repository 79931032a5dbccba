"""Testing-round form shapes: a plan's ward and start date; the counts form carries only its token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired

from ..forms_common import DayField, options


class PlanForm(FlaskForm):
    # validate_choice=False: the ward is checked against the official's scope by the route.
    ward_code = SelectField(_l("Ward or commune"), choices=[], validate_choice=False,
                            validators=[DataRequired(_l("Choose the ward or commune."))])
    start_on = DayField(_l("Day 1 of the plan"), format=["%Y-%m-%d", "%d/%m/%Y"],
                        description=_l("For example 25/11/2026. The rounds follow on the days of the plan."),
                        validators=[DataRequired(_l("Enter the date as day/month/year, for example 25/11/2026."))])

    def set_wards(self, wards):
        self.ward_code.choices = options([("", _l("Choose…"))] + [(w.code, w.name) for w in wards])


class CountsForm(FlaskForm):
    """The counts themselves are fields named per place (tested-<id>, positive-<id>)."""
