"""Report form shapes: a ward's zone level, and the file of the wards' populations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..forms_common import options
from ..registry.forms import DayField
from ..text import PlainText
from .models import LEVELS


class ZoneForm(FlaskForm):
    # validate_choice=False: WTForms' own "Not a valid choice" has no Vietnamese translation;
    # the ward is checked against the official's scope by the route.
    ward_code = SelectField(_l("Ward or commune"), choices=[], validate_choice=False,
                            validators=[DataRequired(_l("Choose the ward or commune."))])
    level = SelectField(_l("Level"), choices=options([("", _l("Choose…"))] + [(str(k), v) for k, v in LEVELS.items()]),
                        validate_choice=False,
                        validators=[DataRequired(_l("Choose the level.")),
                                    AnyOf([str(k) for k in LEVELS], message=_l("Choose the level."))])
    effective_on = DayField(_l("In force from"), format=["%Y-%m-%d", "%d/%m/%Y"],
                            description=_l("For example 25/11/2026."),
                            validators=[DataRequired(_l("Enter the date as day/month/year, for example 25/11/2026."))])
    note = StringField(_l("Decision or note (optional)"), validators=[Optional(), Length(max=300, message=_l("Use at most %(max)d characters.")), PlainText()])

    def set_wards(self, wards):
        """Offer the wards of the province."""
        self.ward_code.choices = [("", _l("Choose…"))] + [(w.code, w.name) for w in wards]


class PopulationForm(FlaskForm):
    file = FileField(
        _l("Population file (CSV or XLSX)"),
        description=_l("First row: ward (code or name) and population, for example “Mã phường” and "
                       "“Dân số”. One row per ward; wards not in the file keep their population."),
        validators=[FileRequired(_l("Choose the file to import."))],
    )
