"""The look-ups of every visitor page, built once with bound parameters: building an ORM statement
costs about as much as running it. The phone and ID number are not decrypted for pages that show
only the name (they load if something asks for them). Built on first use, when every model is mapped."""
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import defer, joinedload

from .models import Device, Visitor


@cache
def device():
    """The device remembered under `token_hash`, with its visitor."""
    return (
        select(Device)
        .options(joinedload(Device.visitor).options(defer(Visitor.phone), defer(Visitor.id_number)))
        .where(Device.token_hash == bindparam("token_hash"))
    )


@cache
def dependents():
    """The dependents of `lead`, oldest profile first."""
    return (
        select(Visitor)
        .options(defer(Visitor.phone), defer(Visitor.id_number))
        .where(Visitor.lead_id == bindparam("lead"))
        .order_by(Visitor.id)
    )


@cache
def dependent_id():
    """The id of visitor `id` if `lead` is their lead."""
    return select(Visitor.id).where(Visitor.id == bindparam("id"), Visitor.lead_id == bindparam("lead"))


@cache
def agree_to_notice():
    """Set `visitor`'s notice version to `version`."""
    table = Visitor.__table__
    return update(table).where(table.c.id == bindparam("visitor")).values(notice_version=bindparam("version"))


@cache
def device_seen():
    table = Device.__table__
    return (update(table).where(table.c.id == bindparam("device"))
            .values(last_seen_at=bindparam("now", type_=table.c.last_seen_at.type)))


@cache
def visitor_seen():
    table = Visitor.__table__
    return (update(table).where(table.c.id == bindparam("visitor"))
            .values(last_seen_at=bindparam("now", type_=table.c.last_seen_at.type)))
