"""Rounds through the year on the web: the next round from a finished run, vacancies, history, demand."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.hoiku.io import write_instance
from kyodo.hoiku.model.instance import Child, Instance
from kyodo.hoiku.model.result import Status
from kyodo.web.audit.models import Action, AuditEntry
from kyodo.web.hoiku import services, services_rounds
from kyodo.web.hoiku.models import InputSet, Round, RunChild, RunStatus

from .helpers import run


def _rows(run_):
    return {r.child_id: r for r in RunChild.objects.for_org(run_.organisation_id).filter(run=run_)}


def _status(row) -> Status:
    return Status(row.explanation["status"])


def _next(client, round_, **data):
    form = {"title": "令和8年5月入所", "phase": "second", "seed": 3, "withdrawals": "", "transfers": "", **data}
    return client.post(f"/hoiku/rounds/{round_.pk}/next/", form)


def _instance(round_: Round) -> Instance:
    latest = round_.latest_input()
    assert latest is not None
    return services_rounds.stored_instance(latest, services.round_rules(round_), round_.fiscal_year)


def test_the_next_round_carries_waiting_children_and_drops_placed_ones(done_run, alice_client):
    rows = _rows(done_run)
    waiting = next(r for r in rows.values() if _status(r) is Status.WAITLISTED)
    placed = next(r for r in rows.values() if _status(r) is Status.OFFERED)
    response = _next(alice_client, done_run.round)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)
    assert (new.fiscal_year, new.rules_name, new.phase) == (2026, "koto", "second")
    instance = _instance(new)
    assert waiting.child_id in instance.children and placed.child_id not in instance.children
    assert instance.children[waiting.child_id].choices == tuple(c["facility_id"] for c in waiting.choices)
    origin = new.latest_input().origin
    waitlisted = sum(_status(r) in (Status.WAITLISTED, Status.STAYS) for r in rows.values())
    assert origin["carried"] == waitlisted == len(instance.children)
    assert AuditEntry.objects.for_org(new.organisation_id).filter(action=Action.ROUND_CREATE).count() == 2
    page = alice_client.get(f"/hoiku/rounds/{new.pk}/").content.decode()
    assert 'id="carried-from"' in page and f"引き継ぎ {waitlisted} 人" in page


def test_the_next_round_runs_and_the_child_page_shows_both_rounds(done_run, alice_client):
    waiting = next(r for r in _rows(done_run).values() if _status(r) is Status.WAITLISTED)
    _next(alice_client, done_run.round)
    new = Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)
    second = run(alice_client, new)
    second.refresh_from_db()
    assert second.status == RunStatus.DONE, second.error
    body = alice_client.get(f"/hoiku/runs/{second.pk}/children/{waiting.child_id}/").content.decode()
    assert 'id="child-history"' in body
    history = body[body.index('id="child-history"'):]
    assert done_run.round.title in history and "保留" in history
    first_page = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/{waiting.child_id}/").content.decode()
    assert "令和8年5月入所" in first_page  # the later round, seen from the first


def test_a_child_of_a_round_with_no_linked_round_has_no_history_section(done_run, alice_client):
    child = next(iter(_rows(done_run).values()))
    body = alice_client.get(f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/").content.decode()
    assert body.count(child.child_id) >= 1 and 'id="child-history"' not in body


def test_a_placed_child_asking_to_transfer_applies_from_its_new_seat(done_run, alice_client):
    placed = next(r for r in _rows(done_run).values() if _status(r) is Status.OFFERED and r.choice_number > 1)
    response = _next(alice_client, done_run.round, transfers=placed.child_id)
    assert response.status_code == 302, response.content.decode()[:2000]
    child = _instance(Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)).children[
        placed.child_id
    ]
    assert child.current_facility == placed.facility_id
    assert child.choices == tuple(c["facility_id"] for c in placed.choices[: placed.choice_number - 1])


def test_withdrawals_are_removed_and_an_unknown_id_stores_nothing(done_run, alice_client):
    waiting = [r for r in _rows(done_run).values() if _status(r) is Status.WAITLISTED]
    response = _next(alice_client, done_run.round, withdrawals=f"{waiting[0].child_id}、nobody-99")
    assert response.status_code == 422
    assert "児童番号「nobody-99」は前回の申込にありません" in response.content.decode()
    assert not Round.objects.for_org(done_run.organisation_id).filter(previous_run=done_run).exists()
    assert _next(alice_client, done_run.round, withdrawals=waiting[0].child_id).status_code == 302
    new = Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)
    assert waiting[0].child_id not in _instance(new).children and waiting[1].child_id in _instance(new).children


def test_new_applications_are_added_to_the_next_round(done_run, alice_client, tmp_path):
    previous = _instance(done_run.round)
    model = next(iter(previous.children.values()))
    late = Child("late-1", "late-h", model.age_class, model.choices[:2], birth_date=model.birth_date)
    household = replace(previous.households[model.household_id], id="late-h")
    added = Instance(previous.facilities, {"late-h": household}, {"late-1": late}, fiscal_year=2026)
    write_instance(added, tmp_path, formats=("csv",))
    upload = SimpleUploadedFile("late.csv", (tmp_path / "children.csv").read_bytes())
    form = {"title": "5月", "phase": "second", "seed": 1, "withdrawals": "", "transfers": "", "added": upload}
    response = alice_client.post(f"/hoiku/rounds/{done_run.round.pk}/next/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)
    assert _instance(new).children["late-1"].choices == model.choices[:2]
    assert new.latest_input().origin["added"] == 1


def test_the_next_round_needs_a_finished_run(alice_client, ward_files):
    from .helpers import create_round, upload_ok

    round_ = create_round(alice_client)
    upload_ok(alice_client, round_, ward_files)
    response = alice_client.get(f"/hoiku/rounds/{round_.pk}/next/")
    assert response.status_code == 302 and response["Location"] == f"/hoiku/rounds/{round_.pk}/"


def _vacancy_form(client, round_):
    from kyodo.web.hoiku.forms_rounds import vacancy_field

    page = client.get(f"/hoiku/rounds/{round_.pk}/vacancies/")
    assert page.status_code == 200
    facilities = page.context["form"].facilities
    data = {
        vacancy_field(i, age): "" if f.vacancies.get(age) is None else str(f.vacancies[age])
        for i, f in enumerate(facilities.values()) for age in range(6)
    }
    return facilities, data


def test_edited_vacancies_are_a_new_input_set_with_the_same_children_file(done_run, alice_client):
    round_ = done_run.round
    before = round_.latest_input()
    facilities, data = _vacancy_form(alice_client, round_)
    first = next(iter(facilities.values()))
    age = next(a for a in range(6) if a in first.vacancies)
    data[f"v0_{age}"] = str(first.vacancies[age] + 4)
    response = alice_client.post(f"/hoiku/rounds/{round_.pk}/vacancies/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = round_.latest_input()
    assert after.pk != before.pk and bytes(after.children_data) == bytes(before.children_data)
    assert _instance(round_).facilities[first.id].vacancies[age] == first.vacancies[age] + 4
    assert after.origin == {"kind": "vacancies", "from": before.pk}
    assert sum(a[2] for a in after.demand["by_age"]) == sum(a[2] for a in before.demand["by_age"]) + 4


def test_a_negative_vacancy_is_refused_and_nothing_is_stored(done_run, alice_client):
    round_ = done_run.round
    _facilities, data = _vacancy_form(alice_client, round_)
    key = next(k for k, v in data.items() if v)
    data[key] = "-1"
    response = alice_client.post(f"/hoiku/rounds/{round_.pk}/vacancies/", data)
    assert response.status_code == 422 and "0以上の人数を入れてください" in response.content.decode()
    assert InputSet.objects.for_org(round_.organisation_id).filter(round=round_).count() == 1


def test_removing_a_class_that_children_chose_is_refused(done_run, alice_client):
    round_ = done_run.round
    facilities, data = _vacancy_form(alice_client, round_)
    first = next(iter(facilities))
    chosen = {c.age_class for c in _instance(round_).children.values() if first in c.choices}
    age = min(chosen)
    data[f"v0_{age}"] = ""  # the first facility no longer takes this class
    data[f"v0_{(age + 1) % 6}"] = data[f"v0_{(age + 1) % 6}"] or "1"
    response = alice_client.post(f"/hoiku/rounds/{round_.pk}/vacancies/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert f"{age}歳" in body and first in body and 'id="problems"' in body
    assert InputSet.objects.for_org(round_.organisation_id).filter(round=round_).count() == 1


def test_the_round_page_shows_applicants_against_places(done_run, alice_client):
    body = alice_client.get(f"/hoiku/rounds/{done_run.round.pk}/").content.decode()
    demand = done_run.input_set.demand
    assert 'id="demand-by-age"' in body and 'id="demand-by-facility"' in body
    applicants = sum(a[1] for a in demand["by_age"])
    places = sum(a[2] for a in demand["by_age"])
    assert applicants == 80 and places == done_run.summary["vacancies"]
    assert f"{applicants / places:.2f}倍" in body


def test_files_stored_before_the_demand_existed_get_it_once(done_run, alice_client):
    input_set = done_run.input_set
    expected = input_set.demand
    InputSet.objects.for_org(done_run.organisation_id).filter(pk=input_set.pk).update(demand={})
    body = alice_client.get(f"/hoiku/rounds/{done_run.round.pk}/").content.decode()
    assert 'id="demand-by-age"' in body
    input_set.refresh_from_db()
    assert input_set.demand == expected


def test_an_uploaded_facilities_file_gives_the_months_vacancies(done_run, alice_client, ward_files):
    upload = SimpleUploadedFile("5月空き.csv", (ward_files / "facilities.csv").read_bytes())
    form = {"title": "5月", "phase": "second", "seed": 1, "withdrawals": "", "transfers": "", "facilities": upload}
    response = alice_client.post(f"/hoiku/rounds/{done_run.round.pk}/next/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)
    assert _instance(new).facilities == _instance(done_run.round).facilities  # the file's places, not what was left
    assert new.latest_input().origin["vacancies_file"] == "5月空き.csv"


def test_another_organisations_user_can_neither_create_nor_edit(done_run, charlie_client):
    round_ = done_run.round
    for url in (f"/hoiku/rounds/{round_.pk}/next/", f"/hoiku/rounds/{round_.pk}/vacancies/",
                f"/hoiku/rounds/{round_.pk}/upload/problems.csv"):
        assert charlie_client.get(url).status_code == 404
        assert charlie_client.post(url, {"title": "x", "phase": "second", "seed": 1}).status_code == 404
    assert not Round.objects.unscoped("test").filter(previous_run=done_run).exists()
    assert InputSet.objects.unscoped("test").filter(round=round_).count() == 1


def test_a_waiting_family_keeps_its_ranked_combinations_and_households_their_waiting_months(
    alice_client, tmp_path
):
    """A family that ranked its own combinations and got none is carried with its ranking (stored as the next
    round's combination file), and the waiting months of carried households grow by the months given."""
    from kyodo.hoiku.io.combinations import combinations_csv
    from kyodo.hoiku.tools.generate import generate_ward

    from .helpers import create_round

    ward = generate_ward(children=60, facilities=6, seed=11, fiscal_year=2026, sibling_share=0.5, max_choices=3)
    homes: dict[str, list[Child]] = {}
    for c in ward.children.values():
        homes.setdefault(c.household_id, []).append(c)
    hid, kids = next((h, k) for h, k in sorted(homes.items()) if len(k) == 2 and k[0].age_class != k[1].age_class)
    full = kids[0].choices[0]  # the family wants only this facility, where no age class has a place
    facilities = {**ward.facilities, full: replace(ward.facilities[full],
                                                   vacancies=dict.fromkeys(ward.facilities[full].vacancies, 0))}
    households = {h: replace(v, facts={**v.facts, "waiting_months": 2}) for h, v in ward.households.items()}
    order = tuple(sorted(k.id for k in kids))
    children = {**ward.children, **{k.id: replace(k, choices=(full, *[f for f in k.choices if f != full]))
                                    for k in kids}}
    ward = replace(ward, facilities=facilities, households=households, children=children,
                   family_combinations={hid: ((full, full),)}, family_children={hid: order})
    write_instance(ward, tmp_path, formats=("csv",))
    round_ = create_round(alice_client)
    response = alice_client.post(f"/hoiku/rounds/{round_.pk}/upload/", {
        "children": SimpleUploadedFile("children.csv", (tmp_path / "children.csv").read_bytes()),
        "facilities": SimpleUploadedFile("facilities.csv", (tmp_path / "facilities.csv").read_bytes()),
        "combinations": SimpleUploadedFile("combinations.csv", combinations_csv(ward) or b""),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    first = run(alice_client, round_)
    first.refresh_from_db()
    assert first.status == RunStatus.DONE, first.error
    assert all(_status(_rows(first)[k.id]) is Status.WAITLISTED for k in kids)

    response = _next(alice_client, round_, months=1)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Round.objects.for_org(round_.organisation_id).get(previous_run=first)
    latest = new.latest_input()
    assert latest.combinations_name.endswith("_combinations.csv")
    instance = _instance(new)
    assert instance.family_combinations == {hid: ((full, full),)}
    assert {h.facts["waiting_months"] for h in instance.households.values()} == {3}
    assert latest.origin["families"] == 1 and latest.origin["months"] == 1
    page = alice_client.get(f"/hoiku/rounds/{new.pk}/").content.decode()
    assert "希望の組み合わせを引き継いだきょうだい 1 世帯" in page and "待機月数に 1 か月を加算" in page


@pytest.mark.parametrize(("months", "message"), [
    ("-1", "この値は 0 以上でなければなりません"),
    ("abc", "整数を入力してください"),
    ("99", "この値は 24 以下でなければなりません"),
])
def test_bad_waiting_months_are_refused_in_japanese_and_nothing_is_stored(done_run, alice_client, months, message):
    before = Round.objects.for_org(done_run.organisation_id).count()
    response = _next(alice_client, done_run.round, months=months)
    assert response.status_code == 200 and message in response.content.decode()
    assert Round.objects.for_org(done_run.organisation_id).count() == before
