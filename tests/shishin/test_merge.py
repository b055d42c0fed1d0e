from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.problems import InputError
from kyodo.shishin import ConflictKind, Resolution, merge, update
from kyodo.shishin.merge import SectionOrigin
from kyodo.shishin.parse import read_document
from kyodo.shishin.sentence_merge import Source, merge_pieces

from .helpers import DATA, EXAMPLES, doc

BASE = "## 目的\n\n一文目。二文目。三文目。\n\n## 手続\n\n申請する。承認を得る。\n"


def test_a_sentence_edited_on_both_sides_is_a_conflict_with_all_three_texts():
    ours = doc(BASE.replace("二文目。", "二文目(区)。"))
    theirs = doc(BASE.replace("二文目。", "二文目(都)。"), version="1.1")
    result = merge(doc(BASE), ours, theirs)
    [c] = result.conflicts
    assert (c.section_id, c.kind) == ("目的", ConflictKind.BOTH_CHANGED)
    assert (c.base, c.ours, c.theirs) == ("二文目。", "二文目(区)。", "二文目(都)。")
    assert "<<<<<<< 自治体版\n二文目(区)。\n||||||| 元の版\n二文目。\n=======\n二文目(都)。\n>>>>>>>" in (
        result.marked_text())
    with pytest.raises(ValueError):
        result.document()
    merged = result.document({0: (Resolution.THEIRS, "")})
    assert "一文目。二文目(都)。三文目。" in merged.body
    edited = result.document({0: (Resolution.EDIT, "二文目(区と都)。")})
    assert "一文目。二文目(区と都)。三文目。" in edited.body


def test_a_local_deletion_beside_an_upstream_edit_merges_cleanly():
    ours = doc(BASE.replace("一文目。", ""))
    theirs = doc(BASE.replace("二文目。", "二文目を直した。"), version="1.1")
    result = merge(doc(BASE), ours, theirs)
    assert result.clean
    assert "二文目を直した。三文目。" in result.document().body
    assert "一文目。" not in result.document().body
    assert (result.stats.from_theirs, result.stats.conflicting) == (1, 0)


def test_whitespace_changed_differently_on_both_sides_is_no_conflict():
    base = doc("## 目的\n\n一文目。\n二文目。\n")
    ours = doc("## 目的\n\n一文目。  二文目。\n")
    theirs = doc("## 目的\n\n一文目。\t二文目。\n", version="1.1")
    result = merge(base, ours, theirs)
    assert result.clean and "一文目。\t二文目。" in result.document().body


def test_a_new_upstream_section_appears_where_upstream_put_it():
    theirs = doc(BASE.replace("## 手続", "## 新しい節\n\n新しい文。\n\n## 手続"), version="1.1")
    result = merge(doc(BASE), doc(BASE), theirs)
    assert [s.id for s in result.sections] == ["目的", "新しい節", "手続"]
    assert result.sections[1].origin == SectionOrigin.NEW_UPSTREAM
    assert result.document().body == theirs.body


def test_a_local_annex_stays_after_the_section_it_followed():
    annex = "## 別紙 区の一覧\n\n区だけの文。\n"
    ours = doc(BASE.replace("## 手続", annex + "\n## 手続"))
    theirs = doc(BASE.replace("承認を得る。", "所属長の承認を得る。"), version="1.1")
    result = merge(doc(BASE), ours, theirs)
    assert [s.id for s in result.sections] == ["目的", "別紙 区の一覧", "手続"]
    assert result.sections[1].origin == SectionOrigin.LOCAL
    assert "区だけの文。" in result.document().body and "所属長の承認を得る。" in result.document().body


def test_a_section_deleted_here_and_changed_upstream_is_a_conflict():
    ours = doc(BASE.split("## 手続")[0])
    theirs = doc(BASE.replace("申請する。", "電子で申請する。"), version="1.1")
    result = merge(doc(BASE), ours, theirs)
    [c] = result.conflicts
    assert c.kind == ConflictKind.DELETED_HERE and c.ours == "" and "電子で申請する。" in c.theirs


def test_a_section_deleted_upstream_and_unchanged_here_goes():
    theirs = doc(BASE.split("## 手続")[0], version="1.1")
    result = merge(doc(BASE), doc(BASE), theirs)
    assert result.clean and [s.id for s in result.sections] == ["目的"]


def test_the_edition_must_come_from_the_base_it_is_merged_with():
    ours = doc(BASE, publisher="江東区", extra='based_on: "1.1"\n')
    with pytest.raises(InputError, match=re.escape("第1.1版から作られています")):
        update(doc(BASE), ours, doc(BASE, version="1.2"))


def test_variables_are_applied_to_both_upstream_texts_before_merging():
    upstream = "## 問合せ\n\n{{担当部署}}まで。詳しくは{{自治体名}}のサイトへ。\n"
    ours = doc(upstream.replace("{{担当部署}}", "情報課").replace("{{自治体名}}", "江東区"), publisher="江東区",
               extra='based_on: "1.0"\nvariables:\n  担当部署: 情報課\n  自治体名: 江東区\n')
    theirs = doc(upstream.replace("詳しくは", "詳しくは、"), version="1.1")
    result = update(doc(upstream), ours, theirs)
    assert result.clean
    assert "情報課まで。詳しくは、江東区のサイトへ。" in result.document().body


def test_an_upstream_variable_without_a_value_names_file_and_line():
    ours = doc("## 問合せ\n\n情報課まで。\n", publisher="江東区", extra='based_on: "1.0"\n')
    with pytest.raises(InputError) as caught:
        update(doc("## 問合せ\n\n{{担当部署}}まで。\n"), ours, doc("## 問合せ\n\n{{担当部署}}まで。\n", version="1.1"))
    assert "元の版 9行目: 変数「担当部署」の値がありません" in str(caught.value)


def test_the_demo_update_merges_with_one_conflict():
    base, theirs = read_document(DATA / "ai-guideline-1.0.md"), read_document(DATA / "ai-guideline-1.1.md")
    ours = read_document(EXAMPLES / "koto-ai-edition.md")
    result = update(base, ours, theirs)
    assert [c.section_id for c in result.conflicts] == ["outputs"]
    assert result.stats.from_theirs == 8 and result.stats.from_ours == 6
    merged = result.document({0: (Resolution.OURS, "")})
    body = merged.body
    for kept in ("会計年度任用職員も対象者に含みます。", "「生成AI利用申請書」", "別紙 江東区で利用できる生成AIサービス",
                 "係長の確認を受けます。", "個人番号(マイナンバー)", "## 7. 画像・音声の生成", "## 8. 利用の手続"):
        assert kept in body
    assert "{{" not in body and merged.meta.based_on == "1.1"


# --- properties on random sentence-sequence edits
SENTENCES = [f"文{i}。" for i in range(12)]
NEW = st.integers(100, 999).map(lambda i: f"新{i}。")


@st.composite
def edited(draw, base: list[str]) -> list[str]:
    out = list(base)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        at = draw(st.integers(0, len(out)))
        if kind == "insert":
            out.insert(at, draw(NEW))
        elif out and at < len(out):
            if kind == "delete":
                del out[at]
            else:
                out[at] = draw(NEW)
    return out


@st.composite
def three_sides(draw):
    base = draw(st.lists(st.sampled_from(SENTENCES), unique=True, max_size=8))
    return base, draw(edited(base)), draw(edited(base))


def _merged(regions):
    return [p for r in regions if r.source != Source.CONFLICT for p in r.pieces]


@settings(max_examples=150, deadline=None)
@given(three_sides())
def test_nothing_either_side_kept_or_added_is_lost(sides):
    base, ours, theirs = sides
    regions = merge_pieces(base, ours, theirs)
    shown = set(_merged(regions)) | {p for r in regions for p in (*r.ours, *r.theirs)}
    kept_by_both = set(base) & set(ours) & set(theirs)
    added = (set(ours) - set(base)) | (set(theirs) - set(base))
    assert kept_by_both | added <= shown


@settings(max_examples=100, deadline=None)
@given(three_sides())
def test_when_only_one_side_changed_the_merge_is_that_side(sides):
    base, ours, _ = sides
    assert _merged(merge_pieces(base, ours, base)) == ours
    assert _merged(merge_pieces(base, base, ours)) == ours


@settings(max_examples=100, deadline=None)
@given(three_sides())
def test_merging_identical_sides_is_the_identity(sides):
    base, ours, _ = sides
    regions = merge_pieces(base, ours, ours)
    assert all(r.source != Source.CONFLICT for r in regions) and _merged(regions) == ours


@settings(max_examples=100, deadline=None)
@given(three_sides())
def test_a_merge_without_conflicts_applies_every_change(sides):
    base, ours, theirs = sides
    regions = merge_pieces(base, ours, theirs)
    if all(r.source != Source.CONFLICT for r in regions):
        merged = _merged(regions)
        for s in base:
            assert (s in merged) == (s in ours and s in theirs)


# --- the same at document level: sections added, removed and edited on both sides
@st.composite
def documents(draw):
    n = draw(st.integers(1, 4))
    base = {f"節{i}": [f"節{i}の文{j}。" for j in range(draw(st.integers(1, 3)))] for i in range(n)}

    def side(name: str) -> dict[str, list[str]]:
        out = {}
        for sid, sentences in base.items():
            if draw(st.booleans()) and draw(st.booleans()):
                continue  # section removed
            out[sid] = draw(edited(sentences)) if draw(st.booleans()) else list(sentences)
        if draw(st.booleans()):
            out[f"別紙 {name}"] = [f"{name}だけの文。"]
        return out

    return base, side("区"), side("都")


def _doc(sections: dict[str, list[str]], version: str = "1.0"):
    return doc("".join(f"## {sid}\n\n{''.join(s)}\n\n" for sid, s in sections.items()), version=version)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_documents_merge_without_losing_a_sentence_or_a_section(sides):
    base, ours, theirs = sides
    result = merge(_doc(base), _doc(ours), _doc(theirs, "1.1"))
    shown = result.marked_text()
    for sid, sentences in (*ours.items(), *theirs.items()):
        added = [s for s in sentences if s not in base.get(sid, [])]
        assert all(s in shown for s in added), (sid, added)
        assert f"## {sid}" in shown or sid in base  # a section either side added is there
    if theirs == base:
        assert result.clean and result.document().body == _doc(ours).body
    if ours == base:
        assert result.clean and result.document().body == _doc(theirs).body
