"""Helpers for the assisted check-in tests: look a person up and read the offered choices."""
import re

from ..html import hidden_fields


def lookup(client, venue, phone, year=None):
    """POST the look-up form (phone, and the year of birth when given)."""
    data = {"find-phone": phone}
    if year is not None:
        data["find-birth_year"] = year
    return client.post(f"/staff/{venue.short_code}/assist/lookup", data=data)


def choices(html):
    """[(handle, masked name)] offered on the confirmation page."""
    return re.findall(r'name="person"[^>]*value="([^"]*)"[^>]*> <span class="masked-name">([^<]*)</span>', html)


def confirm_data(client, venue, phone, year, index=0):
    """Look up a phone and year, and return the confirmation form choosing the index-th person."""
    html = lookup(client, venue, phone, year).get_data(as_text=True)
    data = hidden_fields(html, f"/staff/{venue.short_code}/assist/confirm")
    data["person"] = choices(html)[index][0]
    return data
