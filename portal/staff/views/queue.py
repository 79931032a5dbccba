"""Scans a lane kept while offline, sent when the connection returns (JSON; thin: parse, check
access, call, answer). The page's script sends them with the form's CSRF token in a header."""
from datetime import timedelta

from flask import current_app, jsonify, request
from flask_login import current_user

from ...clock import utcnow
from ...extensions import db
from ...security import roles_required
from ...venues.access import venue_for
from .. import bp, crossings
from .. import queue as kept_scans
from .lanes import SCANNER_ROLES, scanner_device

#: The largest body a lane sends: a full batch of the longest scans.
BODY_MAX = kept_scans.BATCH_MAX * 1200


@bp.route("/<code>/scan/queued", methods=["POST"])
@roles_required(*SCANNER_ROLES)
def scan_queued(code):
    """Apply the kept scans of one lane; answer with what became of each (no names)."""
    venue = venue_for(current_user, code)
    if request.content_length is None or request.content_length > BODY_MAX:
        return jsonify(error="size"), 413
    try:
        kept = kept_scans.parse_batch(request.get_json(silent=True))
    except kept_scans.QueueError as problem:
        return jsonify(error=str(problem)), 400
    config = current_app.config
    checkpoint = crossings.is_checkpoint(venue)
    lane = crossings.lane_at(venue, request.args.get("lane")) if checkpoint else None
    results = kept_scans.apply_kept(
        kept, venue, current_user, scanner_device() or "queued", utcnow(),
        max_age=timedelta(hours=config["PORTAL_SCAN_QUEUE_MAX_AGE_HOURS"]),
        household_window=timedelta(seconds=config["PORTAL_HOUSEHOLD_WINDOW_SECONDS"]),
        lane=lane, checkpoint=checkpoint,
    )
    db.session.commit()
    return jsonify(results=[
        {"id": r.id, "status": r.status, "outcome": r.outcome, "direction": r.direction,
         "message": str(r.reason) if r.reason else None}
        for r in results
    ])
