"""Officials upload the registry file: problems are told as a short story, nothing is imported
until all rows are good and the official has seen how unusual establishment types were read."""
import logging
from flask import abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from ...extensions import db
from ...clock import utcnow
from ...exports import export_response
from ...security import OFFICIAL_VIEWERS, roles_required
from ...venues.models import CATEGORIES
from ..checks import discard, load, problem_rows, save_pending, save_problems
from ..forms import ConfirmForm, ImportForm
from ..limits import MAX_PROBLEMS
from ..problems import MAX_GROUPS, csv_rows, group
from ..records import COLUMN_LABELS
from ..services import CategoriesToCheck, FileRejected, RowsRejected, import_registry, recent_imports
from .. import bp

log = logging.getLogger(__name__)


def _refuse(form, message):
    # A form that was not validated (the confirmation's) holds its errors in a tuple.
    form.file.errors = [*form.file.errors, message]


def _run(data, filename, form, *, checked):
    """Import, or tell why not: the template's variables."""
    now = utcnow()
    try:
        result = import_registry(
            data, filename=filename, actor=current_user, province_code=current_app.config["PORTAL_PROVINCE"],
            now=now, categories_checked=checked,
        )
        db.session.commit()
    except FileRejected as exc:
        db.session.rollback()
        _refuse(form, str(exc.message))
    except RowsRejected as exc:
        db.session.rollback()
        key = save_problems(current_user, filename, csv_rows(exc.problems, COLUMN_LABELS), now)
        db.session.commit()
        return {"rejected": exc, "groups": group(exc.problems), "csv_key": key}
    except CategoriesToCheck as exc:
        db.session.rollback()
        key = save_pending(current_user, filename, data, now)
        db.session.commit()
        return {"to_check": exc, "confirm": ConfirmForm(check=key, formdata=None), "filename": filename}
    except IntegrityError:  # another import or match ran on the same rows at the same moment
        db.session.rollback()
        _refuse(form, _("Another import or match ran at the same moment. Upload the file again."))
    else:
        log.info("registry import: %s rows, %s added, %s updated, %s departed",
                 result.rows, result.added, result.updated, result.departed)
        return {"result": result}
    return {}


def _page(form, rejected=None, groups=(), **page):
    status = 422 if form.errors or rejected else 200
    return render_template(
        "registry/import.html", form=form, rejected=rejected, groups=groups[:MAX_GROUPS],
        hidden_groups=max(0, len(groups) - MAX_GROUPS), max_problems=MAX_PROBLEMS,
        imports=recent_imports(current_user), categories=CATEGORIES, **page,
    ), status


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*OFFICIAL_VIEWERS)
def upload():
    """Upload the registry file; problems are grouped and nothing is imported until all rows are good."""
    form = ImportForm()
    page = {}
    if form.validate_on_submit():
        upload_file = form.file.data
        page = _run(upload_file.read(), upload_file.filename, form, checked=False)
    return _page(form, **page)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def confirm():
    """Import the checked file with its types read as the official was shown."""
    form, confirm_form = ImportForm(formdata=None), ConfirmForm()
    check = load(current_user, "pending", confirm_form.check.data, utcnow()) if confirm_form.validate() else None
    if check is None:
        _refuse(form, _("The checked file is kept for an hour only: choose it again."))
        return _page(form)
    data, filename = check.body, check.filename
    discard(check)  # in the import's own transaction: kept if the import fails
    return _page(form, **_run(data, filename, form, checked=True))


@bp.route("/import/problems/<key>.csv")
@roles_required(*OFFICIAL_VIEWERS)
def problems_csv(key):
    """Every problem of the last refused file, as CSV; only for the official who uploaded it."""
    check = load(current_user, "problems", key, utcnow())
    if check is None:
        abort(404)
    return export_response("csv", "import-problems", _("Import problems"),
                           [_("Row"), _("Column"), _("Problem"), _("Value")], problem_rows(check))
