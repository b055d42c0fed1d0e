"""Every facility's lists of a run, built once when the run is stored (kyodo.web.hoiku.seat_lists), judged
facility by facility.

The referee reads each facility's applicants on its own, straight from the stored rows, in the order the page
promises: placed children by their rank there, waiting ones by their 待機順位, a child placed by staff outside its
choices last; no child twice, none missing.
"""

from __future__ import annotations

from kyodo.web.hoiku import seat_lists
from kyodo.web.hoiku.models import RunChild, RunFacility


def referee(rows: list[RunChild], facility_id: str) -> dict[int, dict[str, list[str]]]:
    ages: dict[int, dict[str, list[tuple[tuple[int, int, str], str]]]] = {}
    for row in rows:
        wishes = [c for c in row.choices if c["facility_id"] == facility_id]
        if not wishes and row.facility_id != facility_id:
            continue
        choice = wishes[0] if wishes else None
        placed = row.facility_id == facility_id
        position = (choice or {}).get("rank" if placed else "waitlist")
        order = (1, 0, row.child_id) if position is None else (0, position, row.child_id)
        ages.setdefault(row.age_class, {"placed": [], "waiting": []})["placed" if placed else "waiting"].append(
            (order, row.child_id))
    return {age: {k: [cid for _, cid in sorted(v)] for k, v in both.items()} for age, both in sorted(ages.items())}


def ids(lists: seat_lists.Lists) -> dict[int, dict[str, list[str]]]:
    return {age: {k: [e["child_id"] for e in v] for k, v in both.items()} for age, both in lists.items()}


def test_every_facility_lists_what_the_referee_reads_on_its_own(done_run):
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run))
    facilities = {f["id"] for f in done_run.summary["facility_table"]} | {r.facility_id for r in rows if r.facility_id}
    assert len(facilities) > 1
    for facility_id in sorted(facilities):
        assert ids(seat_lists.seat_lists(done_run, facility_id)) == referee(rows, facility_id), facility_id
    assert seat_lists.seat_lists(done_run, "no-such-facility") == {}


def test_a_child_placed_outside_its_choices_comes_last_with_its_own_points(done_run):
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).values(*seat_lists.FIELDS))
    row = next(r for r in rows if r["facility_id"])
    elsewhere = next(f["id"] for f in done_run.summary["facility_table"]
                     if f["id"] not in {c["facility_id"] for c in row["choices"]})
    row["facility_id"] = elsewhere  # as staff placed it
    placed = seat_lists.build(rows)[elsewhere][row["age_class"]]["placed"]
    assert placed[-1]["child_id"] == row["child_id"]
    assert placed[-1]["wish"] is None and placed[-1]["rank"] is None and placed[-1]["points"] == row["points"]


def test_a_facility_page_reads_its_own_stored_row_only(done_run, django_assert_num_queries):
    facility_id = done_run.summary["facility_table"][0]["id"]
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).values(*seat_lists.FIELDS))
    with django_assert_num_queries(1):
        lists = seat_lists.seat_lists(done_run, facility_id)
    assert lists == seat_lists.build(rows)[facility_id] and lists


def test_runs_stored_before_get_their_lists_from_their_rows(done_run):
    import importlib

    from django.apps import apps

    stored = {f: seat_lists.seat_lists(done_run, f) for f in
              RunFacility.objects.for_org(done_run.organisation_id).filter(run=done_run).values_list(
                  "facility_id", flat=True)}
    RunFacility.objects.for_org(done_run.organisation_id).filter(run=done_run).delete()
    assert seat_lists.seat_lists(done_run, next(iter(stored))) == {}
    importlib.import_module("kyodo.web.hoiku.migrations.0014_run_facility_lists").fill(apps, None)
    assert {f: seat_lists.seat_lists(done_run, f) for f in stored} == stored and len(stored) > 1


def test_a_failed_attempt_leaves_no_lists(done_run):
    from kyodo.web.hoiku.tasks import discard_partial_run

    discard_partial_run(done_run)
    assert not RunFacility.objects.for_org(done_run.organisation_id).filter(run=done_run).exists()


def test_a_stored_run_leaves_the_planner_reading_a_childs_row_by_the_runs_index(done_run):
    """Without statistics SQLite read a child's row through the organisation index: every row of every run."""
    import pytest
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    query = RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run, child_id="x")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        assert cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'hoiku_runchild'").fetchone()[0] > 0
        plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "run_id=? AND child_id=?" in plan, plan
