"""The same problem on many rows is shown once with its count and first rows (kyodo.problems.summarise)."""

from __future__ import annotations

from kyodo.problems import Problem, ProblemGroup, summarise


def test_the_same_message_on_many_rows_is_one_group_with_its_rows():
    problems = [Problem("年齢クラスが空です", "c.csv", row, "年齢クラス") for row in range(2, 217)]
    [group] = summarise(problems)
    assert group.count == 215 and group.rows[:3] == (2, 3, 4)
    assert str(group) == "c.csv 「年齢クラス」列: 年齢クラスが空です(215行: 2, 3, 4, 5, 6行目 ほか)"


def test_different_messages_columns_or_files_stay_apart_in_first_seen_order():
    problems = [
        Problem("b", "x.csv", 3, "列1"),
        Problem("a", "x.csv", 2, "列1"),
        Problem("b", "x.csv", 5, "列2"),
        Problem("b", "y.csv", 4, "列1"),
        Problem("b", "x.csv", 9, "列1"),
    ]
    groups = summarise(problems)
    assert [(g.message, g.file, g.column, g.rows) for g in groups] == [
        ("b", "x.csv", "列1", (3, 9)), ("a", "x.csv", "列1", (2,)), ("b", "x.csv", "列2", (5,)),
        ("b", "y.csv", "列1", (4,)),
    ]


def test_a_problem_without_a_row_keeps_no_row_text():
    [group] = summarise([Problem("年度が範囲外です")])
    assert (group.rows_text, str(group), group.count) == ("", "年度が範囲外です", 1)
    assert ProblemGroup("m", rows=(7,)).rows_text == "7行目"
