"""Staff decisions previewed by a dry run before they are saved, and 繰り上げ (a withdrawal whose place goes on)."""

from __future__ import annotations

import io

import pytest

from kyodo.web.audit.models import Action, AuditEntry
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.models import Decision, Run, RunChild, RunStatus


def _rows(run_):  # type: ignore[no-untyped-def]
    return RunChild.objects.for_org(run_.organisation_id).filter(run=run_)


def _full_seat_and_outsider(run_):  # type: ignore[no-untyped-def]
    """A facility and age class with every place taken by the allocation, and a waitlisted child of that age."""
    waiting = _rows(run_).filter(status="waitlisted")
    for f in run_.summary["facility_table"]:
        for a in f["ages"]:
            if a["offered"] and a["cutoff"] is not None and a["label"] not in ("空有", "―"):
                child = waiting.filter(age_class=a["age"]).exclude(
                    choices__icontains=f'"{f["id"]}"').first() or waiting.filter(age_class=a["age"]).first()
                if child is not None:
                    return f["id"], a["age"], child
    raise AssertionError("the ward has no full seat with a waitlisted child of that age")


def _preview(client, run_, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/hoiku/runs/{run_.pk}/decisions/preview/", {"reason": "医療的ケアのため", **data})


def test_a_preview_shows_who_would_be_displaced_and_saves_nothing(done_run, alice_client, alice):
    fid, _age, child = _full_seat_and_outsider(done_run)
    response = _preview(alice_client, done_run, child_id=child.child_id, kind="fix", facility_id=fid)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert response.context["from_run"]  # the run was made with the decisions in force: its rows are 'before'
    assert preview.target.after.facility_id == fid and preview.target.before.facility_id is None
    assert preview.displaced, "a fix into a full class pushes someone out"
    body = response.content.decode()
    assert 'id="displaced"' in body and 'id="confirm-displaced"' in body
    for m in preview.displaced:
        assert m.child_id in body
    assert not Decision.objects.for_user(alice).exists()
    entry = AuditEntry.objects.for_user(alice).get(action=HoikuAction.PREVIEW)
    assert entry.details["displaced"] == len(preview.displaced)


def test_saving_a_decision_that_displaces_someone_needs_a_confirmation(done_run, alice_client, alice):
    fid, _age, child = _full_seat_and_outsider(done_run)
    data = {"child_id": child.child_id, "kind": "fix", "facility_id": fid}
    refused = _preview(alice_client, done_run, step="save_run", **data)
    assert refused.status_code == 422 and "確認しました" in refused.content.decode()
    assert not Decision.objects.for_user(alice).exists()
    assert Run.objects.for_user(alice).count() == 1


def test_the_saved_decision_moves_exactly_the_children_the_preview_named(done_run, alice_client, alice):
    fid, _age, child = _full_seat_and_outsider(done_run)
    data = {"child_id": child.child_id, "kind": "fix", "facility_id": fid}
    preview = _preview(alice_client, done_run, **data).context["preview"]
    saved = _preview(alice_client, done_run, step="save_run", confirm="1", **data)
    assert saved.status_code == 302
    second = Run.objects.for_user(alice).get(number=2)
    assert second.status == RunStatus.DONE, second.error
    assert saved["Location"] == f"/hoiku/runs/{second.pk}/"
    decision = Decision.objects.for_user(alice).get()
    assert (decision.kind, decision.facility_id, decision.reason) == ("fix", fid, "医療的ケアのため")
    entry = AuditEntry.objects.for_user(alice).get(action=Action.DECISION)
    assert entry.details["displaced"] == [m.child_id for m in preview.displaced]
    before = {r.child_id: r.facility_id for r in _rows(done_run)}
    after = {r.child_id: r.facility_id for r in _rows(second)}
    changed = {cid for cid in before if before[cid] != after[cid]}
    assert changed == {child.child_id, *(m.child_id for m in preview.gains), *(m.child_id for m in preview.displaced)}
    for m in preview.displaced:
        assert (after[m.child_id] or None) == m.after.facility_id
    # The letter of the child pushed out of that class says a staff adjustment decided it, naming no one.
    pushed = [r for r in _rows(second) if before[r.child_id] == fid and r.facility_id != fid]
    assert pushed
    for row in pushed:
        reason = next(r for r in row.explanation["reasons"] if r["facility_id"] == fid)
        assert reason["kind"] == "adjustment" and "職員による調整" in reason["text"]
        assert child.child_id not in reason["text"] and "医療的ケア" not in reason["text"]


def test_a_preview_without_a_reason_or_for_an_unknown_child_is_refused(done_run, alice_client):
    no_reason = alice_client.post(f"/hoiku/runs/{done_run.pk}/decisions/preview/",
                                  {"child_id": _rows(done_run).first().child_id, "kind": "withdraw", "reason": " "})
    assert no_reason.status_code == 422 and "理由を書いてください" in no_reason.content.decode()
    unknown = _preview(alice_client, done_run, child_id="no-such-child", kind="withdraw")
    assert unknown.status_code == 422 and "最新の結果にありません" in unknown.content.decode()


def test_the_child_page_sends_its_decision_through_the_preview(done_run, alice_client):
    child = _rows(done_run).first()
    body = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/").content.decode()
    assert f'action="/hoiku/runs/{done_run.pk}/decisions/preview/"' in body


def _withdrawal_with_a_waiting_child(run_):  # type: ignore[no-untyped-def]
    """A child placed by the allocation at a full class whose facility has a waitlisted child waiting for it."""
    rows = list(_rows(run_))
    for r in rows:
        if r.status != "offered" or not r.choice_number:
            continue
        waiting = [w for w in rows if w.status == "waitlisted" and w.age_class == r.age_class
                   and any(c["facility_id"] == r.facility_id for c in w.choices)]
        if waiting:
            return r
    raise AssertionError("no placed child with a waitlisted child behind it")


def test_kuriage_a_withdrawal_offers_the_freed_place_to_the_next_child_with_its_notice(
        done_run, alice_client, alice, settings):
    from pypdf import PdfReader

    settings.HOIKU_WRITE_NOTICES = True
    placed = _withdrawal_with_a_waiting_child(done_run)
    facility_page = alice_client.get(f"/hoiku/runs/{done_run.pk}/facilities/{placed.facility_id}/").content.decode()
    link = f"/hoiku/runs/{done_run.pk}/decisions/preview/?kind=withdraw&amp;child_id={placed.child_id}"
    assert link in facility_page
    form = alice_client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200 and form.context["form"]["child_id"].value() == placed.child_id
    data = {"child_id": placed.child_id, "kind": "withdraw", "reason": "保護者から辞退の申し出(電話)"}
    preview = _preview(alice_client, done_run, **data).context["preview"]
    assert preview.target.after is None and not preview.displaced  # a withdrawal only frees places
    moved_in = [m for m in preview.gains if m.after.facility_id == placed.facility_id]
    assert len(moved_in) == 1, "the freed place goes to exactly one child"
    # The next child in that class's waiting order who still wants the place more than what it has (the page
    # rendered afresh, not from the page cache, so that its view context can be read).
    from django.core.cache import cache

    from kyodo.web import page_cache

    cache.clear()
    page_cache.LOCAL.clear()
    section = next(a for a in alice_client.get(f"/hoiku/runs/{done_run.pk}/facilities/{placed.facility_id}/")
                   .context["ages"] if a["age"] == placed.age_class)
    wants = [e for e in section["waiting"] if e["status"] == "waitlisted" or (e["choice_number"] or 99) > e["wish"]]
    assert moved_in[0].child_id == wants[0]["child_id"]
    saved = _preview(alice_client, done_run, step="save_run", **data)
    second = Run.objects.for_user(alice).get(number=2)
    assert saved["Location"] == f"/hoiku/runs/{second.pk}/" and second.status == RunStatus.DONE, second.error
    assert not _rows(second).filter(child_id=placed.child_id).exists()
    assert _rows(second).get(child_id=moved_in[0].child_id).facility_id == placed.facility_id
    assert Decision.objects.for_user(alice).get().reason == "保護者から辞退の申し出(電話)"
    assert AuditEntry.objects.for_user(alice).filter(action=Action.DECISION, details__kind="withdraw").exists()
    if second.documents_note:
        pytest.skip(second.documents_note)  # no Japanese font here
    reader = PdfReader(io.BytesIO(bytes(second.notices_pdf)))
    texts = [page.extract_text() for page in reader.pages]
    assert any(moved_in[0].child_id in t and "内定" in t for t in texts)


def test_a_forbid_preview_moves_its_own_child_without_counting_it_as_displaced(done_run, alice_client):
    placed = _rows(done_run).filter(status="offered").order_by("child_id").first()
    preview = _preview(alice_client, done_run, child_id=placed.child_id, kind="forbid",
                       facility_id=placed.facility_id).context["preview"]
    assert preview.target.before.facility_id == placed.facility_id
    assert preview.target.after.facility_id != placed.facility_id
    assert placed.child_id not in {m.child_id for m in (*preview.gains, *preview.displaced)}
