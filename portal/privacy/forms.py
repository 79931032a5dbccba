"""Form shapes of the officials' data request pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..forms_common import birth_year_field, full_name_field, options
from ..text import MaxLength

KIND_LABELS = {
    "access": _l("See their data: hand over a file of everything kept"),
    "correct": _l("Correct their name or year of birth"),
    "delete": _l("Delete their data"),
}
VERIFIED_LABELS = {
    "pass": _l("Their pass (printed card or on a phone)"),
    "card": _l("Their citizen ID card"),
    "id_document": _l("Another identity document (passport, driving licence)"),
}
FIND_LABELS = {
    "pass": _l("Pass number"),
    "card": _l("ID card number"),
    "phone": _l("Phone number"),
}
#: Short names of the kinds, for lists.
KIND_NAMES = {"access": _l("See their data"), "correct": _l("Correction"), "delete": _l("Deletion")}


class NewRequestForm(FlaskForm):
    ward = SelectField(_l("Ward where the request is received"), choices=[], validate_choice=False)
    kind = RadioField(_l("What does the person ask for?"), choices=options(KIND_LABELS.items()),
                      validate_choice=False)
    verified_with = RadioField(_l("How did you verify who they are?"), choices=options(VERIFIED_LABELS.items()),
                               validate_choice=False)
    find_by = RadioField(_l("Find them by"), choices=options(FIND_LABELS.items()), default="pass",
                         validate_choice=False)
    number = StringField(
        _l("Their number"), description=_l("The pass number printed under the QR code, the 12-digit ID card number, "
                                     "or the phone number they registered with."),
        validators=[DataRequired(_l("Enter the number.")), MaxLength(200)])
    person = HiddenField()

    def set_wards(self, wards):
        self.ward.choices = options([(w.code, w.name) for w in wards])
        self.ward_codes = {w.code for w in wards}

    def validate_ward(self, field):
        if field.data not in self.ward_codes:
            raise ValidationError(_l("Choose one of your wards."))

    def validate_kind(self, field):
        if field.data not in KIND_LABELS:
            raise ValidationError(_l("Choose what the person asks for."))

    def validate_verified_with(self, field):
        if field.data not in VERIFIED_LABELS:
            raise ValidationError(_l("Choose how you verified who they are."))

    def validate_find_by(self, field):
        if field.data not in FIND_LABELS:
            raise ValidationError(_l("Choose how to find them."))


class CorrectForm(FlaskForm):
    full_name = full_name_field()
    birth_year = birth_year_field()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


#: What a deletion counts, by the erasure's category keys (visitors/erasure.py and its receivers).
CATEGORY_LABELS = {
    "profiles": _l("Profiles"),
    "devices": _l("Phones or browsers that remembered them"),
    "visits": _l("Visits"),
    "crossings": _l("Checkpoint crossings"),
    "passes": _l("Passes"),
    "scans": _l("Pass scans"),
    "warnings": _l("Exposure warnings"),
    "cases": _l("Links from a health case"),
}


def category_label(key):
    """A deletion category's name; an unknown key shows as itself."""
    label = CATEGORY_LABELS.get(key)
    return str(label) if label is not None else key


#: What a correction changed, by the outcome's field codes.
FIELD_LABELS = {"name": _l("name"), "birth_year": _l("year of birth"), "none": _l("nothing changed")}


def outcome_text(outcome):
    """A done request's outcome (requests_service.close) in words; an unknown one shows as itself."""
    outcome = outcome or ""
    if outcome == "handed_over":
        return _("Data file handed over")
    if outcome == "withdrawn":
        return _("Withdrawn")
    if outcome.startswith("corrected "):
        fields = [str(FIELD_LABELS.get(f, f)) for f in outcome.split(" ", 1)[1].split("+")]
        return _("Corrected: %(fields)s", fields=", ".join(fields))
    if outcome.startswith("deleted "):
        counts, _sep, kept = outcome[len("deleted "):].partition("; kept=")
        parts = [pair.split("=", 1) for pair in counts.split()]
        going = ", ".join(f"{category_label(key)} {count}" for key, count in parts if count.isdigit())
        return _("Deleted: %(counts)s; kept: %(kept)s", counts=going or _("nothing"), kept=kept or "0")
    return outcome
