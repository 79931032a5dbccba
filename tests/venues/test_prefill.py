"""The new-venue form starts from the owner's own phone number, as people write it."""
import re

from ..html import check_page
from .data import venue_form


def _phone_value(html):
    return re.search(r'<input[^>]*id="contact_phone"[^>]*>', html).group(0)


def test_the_new_venue_form_prefills_the_owners_phone_in_national_format(client, make, login):
    owner = make.owner(phone="0912 345 678")
    assert owner.phone == "+84912345678"
    login(owner)
    field = _phone_value(check_page(client.get("/venues/new")))
    assert 'value="0912 345 678"' in field


def test_a_refused_form_keeps_the_phone_the_owner_typed(client, make, login):
    login(make.owner(phone="0912 345 679"))
    data = venue_form(make.wards(1)[0], contact_phone="0987 654 321")
    data["name"] = ""
    response = client.post("/venues/new", data=data)
    assert response.status_code == 422
    assert 'value="0987 654 321"' in _phone_value(response.get_data(as_text=True))


def test_a_province_admin_registering_a_checkpoint_gets_no_prefill(client, make, login):
    login(make.user(role="province_admin"))
    field = _phone_value(check_page(client.get("/venues/new")))
    assert "value=" not in field or 'value=""' in field
