"""Every cleaning rule by its own examples, content-word safety, and the rule file's checks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.gijiroku.cleaning import clean_text, content_words, default_rules, load_rules
from kyodo.gijiroku.errors import RuleFileError
from kyodo.gijiroku.synthetic import SHORT_SCRIPT, meeting_script

RULES = default_rules()
EXAMPLES = [(rule.id, before, after) for rule in RULES.rules for before, after in rule.examples]


def test_every_rule_has_examples() -> None:
    assert all(rule.examples for rule in RULES.rules), [r.id for r in RULES.rules if not r.examples]


@pytest.mark.parametrize(("rule_id", "before", "after"), EXAMPLES, ids=[f"{r}:{b}" for r, b, _ in EXAMPLES])
def test_each_rule_alone_turns_its_example_into_the_expected_text(
    rule_id: str, before: str, after: str
) -> None:
    assert clean_text(before, only=[rule_id]).text == after


@pytest.mark.parametrize(("rule_id", "before", "after"), EXAMPLES, ids=[f"{r}:{b}" for r, b, _ in EXAMPLES])
def test_the_whole_rule_set_agrees_with_each_example(rule_id: str, before: str, after: str) -> None:
    result = clean_text(before)
    assert result.text == after
    if before != after:
        assert rule_id in result.applied


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "あの件については承認します。",
            "あの件については承認します。",
        ),  # あの before a noun is not a filler
        ("その件は重要です。", "その件は重要です。"),
        ("まあまあの結果です。", "まあまあの結果です。"),
        ("今日は帰れます。", "今日は帰れます。"),  # 五段 potential, not ら抜き
        ("そうですね。", ""),
        ("はい、承認します。", "承認します。"),
        ("見ることができます。", "見ることができます。"),
    ],
)
def test_it_leaves_words_that_only_look_like_fillers(before: str, after: str) -> None:
    assert clean_text(before).text == after


def test_it_cleans_a_realistic_sentence_in_one_pass() -> None:
    text = "えー、あのー、事務局からですね、やっぱりいろんな資料を見れるようにしたいんですけど。"
    assert clean_text(text).text == "事務局から、やはりいろいろな資料を見られるようにしたいんですけれども。"


def test_cleaning_the_scripts_gives_the_hand_written_minutes_wording() -> None:
    lines = {line.spoken: line.clean for line in (*SHORT_SCRIPT, *meeting_script(9))}
    wrong = {
        spoken: clean_text(spoken).text for spoken, clean in lines.items() if clean_text(spoken).text != clean
    }
    assert not wrong


def _lost(before: str, after: str) -> Counter[str]:
    return Counter(set(content_words(before))) - Counter(set(content_words(after)))


@pytest.mark.parametrize("line", [*SHORT_SCRIPT, *meeting_script(9)], ids=lambda line: line.spoken[:12])
def test_no_content_word_is_lost_on_the_scripts(line: object) -> None:
    spoken = line.spoken  # type: ignore[attr-defined]
    assert not _lost(spoken, clean_text(spoken).text)


FILLERS = ["えー、", "あのー、", "その、", "まあ、", "えっと、", "うーん、", "ええ、", "あの、"]
CLAUSES = [
    "事務局から予算の説明があります。",
    "委員会は原案を承認しました。",
    "防災課が来月末までに報告します。",
    "やっぱりいろんな意見を見れるようにします。",
    "費用は既存の予算で対応できますけど、課題もあります。",
    "私は、私としては賛成です。",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(FILLERS), max_size=2), st.sampled_from(CLAUSES)),
        min_size=1,
        max_size=4,
    )
)
def test_no_content_word_is_lost_whatever_fillers_surround_it(parts: list[tuple[list[str], str]]) -> None:
    text = "".join("".join(fillers) + clause for fillers, clause in parts)
    cleaned = clean_text(text).text
    assert not _lost(text, cleaned)
    assert not any(f.rstrip("、") + "、" in cleaned for f in ("えー", "あのー", "えっと", "うーん"))


def test_it_refuses_a_rule_that_would_delete_nouns(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: bad\n    kind: remove\n    match: [{pos: [名詞]}]\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="内容語"):
        load_rules(path)


def test_it_refuses_an_unknown_kind_in_japanese(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: odd\n    kind: delete\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="kind は"):
        load_rules(path)


def test_a_staff_added_rule_takes_effect(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n  - id: tokoro\n    kind: replace\n    match: [{surface: [とこ], pos: [名詞]}]\n    replace: ところ\n",
        encoding="utf-8",
    )
    assert clean_text("今のとこ順調です。", load_rules(path)).text == "今のところ順調です。"
