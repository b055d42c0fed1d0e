"""Case records: drafts stay with their organisation, published cases reach everyone, contacts only staff."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kyodo.web.audit.models import AuditEntry
from kyodo.web.jirei.models import Attachment, Case, Visibility
from kyodo.web.jirei.search import search_cases, similar_cases

from .world import PDF, make_case

FORM = {"title": "会議録作成支援AIの実証", "field": "議会・会議", "status": "実証中", "summary": "委員会の会議録をAIで作る。",
        "technology_names": ["音声認識", "生成AI"], "start_year": "2024", "went_badly": "固有名詞の誤認識",
        "contact": "江東区 情報システム課 内線1234", "links": "/jinzai/requests/\nhttps://example.jp/guide"}


def _create(client) -> Case:  # type: ignore[no-untyped-def]
    response = client.post(reverse("jirei:case_create"), FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.unscoped("test").get(title=FORM["title"])


def test_a_new_case_is_a_draft_seen_only_by_its_organisation(bob_client, charlie_client, bob, charlie):
    case = _create(bob_client)
    assert case.visibility == Visibility.DRAFT and case.technology_list == ["音声認識", "生成AI"]
    assert case.size_band == "特大(50万人以上)"
    assert bob_client.get(reverse("jirei:case_detail", args=[case.pk])).status_code == 200
    assert charlie_client.get(reverse("jirei:case_detail", args=[case.pk])).status_code == 404
    page = charlie_client.get(reverse("jirei:search"), {"q": "議事録"}).content.decode()
    assert FORM["title"] not in page
    assert search_cases(charlie.organisation_id, "議事録").ids == []
    assert search_cases(bob.organisation_id, "議事録").ids == [case.pk]
    assert search_cases(None, "議事録").total == 0
    export = charlie_client.get(reverse("jirei:export"), {"q": "会議録"}).content.decode("utf-8-sig")
    assert FORM["title"] not in export
    other = make_case(charlie, "大田区の会議録システム", published=True)
    assert case.pk not in similar_cases(charlie.organisation_id, other)


def test_publishing_shows_the_case_to_every_organisation(bob_client, charlie_client, charlie):
    case = _create(bob_client)
    bob_client.post(reverse("jirei:case_publish", args=[case.pk]), {"visibility": "published"})
    case.refresh_from_db()
    assert case.is_published and case.published_at is not None
    page = charlie_client.get(reverse("jirei:search"), {"q": "ＡＩ 議事録"}).content.decode()
    assert FORM["title"].replace("会議録", "<mark>会議録</mark>").replace("AI", "<mark>AI</mark>") in page
    detail = charlie_client.get(reverse("jirei:case_detail", args=[case.pk])).content.decode()
    assert FORM["contact"] in detail and "この事例について聞きたい" in detail
    assert charlie_client.get(reverse("jirei:case_edit", args=[case.pk])).status_code == 404
    assert charlie_client.post(reverse("jirei:case_delete", args=[case.pk])).status_code == 404
    bob_client.post(reverse("jirei:case_publish", args=[case.pk]), {"visibility": "draft"})
    assert charlie_client.get(reverse("jirei:case_detail", args=[case.pk])).status_code == 404
    actions = set(AuditEntry.objects.for_org(case.organisation_id).values_list("action", flat=True))
    assert {"jirei_case_create", "jirei_case_publish", "jirei_case_unpublish"} <= actions


def test_the_contact_is_not_shown_to_platform_administrators(bob_client, platform_client):
    case = _create(bob_client)
    bob_client.post(reverse("jirei:case_publish", args=[case.pk]), {"visibility": "published"})
    page = platform_client.get(reverse("jirei:case_detail", args=[case.pk])).content.decode()
    assert FORM["title"] in page and FORM["contact"] not in page
    export = platform_client.get(reverse("jirei:export"), {"q": "会議録"}).content.decode("utf-8-sig")
    assert FORM["title"] in export and FORM["contact"] not in export


def test_a_link_that_is_not_a_page_or_url_is_refused(bob_client):
    response = bob_client.post(reverse("jirei:case_create"), {**FORM, "links": "javascript:alert(1)"})
    assert response.status_code == 200 and "リンクとして使えません" in response.content.decode()
    assert not Case.objects.unscoped("test").exists()


def test_edit_and_delete_keep_the_index_in_step(bob_client, bob):
    case = _create(bob_client)
    assert search_cases(bob.organisation_id, "会議録").ids == [case.pk]
    bob_client.post(reverse("jirei:case_edit", args=[case.pk]), {**FORM, "title": "保育園の入所選考", "summary": "選考"})
    assert search_cases(bob.organisation_id, "会議録").ids == []
    assert search_cases(bob.organisation_id, "保育所").ids == [case.pk]
    bob_client.post(reverse("jirei:case_delete", args=[case.pk]))
    assert search_cases(bob.organisation_id, "保育所").ids == []


def test_did_it_too_links_the_new_case_to_the_original(bob, charlie_client, dave_client):
    original = make_case(bob, "江東区の会議録AI", published=True)
    page = charlie_client.get(reverse("jirei:case_create"), {"from": original.pk}).content.decode()
    assert "参考に実施した事例として登録します" in page
    response = charlie_client.post(f"{reverse('jirei:case_create')}?from={original.pk}",
                                   {**FORM, "title": "大田区でも会議録AI"})
    assert response.status_code == 302
    mine = Case.objects.unscoped("test").get(title="大田区でも会議録AI")
    assert mine.derived_from_id == original.pk
    # The original's page lists it once it is published (drafts of others stay hidden).
    def derived_on_original() -> str:
        page = dave_client.get(reverse("jirei:case_detail", args=[original.pk])).content.decode()
        return page.split('id="similar"')[0]

    assert "大田区でも会議録AI" not in derived_on_original().split('id="questions"')[1]
    charlie_client.post(reverse("jirei:case_publish", args=[mine.pk]), {"visibility": "published"})
    assert "この事例を参考に実施した団体" in derived_on_original()
    assert "大田区でも会議録AI" in derived_on_original().split('id="derived"')[1]


def test_did_it_too_from_another_organisations_draft_is_not_found(bob, charlie_client):
    draft = make_case(bob, "江東区の下書き")
    assert charlie_client.get(reverse("jirei:case_create"), {"from": draft.pk}).status_code == 404


def test_attachments_must_be_pdf_and_small(bob_client, charlie_client, bob, settings):
    case = make_case(bob, "資料つき", published=True)
    url = reverse("jirei:attachment_upload", args=[case.pk])
    bob_client.post(url, {"file": SimpleUploadedFile("報告書.pdf", PDF, "application/pdf")})
    bob_client.post(url, {"file": SimpleUploadedFile("偽物.pdf", b"MZ\x90\x00", "application/pdf")})
    bob_client.post(url, {"file": SimpleUploadedFile("表.xlsx", PDF, "application/pdf")})
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = bob_client.post(url, {"file": SimpleUploadedFile("大きい.pdf", big, "application/pdf")}, follow=True)
    assert "ファイルが大きすぎます" in response.content.decode()
    [attachment] = Attachment.objects.for_org(case.organisation_id)
    assert attachment.name == "報告書.pdf"
    download = charlie_client.get(reverse("jirei:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == PDF
    assert charlie_client.post(reverse("jirei:attachment_delete", args=[attachment.pk])).status_code == 404
    assert charlie_client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404


def test_the_case_page_shows_similar_cases_and_highlights_from_the_search(bob, charlie_client, charlie):
    case = make_case(bob, "会議録の音声認識", published=True)
    like = make_case(charlie, "議事録作成に音声認識を使う", published=True)
    make_case(charlie, "保育所の入所選考", published=True, field="子育て", technologies=("マッチング",))
    page = charlie_client.get(reverse("jirei:case_detail", args=[case.pk])).content.decode()
    similar = page.split('id="similar"')[1]
    assert like.title in similar and "保育所の入所選考" not in similar


def test_the_case_page_marks_the_words_of_the_search_it_came_from(bob, charlie_client):
    case = make_case(bob, "題", published=True, summary="委員会の会議録を<作る>。\n二行目", went_badly="ＡＩの誤認識")
    page = charlie_client.get(reverse("jirei:case_detail", args=[case.pk]), {"q": "議事録 AI"}).content.decode()
    assert "委員会の<mark>会議録</mark>を&lt;作る&gt;。\n二行目" in page  # escaped, line breaks kept by CSS
    assert "<mark>ＡＩ</mark>の誤認識" in page
    plain = charlie_client.get(reverse("jirei:case_detail", args=[case.pk])).content.decode()
    assert "<mark>" not in plain
