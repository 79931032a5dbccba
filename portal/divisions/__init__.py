"""Administrative divisions: the province's wards and communes."""
