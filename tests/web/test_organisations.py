from __future__ import annotations

from collections import Counter

from kyodo.web.accounts.models import Organisation


def test_tokyo_and_the_62_municipalities_are_seeded(db):
    orgs = list(Organisation.objects.all())
    assert len(orgs) == 63
    assert Counter(o.kind for o in orgs) == {"都": 1, "区": 23, "市": 26, "町": 5, "村": 8}
    assert Organisation.objects.get(code="130001").name == "東京都"
    assert Organisation.objects.get(code="131083").name == "江東区"
    assert all(len(o.code) == 6 and o.code.isdigit() for o in orgs)


def test_codes_carry_a_valid_check_digit(db):
    # 全国地方公共団体コード: the sixth digit checks the first five (weights 6..2, modulus 11).
    for org in Organisation.objects.all():
        total = sum(int(d) * w for d, w in zip(org.code[:5], (6, 5, 4, 3, 2), strict=True))
        assert int(org.code[5]) == (11 - total % 11) % 10, org
