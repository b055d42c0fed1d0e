from __future__ import annotations

from kyodo.shishin import edition
from kyodo.shishin.attribution import attribution
from kyodo.shishin.edits import EditKind, SectionStatus, diff, hotspots, local_edits
from kyodo.shishin.model import Licence
from kyodo.shishin.parse import read_document

from .helpers import DATA, EXAMPLES, doc

UPSTREAM = "## 問合せ\n\n{{担当部署}}まで。受付は平日です。\n"


def test_the_diff_between_versions_is_per_section_and_sentence():
    old, new = read_document(DATA / "ai-guideline-1.0.md"), read_document(DATA / "ai-guideline-1.1.md")
    statuses = {d.id: d.status for d in diff(old, new)}
    assert statuses["purpose"] == SectionStatus.CHANGED and statuses["media"] == SectionStatus.ADDED
    assert statuses["scope"] == SectionStatus.UNCHANGED
    purpose = next(d for d in diff(old, new) if d.id == "purpose")
    assert purpose.changed_sentences == 1
    assert [op.kind for op in purpose.ops].count("replace") == 1


def test_local_edits_are_keyed_by_the_upstream_sentence_as_written():
    upstream = doc(UPSTREAM)
    mine = edition.start(upstream, {"担当部署": "情報課"}, "江東区")
    mine = edition.replace_body(mine, "問合せ", "情報課まで。受付は平日の9時から17時です。")
    [edit] = local_edits(upstream, mine)
    assert (edit.kind, edit.before, edit.after) == (EditKind.REPLACED, "受付は平日です。", "受付は平日の9時から17時です。")


def test_hotspots_count_editions_that_changed_the_same_sentence():
    upstream = doc(UPSTREAM)
    koto = edition.replace_body(edition.start(upstream, {"担当部署": "情報課"}, "江東区"), "問合せ", "情報課まで。")
    ota = edition.replace_body(edition.start(upstream, {"担当部署": "DX課"}, "大田区"), "問合せ",
                               "DX課の窓口まで。受付は平日です。")
    spots = hotspots([(upstream, koto), (upstream, ota)])
    assert {(s.sentence, s.editions) for s in spots} == {("受付は平日です。", 1), ("{{担当部署}}まで。", 1)}
    same = edition.replace_body(edition.start(upstream, {"担当部署": "DX課"}, "港区"), "問合せ", "DX課まで。")
    assert hotspots([(upstream, koto), (upstream, same)])[0].editions == 2


def test_the_attribution_names_source_licence_and_changes():
    upstream = read_document(DATA / "ai-guideline-1.0.md")
    mine = read_document(EXAMPLES / "koto-ai-edition.md")
    text = edition.attribution_for(upstream, mine)
    assert text.startswith("本書は、東京都『生成AI利用ガイドライン(モデル)』第1.0版、2026年4月1日(CC BY 4.0、")
    assert "を江東区が加工して作成したものです。" in text
    assert "自治体名・担当部署を記入" in text and "別紙を追加(別紙 江東区で利用できる生成AIサービス)" in text


def test_each_licence_has_its_own_attribution():
    from dataclasses import replace

    meta = read_document(DATA / "ai-guideline-1.0.md").meta
    assert "公共データ利用規約(第1.0版)" in attribution(replace(meta, licence=Licence.PDL_1), editor="江東区")
    assert "加工した部分の責任は江東区にあります" in attribution(replace(meta, licence=Licence.PDL_1), editor="江東区")
    assert "(CC0 1.0)をもとに江東区が作成" in attribution(replace(meta, licence=Licence.CC0), editor="江東区")
    assert attribution(meta).endswith("の下で提供されています。")


def test_an_annex_is_added_and_section_bodies_keep_their_heading():
    mine = edition.start(doc(UPSTREAM), {"担当部署": "情報課"}, "江東区")
    mine = edition.add_annex(mine, "窓口の一覧", "本庁舎2階。")
    assert mine.sections[-1].id == "別紙 窓口の一覧" and mine.sections[-1].annex
    assert edition.section_body(mine.sections[-1]) == "\n本庁舎2階。\n"


def test_saving_a_section_unchanged_changes_nothing_not_even_whitespace():
    upstream = read_document(DATA / "ai-guideline-1.0.md")
    mine = edition.start(upstream, {"自治体名": "江東区", "担当部署": "情報課"}, "江東区")
    for section in mine.sections:
        shown = edition.section_body(section).strip("\n")  # what the section editor shows
        assert edition.replace_body(mine, section.id, shown).body == mine.body
