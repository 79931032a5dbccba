"""Who may scan where: owners' staff accounts and the province's checkpoint officers.

Functions flush and never commit; the route or CLI commits once.
"""
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from ..auth.models import User, VenueStaff
from ..auth.services import create_user, end_sessions, set_password
from ..extensions import db
from ..text import normalise_phone
from ..venues.models import Venue


class StaffError(ValueError):
    """A rule stopped the change; `code` names it for the message shown to the user."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def staff_of(venue, role=None):
    """The accounts assigned to a venue, by name."""
    query = (
        select(User)
        .join(VenueStaff, VenueStaff.user_id == User.id)
        .where(VenueStaff.venue_id == venue.id)
        .order_by(User.full_name_sort, User.id)
    )
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def venues_of(user):
    """The venues a staff account or checkpoint officer works at, by name."""
    return list(
        db.session.scalars(
            select(Venue).options(joinedload(Venue.ward))  # their start page names each venue's ward
            .join(VenueStaff, VenueStaff.venue_id == Venue.id)
            .where(VenueStaff.user_id == user.id)
            .order_by(Venue.name_sort, Venue.id)
        )
    )


def _assign(user, venue):
    exists = db.session.get(VenueStaff, (user.id, venue.id))
    if exists is not None:
        raise StaffError("already_here")
    db.session.add(VenueStaff(user_id=user.id, venue_id=venue.id))
    user.active = True
    # A re-added account starts afresh: no session from before its removal comes back.
    end_sessions(user)


def _existing_account(phone):
    return db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))


def add_staff(owner, venue, full_name, phone, password):
    """An owner gives a person a staff account at one of their venues. Returns (user, created).

    A staff account that works only at this owner's venues (or nowhere any more) is reused,
    keeping its password unless it had been switched off; any other account's phone is refused.
    """
    if venue.owner_id != owner.id:
        raise StaffError("not_owner")
    user = _existing_account(phone)
    if user is None:
        user = create_user(role="staff", full_name=full_name, phone=phone, password=password)
        _assign(user, venue)
        return user, True
    if user.role != "staff":
        raise StaffError("phone_taken")
    owners = set(
        db.session.scalars(
            select(Venue.owner_id).join(VenueStaff, VenueStaff.venue_id == Venue.id).where(VenueStaff.user_id == user.id)
        )
    )
    if owners - {owner.id}:
        raise StaffError("phone_taken")
    if not owners:
        # A former staff account with no venue left: the new owner sets its name and password.
        user.full_name = full_name
        set_password(user, password)
    _assign(user, venue)
    return user, False


def _unassign(user, venue):
    removed = db.session.execute(
        delete(VenueStaff).where(VenueStaff.venue_id == venue.id, VenueStaff.user_id == user.id)
    ).rowcount
    if not removed:
        raise StaffError("not_here")
    end_sessions(user)  # sessions end at once, not at the next request that checks the venue


def remove_staff(venue, user):
    """Take a person off a venue; an account left without any venue is switched off."""
    _unassign(user, venue)
    left = db.session.scalar(select(func.count()).select_from(VenueStaff).where(VenueStaff.user_id == user.id))
    if not left:
        user.active = False
    db.session.flush()


def staff_member(venue, user_id):
    """The account with this id if it is assigned to the venue, else None."""
    return db.session.scalar(
        select(User)
        .join(VenueStaff, VenueStaff.user_id == User.id)
        .where(VenueStaff.venue_id == venue.id, User.id == user_id)
    )


def create_officer(full_name, phone, password):
    """A province admin creates a checkpoint officer account."""
    if _existing_account(phone) is not None:
        raise StaffError("phone_taken")
    return create_user(role="checkpoint", full_name=full_name, phone=phone, password=password)


def officers():
    """Every checkpoint officer, active first, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.role == "checkpoint").order_by(User.active.desc(), User.full_name_sort, User.id)
        )
    )


def checkpoint_venues():
    """Active venues registered as traffic checkpoints, by name."""
    return list(
        db.session.scalars(
            select(Venue).options(joinedload(Venue.ward))  # the choices name the ward
            .where(Venue.category == "checkpoint", Venue.status == "active").order_by(Venue.name_sort, Venue.id)
        )
    )


def officer(user_id):
    """The checkpoint officer with this id, or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.role == "checkpoint" else None


def assign_officer(user, venue):
    """Put a checkpoint officer on a checkpoint venue."""
    if user.role != "checkpoint":
        raise StaffError("not_officer")
    if venue.category != "checkpoint":
        raise StaffError("not_checkpoint")
    _assign(user, venue)


def unassign_officer(user, venue):
    """Take a checkpoint officer off a venue (the account stays, for the next assignment)."""
    _unassign(user, venue)


def deactivate_officer(user):
    """Switch an officer's account off and take them off every checkpoint."""
    db.session.execute(delete(VenueStaff).where(VenueStaff.user_id == user.id))
    user.active = False
    end_sessions(user)
