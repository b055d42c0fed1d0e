"""Finding a child: the search box, the list of all children with filters and sorting, the child's page, and each
facility's placed children and waiting list per age class."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kyodo.web.audit.models import AuditEntry
from kyodo.web.hoiku import views_children
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.models import RunChild, RunStatus

from .helpers import create_round, run, upload_ok


def _rows(run_):  # type: ignore[no-untyped-def]
    return RunChild.objects.for_org(run_.organisation_id).filter(run=run_)


@pytest.fixture(scope="session")
def sibling_ward(tmp_path_factory):
    """A small ward where a third of the children apply with a sibling, with names."""
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.tools.generate import generate_ward

    inst = generate_ward(children=80, facilities=6, seed=11, fiscal_year=2026, sibling_share=0.35, max_choices=5)
    # Household numbers unlike child numbers (the generator numbers both 1, 2, …).
    named = {cid: replace(c, name=f"江東 {cid}子", household_id=f"S{c.household_id}") for cid, c in inst.children.items()}
    households = {f"S{h.id}": replace(h, id=f"S{h.id}") for h in inst.households.values()}
    directory = tmp_path_factory.mktemp("sibling-ward")
    write_instance(replace(inst, children=named, households=households), directory, formats=("csv",))
    return directory


@pytest.fixture
def sibling_run(alice_client, sibling_ward):  # type: ignore[no-untyped-def]
    round_ = create_round(alice_client)
    upload_ok(alice_client, round_, sibling_ward)
    result = run(alice_client, round_)
    result.refresh_from_db()
    assert result.status == RunStatus.DONE, result.error
    return result


def test_a_child_number_finds_the_child_and_the_search_is_audited(done_run, alice_client, alice):
    child = _rows(done_run).order_by("child_id").last()
    response = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/", {"q": child.child_id})
    assert response.status_code == 302
    assert response["Location"] == f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/"
    entry = AuditEntry.objects.for_user(alice).get(action=HoikuAction.CHILD_SEARCH)
    assert entry.details["query"] == child.child_id


def test_a_household_number_lists_its_children_and_a_name_matches_in_part(sibling_run, alice_client):
    household = next(h for h, n in _household_sizes(sibling_run).items() if n > 1)
    body = alice_client.get(f"/hoiku/runs/{sibling_run.pk}/children/", {"q": household}).content.decode()
    members = list(_rows(sibling_run).filter(household_id=household).values_list("child_id", flat=True))
    assert f"{len(members)} 人" in body and all(f">{m}</a>" in body for m in members)
    everyone = alice_client.get(f"/hoiku/runs/{sibling_run.pk}/children/", {"q": "江東"})
    assert everyone.status_code == 200 and "80 人" in everyone.content.decode()
    # A full name, typed without the space, is one child: its page opens.
    one = _rows(sibling_run).get(child_id="12")
    hit = alice_client.get(f"/hoiku/runs/{sibling_run.pk}/children/", {"q": one.name.replace(" ", "")})
    assert hit["Location"] == f"/hoiku/runs/{sibling_run.pk}/children/12/"


def _household_sizes(run_):  # type: ignore[no-untyped-def]
    sizes: dict[str, int] = {}
    for h in _rows(run_).values_list("household_id", flat=True):
        sizes[h] = sizes.get(h, 0) + 1
    return sizes


@pytest.mark.parametrize("status", ["offered", "waitlisted"])
def test_the_status_filter_gives_the_run_page_s_count(done_run, alice_client, status):
    response = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/", {"status": status})
    count = done_run.summary["counts"][status]
    assert count > 0 and f"{count} 人" in response.content.decode()
    assert len(response.context["page"].object_list) == count


def test_filters_combine_and_sorting_orders_the_list(done_run, alice_client):
    rows = _rows(done_run)
    placed = rows.exclude(facility_id="").order_by("child_id").first()
    page = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/",
                            {"facility": placed.facility_id, "age": placed.age_class, "sort": "points"}).context["page"]
    expected = rows.filter(facility_id=placed.facility_id, age_class=placed.age_class).order_by("-points", "child_id")
    assert [r.child_id for r in page] == [r.child_id for r in expected]
    assert [r.points for r in page] == sorted((r.points for r in page), reverse=True)
    flagged = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/", {"flagged": "1"}).context["page"]
    assert {r.child_id for r in flagged} == set(rows.filter(flagged=True).values_list("child_id", flat=True))


def test_the_decided_filter_lists_the_children_a_decision_of_the_run_names(done_run, alice_client):
    done_run.decisions = [{"kind": "withdraw", "child_id": "9999", "facility_id": None, "reason": "", "by": "a"},
                          {"kind": "fix", "child_id": _rows(done_run).first().child_id, "facility_id": "x",
                           "reason": "", "by": "a"}]
    done_run.save(update_fields=["decisions"])
    page = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/", {"decided": "1"}).context["page"]
    assert [r.child_id for r in page] == [_rows(done_run).first().child_id]


def test_the_list_is_paginated_and_pages_keep_the_filters(done_run, alice_client, monkeypatch):
    monkeypatch.setattr(views_children, "PAGE_SIZE", 10)
    first = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/", {"sort": "points"})
    body = first.content.decode()
    assert "1/8ページ" in body and 'href="?sort=points&page=2"' in body
    second = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/", {"sort": "points", "page": 2}).context["page"]
    assert min(r.points for r in first.context["page"]) >= max(r.points for r in second)


def test_every_run_page_has_the_search_box(done_run, alice_client):
    child = _rows(done_run).exclude(facility_id="").first()
    for path in ("", "waitlist/", "flags/", f"facilities/{child.facility_id}/", f"children/{child.child_id}/",
                 "children/"):
        body = alice_client.get(f"/hoiku/runs/{done_run.pk}/{path}").content.decode()
        assert 'id="child-search"' in body or 'id="child-filters"' in body, path


def test_opening_a_child_s_page_is_audited_with_who_and_which_child(done_run, alice_client, alice):
    child = _rows(done_run).first()
    assert alice_client.get(f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/").status_code == 200
    entry = AuditEntry.objects.for_user(alice).get(action=HoikuAction.CHILD_VIEW)
    assert (entry.user, entry.details["child_id"], entry.object_id) == (alice, child.child_id, str(done_run.pk))
    audit = alice_client.get("/audit/").content.decode()
    assert "児童の結果の閲覧" in audit and child.child_id in audit


def test_a_placed_child_s_page_shows_waiting_ranks_only_above_its_place(done_run, alice_client):
    child = _rows(done_run).filter(choice_number__gte=2).first()
    assert child is not None
    context = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/").context
    shown = [c["show_waitlist"] for c in context["choices"]]
    assert shown == [n < child.choice_number for n in range(1, len(child.choices) + 1)]


def test_a_decision_on_the_child_s_page_names_its_facility(done_run, alice_client, alice):
    from kyodo.web.hoiku.models import Decision

    child = _rows(done_run).first()
    facility = done_run.summary["facility_table"][0]
    Decision.objects.create(organisation_id=done_run.organisation_id, round=done_run.round, child_id=child.child_id,
                            kind="forbid", facility_id=facility["id"], reason="通園距離", created_by=alice)
    body = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/").content.decode()
    assert f"施設を除外 {facility['name']} — 通園距離" in body


def test_a_child_s_page_links_to_its_siblings(sibling_run, alice_client):
    household = next(h for h, n in _household_sizes(sibling_run).items() if n > 1)
    first, *others = _rows(sibling_run).filter(household_id=household).order_by("child_id")
    body = alice_client.get(f"/hoiku/runs/{sibling_run.pk}/children/{first.child_id}/").content.decode()
    for sibling in others:
        assert f'href="/hoiku/runs/{sibling_run.pk}/children/{sibling.child_id}/"' in body
    alone = next(h for h, n in _household_sizes(sibling_run).items() if n == 1)
    single = _rows(sibling_run).get(household_id=alone)
    assert 'id="siblings"' not in alice_client.get(
        f"/hoiku/runs/{sibling_run.pk}/children/{single.child_id}/").content.decode()


def test_a_facility_page_lists_placed_and_waiting_children_in_order_per_age_class(done_run, alice_client):
    rows = list(_rows(done_run))
    cell = next(
        (f["id"], a["age"]) for f in done_run.summary["facility_table"] for a in f["ages"]
        if a["offered"] and any(r.age_class == a["age"] and r.facility_id != f["id"]
                                and any(c["facility_id"] == f["id"] for c in r.choices) for r in rows)
    )
    fid, age = cell
    context = alice_client.get(f"/hoiku/runs/{done_run.pk}/facilities/{fid}/").context
    section = next(a for a in context["ages"] if a["age"] == age)
    placed = sorted((r for r in rows if r.facility_id == fid and r.age_class == age),
                    key=lambda r: next(c["rank"] for c in r.choices if c["facility_id"] == fid))
    assert [e["child_id"] for e in section["placed"]] == [r.child_id for r in placed]
    waiting = sorted(
        ((next(c for c in r.choices if c["facility_id"] == fid), r) for r in rows
         if r.age_class == age and r.facility_id != fid and any(c["facility_id"] == fid for c in r.choices)),
        key=lambda pair: pair[0]["waitlist"],
    )
    assert [e["child_id"] for e in section["waiting"]] == [r.child_id for _, r in waiting]
    assert [e["waitlist"] for e in section["waiting"]] == list(range(1, len(waiting) + 1))
    assert [e["points"] for e in section["waiting"]] == [c["points"] for c, _ in waiting]
    # Each child but the first of the seat's order says which step put it behind the one above.
    steps = {e["decided_by"] for e in section["placed"][1:] + section["waiting"]}
    assert steps and steps <= {"指数", "抽選", "在園児の席の保障", *_koto_tie_breaks()}


def _koto_tie_breaks() -> set[str]:
    from kyodo.hoiku.rules import load_rules

    return {t.label for t in load_rules("koto").tie_break}


def test_a_run_stored_with_a_slash_in_an_id_still_shows_its_pages(done_run, alice_client):
    # Readers refuse "/" in ids now; runs stored before that may hold one, and their pages must not fail.
    rows = RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run)
    row = rows.exclude(facility_id="").first()
    rows.filter(pk=row.pk).update(child_id="A/1")
    base = f"/hoiku/runs/{done_run.pk}"
    child = alice_client.get(f"{base}/children/A/1/")
    assert child.status_code == 200 and "A/1" in child.content.decode()
    for url in (f"{base}/children/", f"{base}/facilities/{row.facility_id}/", f"{base}/waitlist/"):
        assert alice_client.get(url).status_code == 200, url
    listed = alice_client.get(f"{base}/children/?q=A/1", follow=True)
    assert listed.status_code == 200
