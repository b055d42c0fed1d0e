"""The facility page's rows, written in one pass, escape every value and link each child."""

from __future__ import annotations

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
