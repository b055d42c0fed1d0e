"""The preview's comparison (`kyodo.web.hoiku.preview`): gains, displaced, and siblings kept together or split."""

from __future__ import annotations

from kyodo.web.hoiku.preview import Placement, compare


def p(cid: str, facility: str | None, choice: int | None, household: str | None = None, **kw) -> Placement:  # type: ignore[no-untyped-def]
    return Placement(cid, f"児童{cid}", household or f"H{cid}", 1, facility, choice, 3, **kw)


def test_a_child_worse_off_is_displaced_a_child_better_off_gains_and_the_target_is_apart() -> None:
    before = {"t": p("t", None, None), "a": p("a", "A", 1), "b": p("b", "B", 2), "c": p("c", None, None)}
    after = {"t": p("t", "A", None), "a": p("a", "B", 2), "b": p("b", None, None), "c": p("c", "C", 3)}
    preview = compare(before, after, "t")
    assert [m.child_id for m in preview.displaced] == ["a", "b"]
    assert [m.child_id for m in preview.gains] == ["c"]
    assert (preview.target.before, preview.target.after) == (before["t"], after["t"])


def test_twins_split_by_a_fix_are_reported_and_twins_brought_together_too() -> None:
    before = {"x": p("x", "A", 1, "H1"), "y": p("y", "A", 1, "H1"), "u": p("u", "B", 1, "H2"),
              "v": p("v", "C", 1, "H2")}
    after = {"x": p("x", "A", 1, "H1"), "y": p("y", "B", 2, "H1"), "u": p("u", "B", 1, "H2"),
             "v": p("v", "B", 2, "H2")}
    families = {f.household_id: f for f in compare(before, after, "v").families}
    assert families["H1"].split and not families["H1"].joined
    assert families["H2"].joined and not families["H2"].split


def test_a_withdrawn_child_has_no_place_after_and_a_stay_ranks_below_every_choice() -> None:
    before = {"w": p("w", "A", 1), "s": p("s", "S", None, stays=True)}
    after = {"s": p("s", "A", 3)}
    preview = compare(before, after, "w")
    assert preview.target.after is None
    assert [m.child_id for m in preview.gains] == ["s"] and preview.displaced == ()
