"""Diacritics-insensitive text keys for headers, ward names, categories and matching."""
import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text):
    """Lower-case ASCII words: 'Phường  Thủ Dầu Một' -> 'phuong thu dau mot'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return _NOT_WORD.sub(" ", text).strip()


def compact(text):
    """fold() without spaces, for header names: 'Mã số thuế' -> 'masothue'."""
    return fold(text).replace(" ", "")
