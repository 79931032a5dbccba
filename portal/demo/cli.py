"""`flask demo load`: a province admin, a ward official and two owners with venues, once."""
import os
import secrets

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.models import User
from ..auth.services import create_user
from ..divisions.services import wards_of
from ..extensions import db
from ..venues.services import register_venue

demo_cli = AppGroup("demo", help="Demo data.")

ACCOUNTS = (
    ("province_admin", "Quản trị Sở TT&TT", "0901000001"),
    ("ward_official", "Cán bộ phường", "0901000002"),
    ("owner", "Nguyễn Thị Hoa", "0901000003"),
    ("owner", "Trần Văn Minh", "0901000004"),
    ("tracer", "Bác sĩ Trạm Y tế", "0901000005"),
)
VENUES = {
    "0901000003": (
        ("Tạp hoá Cô Hoa", "shop", None, "12 Đường Nguyễn Trãi"),
        ("Quán cà phê Sương Sớm", "restaurant", "3700123456", "45 Đại lộ Bình Dương"),
    ),
    "0901000004": (
        ("Công ty TNHH May Mặc Minh Phát", "factory", "3700654321", "Lô B2 KCN Sóng Thần"),
        ("Chợ Thủ Dầu Một - Cổng chính", "market", None, "1 Đường Bạch Đằng"),
        ("Nhà trọ Hạnh Phúc", "boarding_house", None, "88/3 Đường Phú Lợi"),
    ),
}


def _logins_path():
    return os.path.join(current_app.instance_path, "demo-logins.txt")


@demo_cli.command("load")
def load_command():
    """Load the demo accounts and venues unless they exist; print the logins."""
    path = _logins_path()
    if db.session.scalar(select(User.id).where(User.phone == "+84901000001")) is None:
        wards = wards_of(current_app.config["PORTAL_PROVINCE"])
        if not wards:
            raise click.ClickException("load the divisions first: flask divisions load")
        lines = []
        for role, name, phone in ACCOUNTS:
            password = secrets.token_urlsafe(9)
            ward_codes = [wards[0].code] if role == "ward_official" else []
            user = create_user(role=role, full_name=name, phone=phone, password=password, ward_codes=ward_codes)
            lines.append(f"{role:15} {phone}  {password}")
            for i, (vname, category, reg, address) in enumerate(VENUES.get(phone, ())):
                register_venue(
                    user,
                    dict(name=vname, category=category, registration_number=reg, address=address,
                         ward_code=wards[i % 2].code, contact_phone=phone, default_stay_minutes=60),
                    current_app.config["PORTAL_PROVINCE"],
                )
        db.session.commit()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    if os.path.exists(path):
        click.echo("Demo logins (role, phone, password), also in instance/demo-logins.txt:")
        with open(path) as handle:
            click.echo(handle.read().rstrip())
