from collections import Counter

from kyodo.municipalities import MUNICIPALITIES, lookup


def _check_digit(five: str) -> int:
    total = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def test_there_are_23_wards_26_cities_5_towns_and_8_villages() -> None:
    assert Counter(m.kind for m in MUNICIPALITIES) == {"区": 23, "市": 26, "町": 5, "村": 8}


def test_every_code_is_a_tokyo_code_with_a_valid_check_digit() -> None:
    codes = [m.code for m in MUNICIPALITIES]
    assert len(set(codes)) == 62
    for code in codes:
        assert code.startswith("13") and len(code) == 6
        assert int(code[5]) == _check_digit(code[:5]), code


def test_lookup_accepts_names_and_codes() -> None:
    assert lookup("世田谷区") is lookup("131121") is lookup("13112") is lookup("東京都世田谷区")
    assert lookup("大阪市") is None
