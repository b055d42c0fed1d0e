"""Questions and answers on a case, and contact requests seen only by the two organisations concerned."""

from __future__ import annotations

from django.urls import reverse

from kyodo.web.jirei.models import ContactRequest, Question

from .world import make_case


def test_another_organisation_asks_and_the_owner_answers_for_all_to_read(bob, bob_client, charlie_client,
                                                                          dave_client):
    case = make_case(bob, "会議録AI", published=True)
    charlie_client.post(reverse("jirei:question_create", args=[case.pk]), {"body": "認識精度はどのくらいですか"})
    [question] = Question.objects.unscoped("test")
    assert question.organisation.name == "大田区"
    # Only the owner answers: another organisation's answer is refused without revealing the question.
    assert charlie_client.post(reverse("jirei:question_answer", args=[question.pk]), {"answer": "x"}).status_code == 404
    assert dave_client.post(reverse("jirei:question_answer", args=[question.pk]), {"answer": "x"}).status_code == 404
    bob_client.post(reverse("jirei:question_answer", args=[question.pk]), {"answer": "9割ほどです"})
    page = dave_client.get(reverse("jirei:case_detail", args=[case.pk])).content.decode()
    assert "認識精度はどのくらいですか" in page and "9割ほどです" in page


def test_a_question_on_another_organisations_draft_is_refused(bob, charlie_client):
    draft = make_case(bob, "下書き")
    assert charlie_client.post(reverse("jirei:question_create", args=[draft.pk]), {"body": "?"}).status_code == 404
    assert not Question.objects.unscoped("test").exists()


def test_a_contact_request_reaches_the_owner_and_no_third_organisation(bob, bob_client, charlie_client,
                                                                       dave_client):
    case = make_case(bob, "保育所の利用調整AI", published=True, contact="江東区 保育課")
    response = charlie_client.post(reverse("jirei:contact_create", args=[case.pk]),
                                   {"message": "仕様書を見せてください", "reply_to": "大田区 情報政策課 内線55"})
    assert response.status_code == 302
    [contact] = ContactRequest.objects.unscoped("test")
    assert (contact.organisation.name, contact.owner.name) == ("大田区", "江東区")
    received = bob_client.get(reverse("jirei:contact_list")).content.decode()
    assert "仕様書を見せてください" in received.split('id="sent"')[0] and "新着" in received
    assert "新着" not in bob_client.get(reverse("jirei:contact_list")).content.decode()
    sent = charlie_client.get(reverse("jirei:contact_list")).content.decode()
    assert "仕様書を見せてください" in sent.split('id="sent"')[1]
    assert "仕様書を見せてください" not in dave_client.get(reverse("jirei:contact_list")).content.decode()


def test_an_organisation_does_not_contact_itself(bob, bob_client):
    case = make_case(bob, "自組織の事例", published=True)
    page = bob_client.post(reverse("jirei:contact_create", args=[case.pk]), {"message": "m", "reply_to": "r"})
    assert "自組織の事例です" in page.content.decode()
    assert not ContactRequest.objects.unscoped("test").exists()


def test_a_contact_request_on_a_draft_of_another_organisation_is_not_found(bob, charlie_client):
    draft = make_case(bob, "下書き")
    response = charlie_client.post(reverse("jirei:contact_create", args=[draft.pk]), {"message": "m", "reply_to": "r"})
    assert response.status_code == 404


def test_what_waits_for_the_owner_is_counted(bob, charlie, bob_client, charlie_client):
    from kyodo.web.jirei.access import waiting_for

    case = make_case(bob, "会議録AI", published=True)
    charlie_client.post(reverse("jirei:question_create", args=[case.pk]), {"body": "精度は?"})
    charlie_client.post(reverse("jirei:contact_create", args=[case.pk]), {"message": "m", "reply_to": "r"})
    assert waiting_for(bob) == {"contacts": 1, "questions": 1}
    assert waiting_for(charlie) == {"contacts": 0, "questions": 0}
    bob_client.get(reverse("jirei:contact_list"))
    assert waiting_for(bob) == {"contacts": 0, "questions": 1}
