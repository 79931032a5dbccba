"""Reading a chip ID card's QR code: every field checked, nothing guessed."""
from datetime import date

import pytest

from portal.staff import idcard

TODAY = date(2026, 12, 2)
ADDRESS = "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"


def payload(number="079185001234", old="", name="Trần Thị Cước", born="15031985", sex="Nữ",
            address=ADDRESS, issued="10052021", extra=()):
    """A CCCD QR line as a scanner types it; by default a woman born in 1985 in Hồ Chí Minh City."""
    return "|".join([number, old, name, born, sex, address, issued, *extra])


def problem(raw):
    with pytest.raises(idcard.CardProblem) as caught:
        idcard.parse(raw, TODAY)
    return caught.value.code


def test_a_card_gives_its_number_name_birth_and_sex_and_never_the_address():
    card = idcard.parse(payload(), TODAY)
    assert (card.number, card.name, card.birth_date, card.female, card.issue_date, card.mangled) == (
        "079185001234", "Trần Thị Cước", date(1985, 3, 15), True, date(2021, 5, 10), False)
    assert ADDRESS not in repr(card) and not hasattr(card, "address")


def test_a_man_born_this_century_with_an_old_number_and_newer_fields():
    raw = payload("001204012345", "012345678", "Nguyễn Văn An", "29022004", "Nam", issued="01072022",
                  extra=("", "Ông Nguyễn Văn Bố", "Bà Lê Thị Mẹ"))
    card = idcard.parse(raw + "\r\n", TODAY)  # the scanner's Enter may come as CR LF
    assert (card.number, card.birth_date, card.female) == ("001204012345", date(2004, 2, 29), False)


def test_names_arrive_normalised_as_received():
    decomposed = "Tra\u0302\u0300n Thi\u0323 Cu\u031bo\u031b\u0301c"  # how some scanners send marks
    assert idcard.parse(payload(name=decomposed), TODAY).name == "Trần Thị Cước"


@pytest.mark.parametrize("raw", [
    "079185001234|Trần Thị Cước|15031985",  # too few fields
    payload()[: payload().rindex("|")],  # the issue date missing
    payload(name="Trần|Thị Cước"),  # a | inside the name shifts every field after it
    payload(address="12 Lê Lợi|Quận 1"),
    payload(born="15/03/1985"),
    "|",
])
def test_payloads_with_the_wrong_fields_are_refused(raw):
    assert problem(raw) == "card_fields"


@pytest.mark.parametrize("born, issued", [
    ("31021985", "10052021"),  # no 31 February
    ("15131985", "10052021"),
    ("00031985", "10052021"),
    ("15031985", "31042021"),
    ("15031985", "15031985"),  # issued on the day of birth
    ("15031985", "10051984"),  # issued before birth
    ("15031985", "03122026"),  # issued tomorrow
])
def test_dates_that_cannot_be_are_refused(born, issued):
    assert problem(payload(born=born, issued=issued)) == "card_date"


def test_a_birth_in_the_future_is_refused():
    assert problem(payload("079327001234", born="01012027", issued="01012027")) == "card_date"


@pytest.mark.parametrize("number, sex", [
    ("07918500123", "Nữ"),  # 11 digits
    ("0791850012345", "Nữ"),
    ("07918500123A", "Nữ"),
    ("０７９１８５００１２３４", "Nữ"),  # full-width digits are not a card's
    ("000185001234", "Nữ"),  # no province 000
    ("003185001234", "Nữ"),  # 003 is not a province code
    ("097185001234", "Nữ"),
    ("079085001234", "Nữ"),  # 0: a man born in the 1900s
    ("079185001234", "Nam"),  # 1: a woman
    ("079385001234", "Nữ"),  # 3: a woman born in the 2000s, not in 1985
    ("079184001234", "Nữ"),  # born in 1984 by the number, 1985 by the date
])
def test_numbers_whose_structure_contradicts_the_card_are_refused(number, sex):
    assert problem(payload(number, sex=sex)) == "card_number"


def test_an_old_number_is_nine_digits_or_nothing():
    assert idcard.parse(payload(old="025123456"), TODAY).number == "079185001234"
    assert problem(payload(old="02512345")) == "card_number"


@pytest.mark.parametrize("sex", ["", "F", "Nữa", "Male"])
def test_a_sex_other_than_nam_or_nu_is_refused(sex):
    assert problem(payload(sex=sex)) == "card_fields"


@pytest.mark.parametrize("name", ["", "   ", "A" * 101, "<b>Trần</b>", "Trần\x00Cước", "Trần 😀"])
def test_names_a_card_cannot_carry_are_refused(name):
    assert problem(payload(name=name)) == "card_name"


@pytest.mark.parametrize("name", [
    "Nguyeenx Vawn An",  # Telex: ee + x for ễ, aw for ă
    "Trafn Thij Hoa",  # Telex tone keys inside and at the end of words
    "Ddaof Thu Trang",  # dd for đ
    "Nguye64n Va8n An",  # VNI digits
    "Tra62n Thi5 Hoa",
])
def test_a_name_damaged_by_a_vietnamese_input_method_is_flagged_but_kept(name):
    card = idcard.parse(payload(name=name), TODAY)
    assert card.mangled and card.name == name


@pytest.mark.parametrize("name", [
    "Trần Thị Cước", "Nguyen Van An", "Hoàng Long", "Lê Thị Ngọc Ánh", "Phạm Minh Chính", "Đinh Quang Trung",
])
def test_good_names_are_not_flagged(name):
    assert not idcard.parse(payload(name=name), TODAY).mangled


def test_a_sex_field_damaged_by_the_input_method_is_read_and_flagged():
    for sex in ("Nuwx", "Nu74", "Nu"):
        card = idcard.parse(payload(sex=sex), TODAY)
        assert card.female and card.mangled


def test_a_long_paste_is_refused_before_its_fields_are_read():
    raw = payload() + "|" + "x" * 10240
    assert problem(raw) == "card_fields"
    assert problem(payload(extra=("x" * 1000,))) == "card_fields"  # over 1000 characters in all


@pytest.mark.parametrize("raw, card, web", [
    (payload(), True, False),
    ("https://vaora.example.vn/v/abcdefabcdefabcdefabcd", False, True),
    ("HTTP://EXAMPLE.COM", False, True),
    ("www.example.vn/khai-bao", False, True),
    ("1234 5678", False, False),
])
def test_a_card_and_a_web_address_are_told_apart(raw, card, web):
    assert (idcard.is_card_payload(raw), idcard.is_web_address(raw)) == (card, web)
