"""Publish → customise → new version → merge with a conflict → resolve, through the views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.shishin import edition
from kyodo.web.audit.models import AuditEntry
from kyodo.web.shishin import services
from kyodo.web.shishin.models import (
    ChangeProposal,
    Edition,
    GuidelineRequest,
    GuidelineVersion,
    VersionStatus,
)

from .world import KOTO_LOCAL, make_edition

pytestmark = pytest.mark.django_db

CONFLICTING = "公開する文書に使うときは、内容を確認した職員が責任を持って修正し、係長の確認を受けます。"


def _publish_draft(client, draft: GuidelineVersion) -> None:
    assert client.post(reverse("shishin:version_publish", args=[draft.pk])).status_code == 302


def _edit_outputs_section(client, ed: Edition) -> None:
    doc = services.edition_doc(ed.current())
    index = [s.id for s in doc.sections].index("outputs")
    body = ("生成物をそのまま公開してはなりません。" + CONFLICTING
            + "生成物に差別的な表現や偏った見方が含まれていないか、複数の職員で確かめます。")
    response = client.post(reverse("shishin:section_edit", args=[ed.pk, index]), {"body": body})
    assert response.status_code == 302


def test_tokyo_writes_a_guideline_and_a_bad_text_is_refused_in_japanese(tokiko_client):
    bad = "---\ntitle: 指針\npublisher: 東京都\nversion: 第一版\nlicence: MIT\n---\n本文。\n"
    response = tokiko_client.post(reverse("shishin:guideline_create"), {"text": bad})
    body = response.content.decode()
    assert response.status_code == 200 and "版「第一版」は 1.0 や 1.1 のように書いてください" in body
    assert "ライセンス「MIT」は扱えません" in body
    good = bad.replace("第一版", '"1.0"').replace("MIT", "CC-BY-4.0")
    response = tokiko_client.post(reverse("shishin:guideline_create"), {"text": good})
    version = GuidelineVersion.objects.for_org(response.wsgi_request.user.organisation_id).get()
    assert response.status_code == 302 and version.status == VersionStatus.DRAFT


def test_a_municipality_never_sees_a_draft(demo, bob_client):
    g, _, draft = demo
    assert bob_client.get(reverse("shishin:version_detail", args=[draft.pk])).status_code == 404
    page = bob_client.get(reverse("shishin:guideline_detail", args=[g.pk])).content.decode()
    assert "第1.0版" in page and "第1.1版" not in page
    assert bob_client.post(reverse("shishin:version_publish", args=[draft.pk])).status_code == 403


def test_an_edition_is_made_edited_updated_and_every_version_kept(demo, bob, bob_client, tokiko_client):
    g, _, draft = demo
    response = bob_client.post(reverse("shishin:edition_create", args=[g.pk]),
                               {"v0": "江東区", "v1": "政策経営部 情報システム課"})
    ed = Edition.objects.for_user(bob).get()
    assert response.status_code == 302
    page = bob_client.get(reverse("shishin:edition_detail", args=[ed.pk])).content.decode()
    assert "江東区の職員が" in page and "を江東区が加工して作成したものです" in page and "更新があります" not in page
    _edit_outputs_section(bob_client, ed)
    bob_client.post(reverse("shishin:annex_add", args=[ed.pk]), {"title": "区の窓口", "body": "本庁舎3階です。"})

    _publish_draft(tokiko_client, draft)
    page = bob_client.get(reverse("shishin:edition_detail", args=[ed.pk])).content.decode()
    assert "更新があります" in page and "競合 1 件" in page
    preview = bob_client.get(reverse("shishin:edition_update", args=[ed.pk])).content.decode()
    assert CONFLICTING in preview and "根拠となる資料と照らし合わせて修正します" in preview

    response = bob_client.post(reverse("shishin:edition_update", args=[ed.pk]),
                               {"choice_0": "edit", "text_0": "公開する前に、根拠の資料と照らし、係長の確認を受けます。"})
    assert response.status_code == 302
    current = ed.current()
    assert (current.number, current.upstream.version) == (4, "1.1")
    text = current.text
    assert "公開する前に、根拠の資料と照らし、係長の確認を受けます。" in text and "## 別紙 区の窓口" in text
    assert "個人番号(マイナンバー)" in text and "{{" not in text
    notes = [v.note for v in ed.versions.order_by("number")]
    assert notes == ["第1.0版から作成", "節「5. 生成物の取扱い」を編集", "別紙 区の窓口を追加",
                     "東京都の第1.1版を取り込み(競合 1 件を解決)"]
    assert all(v.created_by_id == bob.pk for v in ed.versions.all())
    history = bob_client.get(reverse("shishin:edition_version", args=[ed.pk, 4])).content.decode()
    assert '<span class="shishin-ins">- 個人番号(マイナンバー)と、それを含む情報</span>' in history
    first = bob_client.get(reverse("shishin:edition_version", args=[ed.pk, 1])).content.decode()
    assert "個人番号" not in first and "区の窓口" not in first
    assert "更新があります" not in bob_client.get(reverse("shishin:edition_detail", args=[ed.pk])).content.decode()
    actions = set(AuditEntry.objects.for_org(bob.organisation_id).values_list("action", flat=True))
    assert {"shishin_edition_create", "shishin_edition_edit", "shishin_edition_update"} <= actions


def test_a_resolution_must_be_chosen_for_every_conflict(demo, bob, bob_client, tokiko_client):
    g, _, draft = demo
    ed = services.create_edition(g, bob, {"自治体名": "江東区", "担当部署": "情報課"})
    _edit_outputs_section(bob_client, ed)
    _publish_draft(tokiko_client, draft)
    response = bob_client.post(reverse("shishin:edition_update", args=[ed.pk]), {})
    assert response.status_code == 200 and "競合1: どれを採るか選んでください" in response.content.decode()
    assert ed.current().upstream.version == "1.0"


def test_downloads_are_documents_with_the_attribution(demo, bob, bob_client):
    g, _, _ = demo
    ed = make_edition(bob, g)
    for fmt, kind in (("html", "text/html"), ("docx", "wordprocessingml"), ("pdf", "application/pdf")):
        response = bob_client.get(reverse("shishin:edition_download", args=[ed.pk, fmt]))
        assert response.status_code == 200 and kind in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]
    html = bob_client.get(reverse("shishin:edition_download", args=[ed.pk, "html"])).content.decode()
    assert KOTO_LOCAL in html and "を江東区が加工して作成したものです" in html
    assert bob_client.get(reverse("shishin:edition_download", args=[ed.pk, "rtf"])).status_code == 404


def test_changing_a_variable_keeps_the_local_edits(demo, bob, bob_client):
    g, _, _ = demo
    ed = make_edition(bob, g)
    response = bob_client.post(reverse("shishin:edition_variables", args=[ed.pk]),
                               {"v0": "江東区", "v1": "デジタル推進課"})
    assert response.status_code == 302
    text = ed.current().text
    assert "デジタル推進課まで。" in text and KOTO_LOCAL in text and "政策経営部 情報システム課まで" not in text


def test_another_municipality_gets_nothing_of_an_edition(demo, bob, charlie, charlie_client):
    g, _, _ = demo
    ed = make_edition(bob, g)
    assert list(Edition.objects.for_user(charlie)) == []
    for name, args in (("edition_detail", [ed.pk]), ("edition_update", [ed.pk]), ("section_edit", [ed.pk, 0]),
                       ("edition_download", [ed.pk, "pdf"]), ("edition_version", [ed.pk, 1])):
        assert charlie_client.get(reverse(f"shishin:{name}", args=args)).status_code == 404
    response = charlie_client.post(reverse("shishin:section_edit", args=[ed.pk, 0]), {"body": "乗っ取り。"})
    assert response.status_code == 404 and "乗っ取り" not in ed.current().text
    home = charlie_client.get(reverse("shishin:home")).content.decode()
    assert KOTO_LOCAL not in home and str(ed.pk) not in home.split("editions")[-1][:50]


def test_a_proposal_is_accepted_into_the_next_draft(demo, bob, bob_client, tokiko_client, charlie_client):
    g, _, draft = demo
    response = bob_client.post(reverse("shishin:proposal_create", args=[g.pk]), {
        "section": "contact", "proposed_text": "このガイドラインについての問合せは、{{担当部署}}(電話・メール)まで。",
        "reason": "連絡手段を明記したい"})
    p = ChangeProposal.objects.for_user(bob).get()
    assert response.status_code == 302
    assert charlie_client.get(reverse("shishin:proposal_detail", args=[p.pk])).status_code == 404
    listing = tokiko_client.get(reverse("shishin:proposal_list")).content.decode()
    assert "江東区" in listing
    tokiko_client.post(reverse("shishin:proposal_answer", args=[p.pk]), {"decision": "accept", "answer": ""})
    p.refresh_from_db()
    draft.refresh_from_db()
    assert p.status == "accepted" and p.accepted_into_id == draft.pk
    assert "{{担当部署}}(電話・メール)まで。" in draft.text


def test_a_request_for_a_new_guideline_is_answered(demo, bob, bob_client, tokiko_client, charlie_client):
    bob_client.post(reverse("shishin:request_list"), {"title": "テレワーク指針", "description": "在宅勤務の基準"})
    r = GuidelineRequest.objects.for_user(bob).get()
    assert "テレワーク指針" not in charlie_client.get(reverse("shishin:request_list")).content.decode()
    tokiko_client.post(reverse("shishin:request_answer", args=[r.pk]), {"status": "planned", "answer": "来年度に作ります"})
    r.refresh_from_db()
    assert (r.status, r.answer) == ("planned", "来年度に作ります")
    assert "来年度に作ります" in bob_client.get(reverse("shishin:request_list")).content.decode()


def test_tokyo_sees_who_is_behind_and_which_sentences_are_changed(demo, bob, charlie, tokiko_client):
    g, _, draft = demo
    for user in (bob, charlie):
        ed = services.create_edition(g, user, {"自治体名": user.organisation.name, "担当部署": "情報課"})
        doc = services.edition_doc(ed.current())
        body = edition.section_body(doc.section("procedure")).replace("所属長の承認を得て", "申請書を")
        services.save_edition(ed, user, edition.replace_body(doc, "procedure", body), "手続を変更")
    tokiko_client.post(reverse("shishin:version_publish", args=[draft.pk]))
    page = tokiko_client.get(reverse("shishin:dashboard")).content.decode()
    assert "江東区" in page and "大田区" in page and "うち最新の版に追いついていないもの 2 件" in page
    row = page.split("新しいサービスを使いたいときは、所属長の承認を得て{{担当部署}}に届け出ます。")[1]
    assert row.startswith('</td><td class="num">2</td>')


def test_the_home_page_says_what_waits(demo, bob, bob_client, tokiko_client):
    g, _, draft = demo
    make_edition(bob, g)
    assert "更新があります" not in bob_client.get(reverse("shishin:home")).content.decode()
    tokiko_client.post(reverse("shishin:version_publish", args=[draft.pk]))
    bob_client.post(reverse("shishin:request_list"), {"title": "テレワーク指針", "description": "在宅勤務の基準"})
    assert "「生成AI利用ガイドライン(モデル)」に更新があります: 東京都の新しい版 1件" in (
        bob_client.get(reverse("shishin:home")).content.decode())
    assert "回答を待つ指針の作成の要望 1件" in tokiko_client.get(reverse("shishin:home")).content.decode()


def test_the_diff_between_versions_shows_changed_sentences(demo, bob_client, tokiko_client):
    _, _, draft = demo
    tokiko_client.post(reverse("shishin:version_publish", args=[draft.pk]))
    page = bob_client.get(reverse("shishin:version_diff", args=[draft.pk])).content.decode()
    assert "第1.0版 → 第1.1版" in page
    assert '<span class="shishin-ins">- 個人番号(マイナンバー)と、それを含む情報</span>' in page
    assert '<span class="shishin-del">このガイドラインの目的は、生成AIを安全に、かつ積極的に活用することです。</span>' in page


def test_a_published_version_cannot_be_edited_or_published_again(demo, tokiko_client):
    _, published, draft = demo
    older = draft.text.replace('version: "1.1"', 'version: "0.9"', 1)
    response = tokiko_client.post(reverse("shishin:version_edit", args=[draft.pk]), {"text": older})
    assert "版は公開済みの第1.0版より新しくしてください" in response.content.decode()
    assert tokiko_client.get(reverse("shishin:version_edit", args=[published.pk])).status_code == 404
    assert tokiko_client.post(reverse("shishin:version_publish", args=[published.pk])).status_code == 404


def test_a_proposal_can_be_answered_without_a_change(demo, bob, tokiko_client):
    g, published, draft = demo
    p = ChangeProposal.objects.create(organisation=bob.organisation, guideline=g, version=published,
                                      section_id="purpose", current_text="前", proposed_text="後", reason="理由",
                                      created_by=bob)
    tokiko_client.post(reverse("shishin:proposal_answer", args=[p.pk]), {"decision": "answer", "answer": "見送ります"})
    p.refresh_from_db()
    draft.refresh_from_db()
    assert (p.status, p.answer, p.accepted_into_id) == ("answered", "見送ります", None) and "後" not in draft.text


def test_tokyo_makes_no_edition_and_municipalities_write_no_guideline(demo, tokiko_client, bob_client):
    g, _, _ = demo
    response = tokiko_client.post(reverse("shishin:edition_create", args=[g.pk]), {"v0": "東京都", "v1": "局"})
    assert response.status_code == 403
    assert bob_client.post(reverse("shishin:guideline_create"), {"text": "---\n"}).status_code == 403
