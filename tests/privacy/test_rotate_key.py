"""`flask data rotate-key`: every encrypted column moves to the new key; look-ups keep working."""
import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.passes.models import Pass
from portal.passes.services import issue_pass
from portal.tracing.services import find_person
from portal.visitors.models import Visitor

NEW_KEY = base64.urlsafe_b64encode(b"n" * 32).decode()


@pytest.fixture
def stored(people):
    person = people.person("Vũ Thị Mã Hoá", phone="0912 700 000", id_number="079185007777",
                           created=people.now - timedelta(days=1))
    card = issue_pass(person, people.now)
    db.session.commit()
    return person.id, card.id, card.token


def _readable_with(make_app, key, stored, now):
    person_id, card_id, token = stored
    with make_app(PORTAL_DATA_KEY=key).app_context():
        person = db.session.get(Visitor, person_id)
        assert (person.full_name, person.phone, person.id_number) == ("Vũ Thị Mã Hoá", "+84912700000", "079185007777")
        cutoff = now - timedelta(days=28)
        assert find_person(cutoff=cutoff, phone="0912 700 000").id == person_id
        assert find_person(cutoff=cutoff, id_number="079 185 007 777").id == person_id
        assert db.session.get(Pass, card_id).token == token


def test_rotation_keeps_data_readable_under_the_new_key_only(runner, make_app, stored, people, monkeypatch):
    monkeypatch.setenv("PORTAL_NEW_DATA_KEY", NEW_KEY)
    result = runner.invoke(args=["data", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "visitors 1 rows" in result.output and "passes 1 rows" in result.output
    assert "PORTAL_DATA_KEY" in result.output and NEW_KEY not in result.output
    _readable_with(make_app, NEW_KEY, stored, people.now)
    db.session.expire_all()
    with pytest.raises(RuntimeError):
        db.session.get(Visitor, stored[0]).full_name  # noqa: B018 - the old key no longer opens it


def test_an_interrupted_rotation_can_be_run_again(runner, make_app, stored, people):
    assert runner.invoke(args=["data", "rotate-key", "--new-key", NEW_KEY]).exit_code == 0
    again = runner.invoke(args=["data", "rotate-key", "--new-key", NEW_KEY])
    assert again.exit_code == 0, again.output
    _readable_with(make_app, NEW_KEY, stored, people.now)


def test_unusable_new_keys_change_nothing(runner, app, make_app, stored, people):
    for bad in ("short", "not base64 at all !!!", base64.urlsafe_b64encode(b"s" * 16).decode(),
                app.config["PORTAL_DATA_KEY"]):
        result = runner.invoke(args=["data", "rotate-key", "--new-key", bad])
        assert result.exit_code != 0 and "Error" in result.output, bad
    _readable_with(make_app, app.config["PORTAL_DATA_KEY"], stored, people.now)


def test_without_a_new_key_one_is_generated_and_shown_once(runner, make_app, stored, people):
    result = runner.invoke(args=["data", "rotate-key"], env={"PORTAL_NEW_DATA_KEY": ""})
    assert result.exit_code == 0, result.output
    key = result.output.split("New key: ")[1].split()[0]
    assert len(base64.urlsafe_b64decode(key)) == 32
    _readable_with(make_app, key, stored, people.now)
    assert db.session.scalar(select(Visitor.id)) == stored[0]
