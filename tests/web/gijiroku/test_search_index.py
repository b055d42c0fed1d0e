"""The meeting search goes through the database's full-text index, which follows every change of a segment."""

from __future__ import annotations

import pytest
from django.db import connection

from kyodo.web.gijiroku.models import Segment

from .world import SECRET_TEXT, make_meeting

pytestmark = pytest.mark.django_db


def _count(client, **params) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/gijiroku/search/", params).content.decode()
    return page.split('<p id="count">', 1)[1].split("件", 1)[0] if '<p id="count">' in page else ""


def test_words_are_found_inside_longer_words_and_across_kana(bob_client, bob):
    meeting = make_meeting(bob)
    segment = meeting.segments.get(index=2)
    segment.text = "南砂地区のとよす駅について伺います。"
    segment.save(update_fields=["text"])
    assert _count(bob_client, q="南砂") == "1" and _count(bob_client, q="トヨス") == "1"
    assert _count(bob_client, q="南砂 亀戸") == "0"  # every word
    assert _count(bob_client, q="防災課") == "0"  # the edited segment held it before


def test_the_index_follows_edits_splits_merges_and_deletion(bob_client, bob):
    meeting = make_meeting(bob)
    first = _count(bob_client, q="原案")
    third = meeting.segments.get(index=2)
    bob_client.post(f"/gijiroku/segments/{third.pk}/", {"text": "日程を変更します。", "speaker": 0, "mark": ""})
    assert _count(bob_client, q="原案") == str(int(first) - 1) and _count(bob_client, q="日程を変更") == "1"
    bob_client.post(f"/gijiroku/meetings/{meeting.pk}/replace/", {"find": "日程", "replace": "会期"})
    assert _count(bob_client, q="会期") == "1" and _count(bob_client, q="日程を変更") == "0"
    third.refresh_from_db()
    bob_client.post(f"/gijiroku/segments/{third.pk}/split/", {"at": third.text.index("変更")})
    assert _count(bob_client, q="変更します") == "1" and _count(bob_client, q="会期を変更") == "0"
    bob_client.post(f"/gijiroku/segments/{third.pk}/merge/")
    assert _count(bob_client, q="会期を変更") == "1"
    assert bob_client.post(f"/gijiroku/meetings/{meeting.pk}/delete/", {"confirm": "yes"}).status_code == 302
    assert _count(bob_client, q="会期") == "0"
    if connection.vendor == "sqlite":  # the triggers removed the index rows too (PostgreSQL's column goes with its row)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM gijiroku_segment_fts")
            assert cursor.fetchone()[0] == Segment.objects.unscoped("test: every row").count()
    assert _count(bob_client, q="") == ""  # no words and no speaker: no search at all


def test_the_speaker_narrows_the_rows_and_other_organisations_see_nothing(bob_client, charlie_client, bob):
    make_meeting(bob)
    assert _count(bob_client, q="原案", speaker="議長") == "1"
    assert _count(bob_client, speaker="発言者2") == "1"
    assert _count(bob_client, q="原案", speaker="部長") == "0"
    page = charlie_client.get("/gijiroku/search/", {"q": "原案"}).content.decode()
    assert _count(charlie_client, q="原案") == "0" and SECRET_TEXT not in page
