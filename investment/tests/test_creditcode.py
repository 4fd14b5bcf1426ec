"""The unified social credit code's check character (GB 32100-2015)."""

import pytest

from investment.creditcode import check_character, normalise, problem

# The sample code printed in GB 32100-2015.
STANDARD_SAMPLE = "91350100M000100Y43"


def test_the_standards_sample_is_valid():
    assert check_character(STANDARD_SAMPLE[:17]) == "3"
    assert problem(STANDARD_SAMPLE) is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位错误（最后一位应为 3）"),
        ("91350100M000100Y4", "应为 18 位"),
        ("91350100M000100Y433", "应为 18 位"),
        ("91350100MO00100Y43", "不允许的字符：O"),
        ("9135010OI000100Y43", "不允许的字符：I、O"),
    ],
)
def test_a_wrong_code_says_what_is_wrong(code, message):
    assert message in problem(code)


def test_full_width_lower_case_and_spaces_are_tidied_first():
    assert normalise(" ９１３５０１００ｍ０００１００ｙ４３ ") == STANDARD_SAMPLE


def test_a_remainder_of_31_gives_the_check_character_0():
    # Search a body whose weighted sum is a multiple of 31: its check character is "0".
    for n in range(1000):
        body = f"9151010000000{n:04d}"
        if check_character(body) == "0":
            assert problem(body + "0") is None
            break
    else:
        pytest.fail("no body with remainder 31 found")
