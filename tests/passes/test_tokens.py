"""Pass numbers: 39 random digits and a Damm check digit; typos are caught, not looked up."""
import math

import pytest

from portal.passes import tokens


def test_a_pass_number_has_40_digits_and_at_least_128_random_bits():
    numbers = {tokens.new_token() for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert len(number) == 40 and number.isdigit() and tokens.damm(number) == 0
    assert tokens.RANDOM_DIGITS * math.log2(10) >= 128


def test_every_single_digit_error_and_neighbour_swap_is_caught():
    number = tokens.new_token()
    for i in range(len(number)):
        for digit in "0123456789":
            if digit != number[i]:
                with pytest.raises(tokens.TokenProblem) as problem:
                    tokens.parse(number[:i] + digit + number[i + 1:])
                assert problem.value.code == "mistyped"
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            with pytest.raises(tokens.TokenProblem):
                tokens.parse(swapped)


def test_the_number_is_read_as_printed_or_from_a_pass_url():
    number = tokens.new_token()
    assert tokens.parse(number) == number
    assert tokens.parse(" " + tokens.grouped(number) + "\n") == number
    assert tokens.parse(tokens.grouped(number).replace(" ", "-")) == number
    assert tokens.parse(f"https://vaora.example.vn/p/{number}") == number


@pytest.mark.parametrize(
    "value, code",
    [
        ("", "malformed"),
        ("   ", "malformed"),
        ("abc", "malformed"),
        ("1" * 39, "malformed"),
        ("1" * 41, "malformed"),
        ("١" * 40, "malformed"),  # Arabic-Indic digits are digits to Python, not to us
        ("12345678901234567890123456789012345678\x00", "malformed"),
        ("https://vaora.example.vn/v/Zx3fQ", "venue_code"),
        ("https://vaora.example.vn/c/AB12CD", "venue_code"),
    ],
)
def test_values_that_are_no_pass_number(value, code):
    with pytest.raises(tokens.TokenProblem) as problem:
        tokens.parse(value)
    assert problem.value.code == code


def test_grouped_reads_in_fours():
    assert tokens.grouped("1234567890") == "1234 5678 90"
