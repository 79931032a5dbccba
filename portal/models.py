"""Import every model so Alembic and the app see the whole schema."""
from .audit.models import AuditEntry, AuditMaintenance  # noqa: F401
from .auth.models import User, UserWard, VenueStaff  # noqa: F401
from .checkin.models import Visit  # noqa: F401
from .divisions.models import Division  # noqa: F401
from .venues.models import Entrance, RetiredToken, Venue  # noqa: F401
from .visitors.models import Device, ErasureLog, Visitor  # noqa: F401
from .tracing.models import Case, Exposure, ExposureNotice  # noqa: F401
from .passes.models import Pass  # noqa: F401
from .staff.models import Crossing, Lane, Scan  # noqa: F401
from .registry.models import Establishment, FollowUp, MatchProposal, RegistryCheck, RegistryImport  # noqa: F401
from .reports.models import ZoneLevel  # noqa: F401
from .privacy.models import DataRequest  # noqa: F401
from .inspection.models import Inspection, InspectorCategory, InspectorScope, InspectorWard, PosterCheck  # noqa: F401
from .cases.models import CaseClassification, CaseContact, CaseTest, HealthCase  # noqa: F401
from .reports.models import WardPopulation  # noqa: F401
from .rounds.models import ScreeningPlace, ScreeningRound  # noqa: F401
