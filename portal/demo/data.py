"""What `flask demo load` creates: accounts, venues, a checkpoint and visitors, in former Bình Dương.

Since July 2025 the former Bình Dương province is part of Thành phố Hồ Chí Minh (province 79):
its wards are picked by name from the loaded divisions (portal/demo/loader.py), never by a
hard-coded code, so a new release of the divisions list cannot point the demo elsewhere.
"""

#: (role, full name, phone as people type it). The README's demo section lists them.
ACCOUNTS = (
    ("province_admin", "Quản trị Sở TT&TT", "0901000001"),
    ("ward_official", "Cán bộ phường", "0901000002"),
    ("owner", "Nguyễn Thị Hoa", "0901000003"),
    ("owner", "Trần Văn Minh", "0901000004"),
    ("tracer", "Bác sĩ Trạm Y tế", "0901000005"),
    ("staff", "Lê Văn Tâm", "0901000006"),
    ("checkpoint", "Phạm Quốc Bảo", "0901000007"),
    ("inspector", "Thanh tra Sở Công Thương", "0901000008"),
    ("ward_health", "Trạm Y tế phường Thủ Dầu Một", "0901000009"),
    ("province_health", "Sở Y tế", "0901000010"),
)
ADMIN_PHONE = "0901000001"

#: Wards of the former Bình Dương province, by name; the ward official covers all four.
WARDS = {
    "tdm": "Phường Thủ Dầu Một",
    "phu_loi": "Phường Phú Lợi",
    "di_an": "Phường Dĩ An",
    "thuan_an": "Phường Thuận An",
}
OFFICIAL_WARDS = {"0901000002": ("tdm", "phu_loi", "di_an", "thuan_an"), "0901000009": ("tdm", "phu_loi")}
#: Populations of the demo wards, so the zone page can suggest levels: round illustrative figures,
#: not official statistics (a real deployment imports the statistics office's file).
POPULATIONS = {"tdm": 120_000, "phu_loi": 90_000, "di_an": 150_000, "thuan_an": 160_000}
#: The inspector's scope: (department, kinds of venue, wards), as a province administrator sets it.
INSPECTOR_SCOPES = {"0901000008": ("trade", ("market", "supermarket", "shop"), ("tdm", "phu_loi"))}

#: Venues by the phone of the account that registers them: (name, kind, registration number,
#: address, ward). The province admin registers the traffic checkpoint, as on /staff/checkpoints.
VENUES = {
    "0901000003": (
        ("Tạp hoá Cô Hoa", "shop", None, "12 Đường Nguyễn Trãi", "tdm"),
        ("Quán cà phê Sương Sớm", "restaurant", "3700123456", "45 Đại lộ Bình Dương", "phu_loi"),
    ),
    "0901000004": (
        ("Công ty TNHH May Mặc Minh Phát", "factory", "3700654321", "Lô B2 KCN Sóng Thần", "di_an"),
        ("Chợ Thủ Dầu Một - Cổng chính", "market", None, "1 Đường Bạch Đằng", "tdm"),
        ("Nhà trọ Hạnh Phúc", "boarding_house", None, "88/3 Đường Cách Mạng Tháng Tám", "thuan_an"),
    ),
    ADMIN_PHONE: (
        ("Chốt kiểm soát Quốc lộ 13 - Thuận An", "checkpoint", None, "Quốc lộ 13, ngã tư Bình Hòa",
         "thuan_an"),
    ),
}

#: Staff and checkpoint officers: phone → (phone of the venue's registrant, venue name).
ASSIGNMENTS = {
    "0901000006": ("0901000004", "Chợ Thủ Dầu Một - Cổng chính"),
    "0901000007": (ADMIN_PHONE, "Chốt kiểm soát Quốc lộ 13 - Thuận An"),
}

#: Lanes of the demo checkpoint: (registrant's phone, venue name) → ((lane name, direction), …).
LANES = {
    (ADMIN_PHONE, "Chốt kiểm soát Quốc lộ 13 - Thuận An"): (
        ("Làn 1 - vào Thuận An", "in"),
        ("Làn 2 - ra Quốc lộ 13", "out"),
    ),
}

#: Demo visitors (name, phone, year of birth); their visits are spread over the last days.
VISITORS = (
    ("Nguyễn Văn An", "0912000101", 1985),
    ("Trần Thị Bích", "0912000102", 1992),
    ("Lê Hoàng Cường", "0912000103", 1978),
    ("Phạm Thị Dung", "0912000104", 2001),
    ("Võ Minh Đức", "0912000105", 1969),
    ("Huỳnh Thị Giang", "0912000106", 1995),
    ("Đặng Văn Hải", "0912000107", 1988),
    ("Bùi Thị Kim", "0912000108", 1974),
)
VISIT_DAYS = 7
