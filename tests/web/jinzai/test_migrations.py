"""Declines made before requests kept their own exclusions become those requests' exclusions."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .world import TOKYO

BEFORE, AFTER = [("jinzai", "0001_initial")], [("jinzai", "0002_request_excluded")]


@pytest.fixture
def executor():  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    yield executor
    # Back to the latest schema for the tests that follow (the seeded rows come back by serialized rollback).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_declined_proposals_become_exclusions_of_their_request_only(executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation, user_model = old.get_model("accounts", "Organisation"), old.get_model("accounts", "User")
    tokyo, koto = organisation.objects.get(code=TOKYO), organisation.objects.get(code="131083")
    user = user_model.objects.create(username="dora", organisation=tokyo)
    specialist_model, request_model = old.get_model("jinzai", "Specialist"), old.get_model("jinzai", "TalentRequest")
    eve, frank = (specialist_model.objects.create(organisation=tokyo, name=n) for n in ("江戸 絵里", "布施 文男"))
    fields = {"organisation": koto, "created_by": user, "purpose": "目的", "deliverable": "成果物", "mode": "リモート",
              "amount": 8, "unit": "時間", "start": date(2026, 4, 6), "end": date(2026, 4, 17)}
    declined, untouched = (request_model.objects.create(title=t, **fields) for t in ("見送った依頼", "別の依頼"))
    run = old.get_model("jinzai", "MatchingRun").objects.create(organisation=tokyo, created_by=user)
    proposal = old.get_model("jinzai", "Proposal").objects
    proposal.create(organisation=tokyo, run=run, request=declined, specialist=frank, status="declined")
    proposal.create(organisation=tokyo, run=run, request=declined, specialist=eve, status="declined")
    proposal.create(organisation=tokyo, run=run, request=untouched, specialist=eve, status="proposed")

    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("jinzai", "TalentRequest")
    assert new.objects.get(pk=declined.pk).excluded == sorted([eve.pk, frank.pk])
    assert new.objects.get(pk=untouched.pk).excluded == []
