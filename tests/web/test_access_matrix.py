"""Every URL of every app, for every kind of visitor.

- anonymous: sent to the login page (except the public login/logout pages);
- Charlie (staff of 大田区): 403 or 404 on 江東区's objects, and never any of 江東区's personal data in a body;
- Bob (staff of 江東区): 403 on administrator pages;
- Alice (administrator of 江東区): the page works (or 405 for a GET on a POST-only URL).

A URL with no entry here fails `test_every_url_has_a_matrix_entry`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kyodo.web.hoiku import services
from kyodo.web.hoiku.models import Decision, RunChild, RunStatus

from .gijiroku.world import gj
from .jinzai.world import jz

Objects = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    # "public", "member" (any signed-in member of the organisation), "admin" (organisation administrator)
    # or "platform" (platform administrator; organisation administrators get 403 there too)
    # jinzai: "coordinator" (東京都's coordinators) and "specialist" (a specialist's own pages), both with the
    # objects and clients of tests/web/jinzai/world.py; 江東区's staff get 403 there
    level: str
    method: str = "get"
    kwargs: Callable[[Objects], dict[str, Any]] = lambda o: {}


def _run(o: Objects) -> dict[str, Any]:
    return {"pk": o["run"].pk}


MATRIX: dict[str, Entry] = {
    "accounts:login": Entry("public"),
    "accounts:logout": Entry("public", "post"),
    "accounts:home": Entry("member"),
    "accounts:user_list": Entry("admin"),
    "accounts:user_create": Entry("admin"),
    "accounts:user_edit": Entry("admin", kwargs=lambda o: {"pk": o["bob"].pk}),
    "accounts:organisation_list": Entry("platform"),
    "accounts:organisation_admin_create": Entry("platform", kwargs=lambda o: {"pk": o["run"].organisation_id}),
    "audit:list": Entry("admin"),
    "hoiku:round_list": Entry("member"),
    "hoiku:round_create": Entry("member"),
    "hoiku:round_detail": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:upload": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:run_start": Entry("member", "post", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:decision_create": Entry("member", "post", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:decision_revoke": Entry("member", "post", kwargs=lambda o: {"pk": o["decision"].pk}),
    "hoiku:run_detail": Entry("member", kwargs=_run),
    "hoiku:run_progress": Entry("member", kwargs=_run),
    "hoiku:run_reproduce": Entry("member", "post", kwargs=_run),
    "hoiku:run_retry": Entry("member", "post", kwargs=_run),
    "hoiku:waitlist": Entry("member", kwargs=_run),
    "hoiku:flags": Entry("member", kwargs=_run),
    "hoiku:facility_detail": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "facility_id": o["facility"]}),
    "hoiku:child_detail": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "child_id": o["child"].child_id}),
    "hoiku:run_diff": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "other": o["other"].pk}),
    "hoiku:input_download": Entry("member", kwargs=lambda o: {"pk": o["run"].input_set_id, "role": "children"}),
    "hoiku:download": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "kind": "csv"}),
    "jinzai:home": Entry("member", kwargs=jz("")),
    "jinzai:request_list": Entry("member", kwargs=jz("")),
    "jinzai:request_create": Entry("member", kwargs=jz("")),
    "jinzai:request_detail": Entry("member", kwargs=jz("request")),
    "jinzai:request_edit": Entry("member", kwargs=jz("request")),
    "jinzai:request_withdraw": Entry("member", "post", kwargs=jz("request")),
    "jinzai:engagement_list": Entry("member", kwargs=jz("")),
    "jinzai:engagement_detail": Entry("member", kwargs=jz("engagement")),
    "jinzai:engagement_rating": Entry("member", "post", kwargs=jz("engagement")),
    "jinzai:engagement_report": Entry("specialist", "post", kwargs=jz("engagement")),
    "jinzai:my_profile": Entry("specialist", kwargs=jz("")),
    "jinzai:absence_add": Entry("specialist", "post", kwargs=jz("")),
    "jinzai:absence_delete": Entry("specialist", "post", kwargs=jz("absence")),
    "jinzai:specialist_list": Entry("coordinator", kwargs=jz("")),
    "jinzai:specialist_create": Entry("coordinator", kwargs=jz("")),
    "jinzai:specialist_edit": Entry("coordinator", kwargs=jz("specialist")),
    "jinzai:board": Entry("coordinator", kwargs=jz("")),
    "jinzai:run_start": Entry("coordinator", "post", kwargs=jz("")),
    "jinzai:run_progress": Entry("coordinator", kwargs=jz("run")),
    "jinzai:run_retry": Entry("coordinator", "post", kwargs=jz("run")),
    "jinzai:proposal_confirm": Entry("coordinator", "post", kwargs=jz("proposal")),
    "jinzai:proposal_decline": Entry("coordinator", "post", kwargs=jz("proposal")),
    "jinzai:charts": Entry("coordinator", kwargs=jz("")),
    "gijiroku:meeting_list": Entry("member", kwargs=gj("")),
    "gijiroku:upload": Entry("member", kwargs=gj("")),
    "gijiroku:meeting_detail": Entry("member", kwargs=gj("meeting")),
    "gijiroku:progress": Entry("member", kwargs=gj("meeting")),
    "gijiroku:audio": Entry("member", kwargs=gj("meeting")),
    "gijiroku:transcribe_again": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:meeting_delete": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:speakers": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:export": Entry("member", kwargs=gj("meeting", style="full", fmt="docx")),
    "gijiroku:segment_edit": Entry("member", "post", kwargs=gj("segment")),
    "gijiroku:glossary": Entry("member", kwargs=gj("")),
    "gijiroku:corrections": Entry("member", kwargs=gj("")),
    "gijiroku:attendees": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:speaker_add": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:replace": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:speaker_assign": Entry("member", "post", kwargs=gj("speaker")),
    "gijiroku:segment_split": Entry("member", "post", kwargs=gj("segment")),
    "gijiroku:segment_merge": Entry("member", "post", kwargs=gj("segment")),
    "gijiroku:search": Entry("member", kwargs=gj("")),
}


def _names(patterns: list[Any], namespace: str = "") -> set[str]:
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= _names(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_has_a_matrix_entry():
    names = _names(get_resolver().url_patterns)
    assert names - set(MATRIX) == set(), "add these URLs to MATRIX"
    assert set(MATRIX) - names == set(), "MATRIX names URLs that do not exist"


@pytest.fixture
def objects(done_run, alice, bob) -> Objects:
    rows = RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).order_by("child_id")
    child = rows.first()
    other = services.start_run(done_run.round, alice, reproduce=done_run)
    other.refresh_from_db()
    assert other.status == RunStatus.DONE
    decision = Decision.objects.create(
        organisation_id=done_run.organisation_id, round=done_run.round, child_id=child.child_id,
        kind="withdraw", reason="辞退の申し出", created_by=alice,
    )
    return {
        "run": done_run, "other": other, "round": done_run.round, "child": child, "decision": decision,
        "facility": child.choices[0]["facility_id"], "bob": bob,
        # Text that only 江東区's users may ever see.
        "secrets": [*(r.name for r in rows[:5]), bob.display_name, alice.display_name, done_run.round.title],
    }


def _request(client: Client, entry: Entry, url: str):  # type: ignore[no-untyped-def]
    return client.post(url) if entry.method == "post" else client.get(url)


def test_the_matrix(objects, alice_client, bob_client, charlie_client, platform_client):
    failures = []
    for name, entry in MATRIX.items():
        url = reverse(name, kwargs=entry.kwargs(objects))
        anonymous = _request(Client(), entry, url)
        if entry.level != "public" and not (
            anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
        ):
            failures.append(f"{name}: anonymous got {anonymous.status_code}")
        if entry.level == "public":
            continue
        other = _request(charlie_client, entry, url)
        body = other.content.decode(errors="replace")
        leaked = [s for s in objects["secrets"] if s and s in body]
        if leaked:
            failures.append(f"{name}: Charlie saw {leaked}")
        if entry.kwargs(objects) and other.status_code not in (403, 404):
            failures.append(f"{name}: Charlie got {other.status_code}")
        if entry.level in ("admin", "platform", "coordinator", "specialist"):
            staff = _request(bob_client, entry, url)
            if staff.status_code != 403:
                failures.append(f"{name}: staff got {staff.status_code}")
        if entry.level == "platform":
            org_admin = _request(alice_client, entry, url)
            if org_admin.status_code != 403:
                failures.append(f"{name}: an organisation administrator got {org_admin.status_code}")
            owner = _request(platform_client, entry, url)
            if owner.status_code != 200:
                failures.append(f"{name}: the platform administrator got {owner.status_code}")
            continue
        owner = objects.get(f"{entry.level}_client", alice_client).get(url)  # jinzai levels bring their own
        expected = 405 if entry.method == "post" else 200
        if owner.status_code != expected:
            failures.append(f"{name}: Alice got {owner.status_code}, expected {expected}")
    assert failures == []
