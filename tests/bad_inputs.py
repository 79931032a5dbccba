"""Bad inputs every form must answer with a clear message, saving nothing and never a 500.

Messages are (Vietnamese, English) pairs, so a test can check the page's language
(tests/html.py: assert_form_error).
"""
import unicodedata

CONTROL = ("Hãy xoá các ký tự điều khiển ẩn.", "Remove the invisible control characters.")
EMOJI = (
    "Chỉ dùng chữ, số và dấu câu, không dùng biểu tượng cảm xúc.",
    "Use letters, digits and punctuation only, without emoji.",
)
MARKUP = ("Không dùng các ký tự < và >.", "Do not use the characters < and >.")
PHONE = (
    "Nhập số điện thoại Việt Nam, ví dụ 0912 345 678.",
    "Enter a Vietnamese phone number, for example 0912 345 678.",
)
SUMMARY = ("Vui lòng sửa các mục sau", "Please correct the following")

VIETNAMESE_NAME = "Quán Phở Hương Việt Đồng Khởi"
#: The same name with its diacritics decomposed (as some keyboards and old systems send it).
DECOMPOSED_NAME = unicodedata.normalize("NFD", VIETNAMESE_NAME)
#: Half composed, half decomposed.
MIXED_NAME = VIETNAMESE_NAME[:12] + unicodedata.normalize("NFD", VIETNAMESE_NAME[12:])


def too_long(limit):
    """The message for a text over `limit` characters."""
    return (f"Dùng tối đa {limit} ký tự.", f"Use at most {limit} characters.")


def text_cases(required, limit):
    """(label, value, message) for a required one-line text field of at most `limit` characters."""
    return [
        ("empty", "", required),
        ("blank", "   ", required),
        ("too long", "Phở " * (limit // 4 + 1), too_long(limit)),
        ("html", '<b>Phở</b>', MARKUP),
        ("script", '<script>alert("x")</script>', MARKUP),
        ("nul", "Quán\x00Phở", CONTROL),
        ("bell", "Quán\x07Phở", CONTROL),
        ("escape", "Quán\x1b[31mPhở", CONTROL),
        ("newline", "Quán\nPhở", CONTROL),
        ("zero width", "Quán\u200bPhở", CONTROL),
        ("right-to-left override", "Quán \u202eởhP", CONTROL),
        ("emoji", "Quán Phở 🍜", EMOJI),
        ("emoji with selector", "Quán Phở ❤️", EMOJI),
        ("keycap", "Quán số 1\ufe0f\u20e3", EMOJI),
    ]


def phone_cases(required):
    """(label, value, message) for a required Vietnamese phone field."""
    return [
        ("empty", "", required),
        ("united states", "+1 415 555 0123", PHONE),
        ("france", "+33 1 23 45 67 89", PHONE),
        ("too short", "0912", PHONE),
        ("too long", "0912345678" * 5, PHONE),
        ("letters", "không có", PHONE),
        ("script", "<script>alert(1)</script>", PHONE),
        ("nul", "0912\x00345678", PHONE),
        ("emoji", "0912 345 678 📞", PHONE),
    ]
