"""The notices ZIP's parts and file names (kyodo.hoiku.outputs.notices.archive), without writing PDFs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kyodo.hoiku import run_instance
from kyodo.hoiku.outputs.notices.archive import parts, safe_file_name
from kyodo.hoiku.tools.generate import generate_ward


@pytest.fixture(scope="module")
def outcome():  # type: ignore[no-untyped-def]
    instance = generate_ward(children=40, facilities=4, seed=3, fiscal_year=2026, sibling_share=0.0, max_choices=3)
    first = sorted(instance.facilities)[0]
    facilities = {**instance.facilities, first: replace(instance.facilities[first], name="江東/第一:保育園?")}
    return run_instance(replace(instance, facilities=facilities), "koto", seed=1, fiscal_year=2026)


def test_file_names_keep_japanese_and_drop_what_file_systems_refuse():
    assert safe_file_name('あ/い\\う:え*お?か"き<く>け|こ\x00') == "あいうえおかきくけこ"
    assert safe_file_name("  ..  ") == "_" and len(safe_file_name("長" * 200)) == 80


def test_per_facility_every_child_is_in_exactly_one_part_placed_or_waitlisted(outcome):  # type: ignore[no-untyped-def]
    found = parts(outcome, "facility")
    ids = [c for p in found for c in p.child_ids]
    assert sorted(ids) == sorted(outcome.instance.children)
    for part in found:
        if part.name == "保留.pdf":
            assert all(outcome.assignment[c] is None for c in part.child_ids)
        else:
            facility_id = part.name.split("_", 1)[0]
            assert all(outcome.assignment[c] == facility_id for c in part.child_ids)
    first = sorted(outcome.instance.facilities)[0]
    if any(outcome.assignment[c] == first for c in outcome.instance.children):
        assert f"{first}_江東第一保育園.pdf" in [p.name for p in found]


def test_per_child_one_part_each_in_its_facilitys_folder(outcome):  # type: ignore[no-untyped-def]
    found = parts(outcome, "child")
    assert len(found) == len(outcome.instance.children) and all(len(p.child_ids) == 1 for p in found)
    for part in found:
        folder, file = part.name.split("/")
        assert file == f"{part.child_ids[0]}.pdf"
        assert (folder == "保留") == (outcome.assignment[part.child_ids[0]] is None)


def test_an_unknown_grouping_is_refused(outcome):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown grouping"):
        parts(outcome, "household")
