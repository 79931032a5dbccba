"""Form data for the venue form."""


def venue_form(ward, **fields):
    """A valid venue form for `ward`, with `fields` replaced."""
    data = dict(
        name="Quán Phở Hương Việt", category="restaurant", registration_number="",
        address="12 Đường Lê Lợi", ward_code=ward.code, contact_phone="0909 123 456",
        default_stay_minutes="45",
    )
    data.update(fields)
    return data
