"""The daily check word: a short Vietnamese word per venue and local day.

Staff compare the word on a visitor's confirmation with the one on their own venue page, so an
old screenshot (yesterday's word) or a confirmation from another venue stands out.
"""
import hashlib
import hmac

# Short, everyday, neutral words: fruit, food, nature, household things, gentle animals.
WORDS = (
    "mây", "sông", "núi", "biển", "hoa", "lá", "cây", "lúa", "trà", "sen",
    "mai", "đào", "cúc", "lan", "tre", "trúc", "chim", "cá", "gió", "mưa",
    "nắng", "trăng", "sao", "đèn", "sách", "bút", "vở", "bàn", "ghế", "cửa",
    "thuyền", "cầu", "bánh", "kẹo", "xôi", "chè", "phở", "bún", "cơm", "muối",
    "chanh", "cam", "bưởi", "xoài", "mít", "dừa", "ổi", "táo", "lê", "mận",
    "nho", "dưa", "bí", "ngô", "khoai", "đậu", "gừng", "tỏi", "hành", "ớt",
    "tiêu", "quế", "nón", "áo", "khăn", "giày", "dép", "túi", "rổ", "nồi",
    "chén", "bát", "đũa", "thìa", "ấm", "gối", "chăn", "trống", "chiêng", "sáo",
    "đàn", "kèn", "diều", "bóng", "vườn", "ao", "hồ", "suối", "thác", "đồi",
    "rừng", "đảo", "cát", "đá", "sỏi", "ngọc", "mèo", "thỏ", "nai", "voi",
    "gà", "vịt", "ngựa", "én", "sẻ", "hạc", "công", "cò", "ong", "bướm",
    "ốc", "tôm", "cua", "sò", "rau", "nấm", "sữa", "mật", "lửa", "nước",
    "đất", "trời", "mầm", "hạt", "cành", "hương", "gạo", "me",
)


def check_word(secret_key, venue_id, local_day):
    """The word for a venue on a local calendar day, chosen by HMAC(SECRET_KEY, venue id + date)."""
    message = f"check-word|{venue_id}|{local_day.isoformat()}".encode("ascii")
    digest = hmac.new(str(secret_key).encode("utf-8"), message, hashlib.sha256).digest()
    return WORDS[int.from_bytes(digest[:8], "big") % len(WORDS)]
