"""The facility page's rows, written in one pass, escape every value and link each child."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.web.hoiku.facility_rows import placed_rows, waiting_rows


def _row(**fields):  # type: ignore[no-untyped-def]
    return {"child_id": "C/1", "name": "<script>太郎</script>", "rank": 1, "points": 12, "wish": 2,
            "decided_by": "指数", "stays": False, "waitlist": None, "choice_number": None, "status": "waitlisted",
            **fields}


def test_values_are_escaped_and_links_quote_the_child_number() -> None:
    html = str(placed_rows([_row()], "/hoiku/runs/7/children/", "/hoiku/runs/7/decisions/preview/"))
    assert "<script>" not in html and "&lt;script&gt;太郎" in html
    assert 'href="/hoiku/runs/7/children/C%2F1/"' in html and "child_id=C%2F1" in html
    assert "第2希望" in html and "辞退を記録して繰り上げ" in html


def test_a_child_staying_in_its_seat_has_no_withdrawal_link_and_the_waiting_show_their_result() -> None:
    placed = str(placed_rows([_row(stays=True, wish=None, rank=None)], "/c/", "/p/"))
    assert "在園継続" in placed and "辞退" not in placed and "希望外(職員判断)" in placed and "—" in placed
    waiting = str(waiting_rows([_row(waitlist=3), _row(choice_number=1, status="offered")], "/c/"))
    assert ">3<" in waiting and "保留" in waiting and "第1希望に内定" in waiting


def test_the_cutoff_rows_escape_names_link_each_facility_and_show_each_cell() -> None:
    from kyodo.web.hoiku.facility_rows import cutoff_rows

    facility = {"id": "F/1", "name": "<b>さくら</b>保育園", "offered": 7, "ages": [
        {"age": 0, "label": "42", "offered": 3, "places": 4},
        {"age": 1, "label": "空有", "offered": 2, "vacancies": 5},  # stored before `places`: 募集 only
        {"age": 2, "label": "", "offered": 0, "places": 0},
    ]}
    html = str(cutoff_rows([facility], "/hoiku/runs/7/facilities/"))
    assert "<b>" not in html and "&lt;b&gt;さくら&lt;/b&gt;保育園" in html
    assert 'href="/hoiku/runs/7/facilities/F%2F1/"' in html
    assert '42<span class="muted">/3/4</span>' in html and '空有<span class="muted">/2/5</span>' in html
    assert html.count('<span class="muted">·</span>') == 1 and html.endswith('<td class="num">7</td></tr>')


def test_the_not_admitted_rows_escape_names_link_each_child_and_list_each_choice_with_its_rank() -> None:
    from types import SimpleNamespace

    from kyodo.web.hoiku.facility_rows import waitlist_rows

    row = SimpleNamespace(child_id="C/2", name="<i>花子</i>", age_class=1, points=38, choices=[
        {"name": "さくら<保育園>", "waitlist": 3}, {"name": "ひまわり", "waitlist": None}])
    html = str(waitlist_rows([row], "/hoiku/runs/7/children/"))
    assert "<i>" not in html and "&lt;i&gt;花子" in html and 'href="/hoiku/runs/7/children/C%2F2/"' in html
    assert "<td>1歳</td>" in html and '<td class="num">38</td>' in html
    assert "1. さくら&lt;保育園&gt;(3位)、2. ひまわり(—位)" in html


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.text().map(mark_safe)))
def test_the_rows_escape_exactly_as_django_does(value) -> None:  # type: ignore[no-untyped-def]
    from django.utils.html import escape as django_escape

    from kyodo.web.hoiku.facility_rows import escape

    assert escape(value) == str(django_escape(value))
