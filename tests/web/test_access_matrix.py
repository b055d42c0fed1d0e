"""Every URL of every app, for every kind of visitor, with every method.

- anonymous: sent to the login page (except the public login/logout pages), on GET and on POST;
- Charlie (staff of 大田区) and Dave (administrator of 大田区): 403 or 404 on 江東区's objects and on pages above
  their level, on GET and on POST, and never any of 江東区's data in a body: the ids, points and names of all of
  its children and the names of all of its staff (and what each app's world adds); nothing of 江東区's changes;
- Bob (staff of 江東区): 403 on administrator, coordinator, specialist and platform pages, on GET and on POST;
- Alice (administrator of 江東区): the page works (or 405 for a GET on a POST-only URL).

Every app's objects are made before the first request, so every page is checked against every secret.
A URL with no entry here fails `test_every_url_has_a_matrix_entry`; two URL patterns with one name fail too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.apps import apps
from django.db.models import F
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kyodo.web.accounts.models import Role, User
from kyodo.web.hoiku import services
from kyodo.web.hoiku.models import Decision, RunChild, RunStatus

from .conftest import client_for, make_user
from .gijiroku.world import gj
from .hoiku_documents.world import hd
from .hoiku_rules_world import hr
from .hyojunka.world import hy
from .jinzai.world import jz
from .jirei.world import jr
from .kenshu.world import ks
from .shishin.world import sh

Objects = dict[str, Any]
# Shifted onto every child's points in the matrix (see `objects`): a leaked point count is then unmistakable.
POINTS_MARK = 7_310_000


@dataclass(frozen=True)
class Entry:
    # "public", "member" (any signed-in member of the organisation), "admin" (organisation administrator)
    # or "platform" (platform administrator; organisation administrators get 403 there too)
    # jinzai: "coordinator" (東京都's coordinators) and "specialist" (a specialist's own pages), both with the
    # objects and clients of tests/web/jinzai/world.py; 江東区's staff get 403 there
    # shishin: "shared" (published guidelines every organisation reads: Charlie gets the page, never 江東区's data)

    # kenshu: "kenshu_tokyo" (東京都's training administrators, tests/web/kenshu/world.py); others get 403 there
    level: str
    method: str = "get"  # the method the page is used with: "get" (a page or a form) or "post" (an action)
    kwargs: Callable[[Objects], dict[str, Any]] = lambda o: {}


def _run(o: Objects) -> dict[str, Any]:
    return {"pk": o["run"].pk}


def _letters(o: Objects) -> dict[str, Any]:
    """江東区's 通知書の設定, with text no other organisation may see."""
    from datetime import date

    from kyodo.web.hoiku.models import LetterSetting

    LetterSetting.objects.create(
        organisation_id=o["run"].organisation_id, document_number="江こ保秘第4242号", issue_date=date(2027, 2, 1),
        mayor="秘密 江東区長", contact_section="秘密係", contact_phone="03-4242-4242", updated_by=o["bob"],
    )
    o["secrets"] += ["江こ保秘第4242号", "秘密 江東区長", "03-4242-4242"]
    return {}


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
    "healthz": Entry("public"),
    "portal:notifications": Entry("member"),
    "portal:notification_read": Entry("member", "post"),
    "hoiku:round_list": Entry("member"),
    "hoiku:round_create": Entry("member"),
    "hoiku:round_detail": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:upload": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:run_start": Entry("member", "post", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:decision_create": Entry("member", "post", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:decision_revoke": Entry("member", "post", kwargs=lambda o: {"pk": o["decision"].pk}),
    "hoiku:next_round": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:vacancies": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:upload_problems": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:template_download": Entry("shared", kwargs=lambda o: {"role": "children"}),  # no organisation's data
    "hoiku:run_detail": Entry("member", kwargs=_run),
    "hoiku:run_progress": Entry("member", kwargs=_run),
    "hoiku:run_reproduce": Entry("member", "post", kwargs=_run),
    "hoiku:run_retry": Entry("member", "post", kwargs=_run),
    "hoiku:waitlist": Entry("member", kwargs=_run),
    "hoiku:flags": Entry("member", kwargs=_run),
    "hoiku:facility_detail": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "facility_id": o["facility"]}),
    "hoiku:child_detail": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "child_id": o["child"].child_id}),
    "hoiku:run_diff": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "other": o["other"].pk}),
    "hoiku:children_list": Entry("member", kwargs=_run),
    "hoiku:decision_preview": Entry("member", kwargs=_run),
    "hoiku:input_download": Entry("member", kwargs=lambda o: {"pk": o["run"].input_set_id, "role": "children"}),
    "hoiku:download": Entry("member", kwargs=lambda o: {"pk": o["run"].pk, "kind": "csv"}),
    "hoiku:rules_list": Entry("member", kwargs=hr("")),
    "hoiku:rules_start": Entry("admin", "post", kwargs=hr("")),
    "hoiku:rules_upload": Entry("admin", kwargs=hr("")),
    "hoiku:rules_detail": Entry("member", kwargs=hr("version")),
    "hoiku:rules_confirm": Entry("admin", "post", kwargs=hr("version")),
    "hoiku:rules_diff": Entry("member", kwargs=hr("version")),
    "hoiku:rules_download": Entry("member", kwargs=hr("version", fmt="xlsx")),
    "hoiku:parity_upload": Entry("member", kwargs=hr("run")),
    "hoiku:parity_detail": Entry("member", kwargs=hr("parity")),
    "hoiku:parity_download": Entry("member", kwargs=hr("parity")),
    "hoiku:letter_settings": Entry("admin", kwargs=_letters),
    "hoiku:run_confirm": Entry("admin", kwargs=_run),
    "hoiku:run_unconfirm": Entry("admin", kwargs=_run),
    "hoiku:archive_start": Entry("member", "post", kwargs=_run),
    "hoiku:archive_detail": Entry("member", kwargs=hd("archive")),
    "hoiku:archive_download": Entry("member", kwargs=hd("archive")),
    "hoiku:decision_import": Entry("member", kwargs=lambda o: {"pk": o["round"].pk}),
    "hoiku:whatif_start": Entry("member", kwargs=_run),
    "hoiku:whatif_detail": Entry("member", kwargs=hd("whatif")),
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
    "jinzai:specialist_import": Entry("coordinator", kwargs=jz("")),
    "jinzai:specialist_export": Entry("coordinator", kwargs=jz("")),
    "jinzai:request_import": Entry("member", kwargs=jz("")),
    "jinzai:request_export": Entry("member", kwargs=jz("")),
    "jinzai:coordinator_list": Entry("platform", kwargs=jz("")),
    "jinzai:engagement_implementation_report": Entry("member", "post", kwargs=jz("engagement")),
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
    "gijiroku:member_roles": Entry("member", kwargs=gj("")),
    "shishin:home": Entry("member", kwargs=sh("")),
    "shishin:guideline_create": Entry("coordinator", kwargs=sh("")),
    "shishin:demo_load": Entry("coordinator", "post", kwargs=sh("")),
    "shishin:guideline_detail": Entry("shared", kwargs=sh("guideline")),
    "shishin:draft_create": Entry("coordinator", "post", kwargs=sh("guideline")),
    "shishin:edition_create": Entry("shared", kwargs=sh("guideline")),
    "shishin:proposal_create": Entry("shared", kwargs=sh("guideline")),
    "shishin:version_detail": Entry("shared", kwargs=sh("published")),
    "shishin:version_diff": Entry("shared", kwargs=sh("published")),
    "shishin:version_edit": Entry("coordinator", kwargs=sh("draft")),
    "shishin:version_publish": Entry("coordinator", "post", kwargs=sh("draft")),
    "shishin:edition_detail": Entry("member", kwargs=sh("edition")),
    "shishin:edition_variables": Entry("member", kwargs=sh("edition")),
    "shishin:section_edit": Entry("member", kwargs=sh("edition", index=1)),
    "shishin:annex_add": Entry("member", kwargs=sh("edition")),
    "shishin:edition_update": Entry("member", kwargs=sh("edition")),
    "shishin:edition_version": Entry("member", kwargs=sh("edition", number=1)),
    "shishin:edition_download": Entry("member", kwargs=sh("edition", fmt="html")),
    "shishin:proposal_list": Entry("member", kwargs=sh("")),
    "shishin:proposal_detail": Entry("member", kwargs=sh("proposal")),
    "shishin:proposal_answer": Entry("coordinator", "post", kwargs=sh("proposal")),
    "shishin:request_list": Entry("member", kwargs=sh("")),
    "shishin:request_answer": Entry("coordinator", "post", kwargs=sh("request")),
    "shishin:dashboard": Entry("coordinator", kwargs=sh("")),

    "kenshu:home": Entry("member", kwargs=ks("")),
    "kenshu:notice_clear": Entry("member", "post", kwargs=ks("")),
    "kenshu:course_create": Entry("member", kwargs=ks("")),
    "kenshu:course_detail": Entry("member", kwargs=ks("course")),
    "kenshu:course_edit": Entry("member", kwargs=ks("course")),
    "kenshu:session_create": Entry("member", kwargs=ks("course")),
    "kenshu:session_detail": Entry("member", kwargs=ks("session")),
    "kenshu:session_ics": Entry("member", kwargs=ks("session")),
    "kenshu:session_qr": Entry("member", kwargs=ks("session")),
    "kenshu:session_attendance": Entry("member", kwargs=ks("session")),
    "kenshu:checkin": Entry("public", kwargs=ks("token")),
    "kenshu:survey_list": Entry("member", kwargs=ks("")),
    "kenshu:survey_create": Entry("kenshu_tokyo", kwargs=ks("")),
    "kenshu:survey_detail": Entry("kenshu_tokyo", kwargs=ks("survey")),
    "kenshu:survey_status": Entry("kenshu_tokyo", "post", kwargs=ks("survey")),
    "kenshu:run_start": Entry("kenshu_tokyo", "post", kwargs=ks("survey")),
    "kenshu:run_progress": Entry("kenshu_tokyo", kwargs=ks("run")),
    "kenshu:survey_answer": Entry("member", "post", kwargs=ks("")),
    "kenshu:nominate": Entry("member", kwargs=ks("")),
    "kenshu:nomination_list": Entry("member", kwargs=ks("")),
    "kenshu:nomination_approve": Entry("member", "post", kwargs=ks("nomination")),
    "kenshu:nomination_cancel": Entry("member", "post", kwargs=ks("nomination")),
    "kenshu:certificate": Entry("member", kwargs=ks("nomination")),
    "kenshu:staff_record": Entry("member", kwargs=ks("")),
    "kenshu:report": Entry("member", kwargs=ks("")),
    "kenshu:report_xlsx": Entry("member", kwargs=ks("")),

    # hyojunka: "coordinator" here is any member of 東京都 (jinzai's Dora), who alone sees the Tokyo-wide dashboard
    "hyojunka:home": Entry("member", kwargs=hy("")),
    "hyojunka:monthly_submit": Entry("member", "post", kwargs=hy("")),
    "hyojunka:survey_upload": Entry("member", kwargs=hy("")),
    "hyojunka:survey_template": Entry("member", kwargs=hy("")),
    "hyojunka:plan_detail": Entry("member", kwargs=hy("plan")),
    "hyojunka:step_update": Entry("member", "post", kwargs=hy("plan", number=6)),
    "hyojunka:help_request": Entry("member", kwargs=hy("plan", number=6)),
    "hyojunka:fitgap": Entry("member", kwargs=hy("plan")),
    "hyojunka:overview": Entry("member", kwargs=hy("")),
    "hyojunka:dashboard": Entry("coordinator", kwargs=hy("")),
    "hyojunka:dashboard_export": Entry("coordinator", kwargs=hy("")),

    "jirei:search": Entry("member", kwargs=jr("")),
    "jirei:mine": Entry("member", kwargs=jr("")),
    "jirei:export": Entry("member", kwargs=jr("")),
    "jirei:import": Entry("member", kwargs=jr("")),
    "jirei:case_create": Entry("member", kwargs=jr("")),
    "jirei:case_detail": Entry("member", kwargs=jr("case")),
    "jirei:case_edit": Entry("member", kwargs=jr("case")),
    "jirei:case_publish": Entry("member", "post", kwargs=jr("case")),
    "jirei:case_delete": Entry("member", "post", kwargs=jr("case")),
    "jirei:attachment_upload": Entry("member", "post", kwargs=jr("case")),
    "jirei:attachment_download": Entry("member", kwargs=jr("attachment")),
    "jirei:attachment_delete": Entry("member", "post", kwargs=jr("attachment")),
    "jirei:question_create": Entry("member", "post", kwargs=jr("case")),
    "jirei:question_answer": Entry("member", "post", kwargs=jr("question")),
    "jirei:contact_create": Entry("member", kwargs=jr("case")),
    "jirei:contact_list": Entry("member", kwargs=jr("")),

    "gijiroku:attendees": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:speaker_add": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:replace": Entry("member", "post", kwargs=gj("meeting")),
    "gijiroku:speaker_assign": Entry("member", "post", kwargs=gj("speaker")),
    "gijiroku:segment_split": Entry("member", "post", kwargs=gj("segment")),
    "gijiroku:segment_merge": Entry("member", "post", kwargs=gj("segment")),
    "gijiroku:search": Entry("member", kwargs=gj("")),
}


def _names(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names += _names(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            names.append(f"{namespace}{p.name}")
    return names


def test_every_url_has_a_matrix_entry():
    names = _names(get_resolver().url_patterns)
    assert set(names) - set(MATRIX) == set(), "add these URLs to MATRIX"
    assert set(MATRIX) - set(names) == set(), "MATRIX names URLs that do not exist"


def test_no_two_url_patterns_share_a_name():
    # reverse() reaches only one of them, so the matrix would check one and leave the other unchecked.
    names = _names(get_resolver().url_patterns)
    assert [n for n, count in Counter(names).items() if count > 1] == []


def test_duplicate_names_are_found():
    from django.urls import include, path

    inner = [path("a/", lambda r: None, name="x"), path("b/", lambda r: None, name="x")]
    found = _names([path("app/", include((inner, "app"))), path("c/", lambda r: None, name="y")])
    assert sorted(found) == ["app:x", "app:x", "y"]


@pytest.fixture(scope="session")
def ward_files(tmp_path_factory):
    """The shared small ward with 江東区-looking ids (KT…), so that a leaked child or household id is recognisable
    in a page (the generator numbers children 1, 2, …, which any page contains)."""
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.tools.generate import generate_ward

    inst = generate_ward(children=60, facilities=6, seed=7, fiscal_year=2026, sibling_share=0.0, max_choices=4)
    children = {
        f"KT{int(c.id):05d}C": replace(c, id=f"KT{int(c.id):05d}C", household_id=f"KT{c.household_id}H")
        for c in inst.children.values()
    }
    households = {f"KT{h.id}H": replace(h, id=f"KT{h.id}H") for h in inst.households.values()}
    directory = tmp_path_factory.mktemp("matrix-ward")
    write_instance(replace(inst, children=children, households=households), directory, formats=("csv",))
    return directory


@pytest.fixture
def dave(ota) -> User:
    return make_user("dave", ota, Role.ORG_ADMIN, "大田 管理者")


@pytest.fixture
def objects(done_run, alice, bob) -> Objects:
    RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).update(points=F("points") + POINTS_MARK)
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).order_by("child_id"))
    child = rows[0]
    other = services.start_run(done_run.round, alice, reproduce=done_run)
    other.refresh_from_db()
    assert other.status == RunStatus.DONE
    RunChild.objects.for_org(done_run.organisation_id).filter(run=other).update(points=F("points") + POINTS_MARK)
    decision = Decision.objects.create(
        organisation_id=done_run.organisation_id, round=done_run.round, child_id=child.child_id,
        kind="withdraw", reason="辞退の申し出", created_by=alice,
    )
    return {
        "run": done_run, "other": other, "round": done_run.round, "child": child, "decision": decision,
        "facility": child.choices[0]["facility_id"], "bob": bob,
        # Text that only 江東区's users may ever see; each app's world adds its own.
        "secrets": [
            *(r.name for r in rows if r.name),
            *(r.child_id for r in rows),
            *(r.household_id for r in rows),
            *(str(r.points) for r in rows),
            done_run.round.title,
        ],
    }


def _secrets(objects: Objects) -> list[str]:
    """All secrets, once every app's objects exist: with the names of all of 江東区's staff by then."""
    staff = User.objects.filter(organisation_id=objects["run"].organisation_id)
    return sorted({s for s in [*objects["secrets"], *(u.display_name for u in staff)] if s})


def _request(client: Client, method: str, url: str):  # type: ignore[no-untyped-def]
    return client.post(url) if method == "post" else client.get(url)


def _snapshot(organisation_id: int) -> dict[str, list[str]]:
    """Every row of 江東区's, field by field, per table: to see that nothing a refused visitor sent changed any
    of them. (Their own organisation's rows may change: a page may create their glossary on first visit.)"""
    found = {}
    for m in apps.get_models():
        if m._meta.label_lower == "sessions.session" or "organisation" not in {f.name for f in m._meta.fields}:
            continue
        rows = m._base_manager.filter(organisation_id=organisation_id).order_by("pk").values()
        found[m._meta.label_lower] = [repr(sorted(r.items())) for r in rows]
    return found


ABOVE_MEMBER = ("admin", "platform", "coordinator", "specialist", "kenshu_tokyo")


def _refused(name: str, entry: Entry, kwargs: dict[str, Any], who: str, method: str, status: int) -> str | None:
    """Why a refused visitor's response is wrong, or None. The other method than the page's may also be 405."""
    allowed = {403, 404} | ({405} if method != entry.method else set())
    if entry.level == "shared":  # every organisation reads it: only the secrets check applies
        return None
    if (kwargs or entry.level in ABOVE_MEMBER) and status not in allowed:
        return f"{name}: {who} got {status} on {method.upper()}"
    return None


# The visitor's own CSRF tokens are random letters and digits: a short secret (a household number such as KT7H)
# turns up in one now and then by chance. They are taken out before the secrets are looked for.
_TOKENS = re.compile(r'(?<=csrfmiddlewaretoken" value=")[^"]+|(?<="X-CSRFToken": ")[^"]+')


def _check_foreigners(name, entry, url, kwargs, visitors, secrets) -> list[str]:  # type: ignore[no-untyped-def]
    failures = []
    for who, client in visitors.items():
        for method in ("get", "post"):
            response = _request(client, method, url)
            body = _TOKENS.sub("", response.content.decode(errors="replace"))
            leaked = [s for s in secrets if s in body]
            if leaked:
                failures.append(f"{name}: {who} saw {leaked[:5]} on {method.upper()}")
            level = entry.level if who != "Dave" or entry.level != "admin" else "member"  # his own organisation's
            problem = _refused(name, replace(entry, level=level), kwargs, who, method, response.status_code)
            if problem:
                failures.append(problem)
    return failures


def test_the_matrix(objects, alice_client, bob_client, charlie_client, dave, platform_client):
    # Every app's objects first (each app's kwargs function makes them), then the secrets are complete.
    urls = {name: (entry, entry.kwargs(objects)) for name, entry in MATRIX.items()}
    urls = {name: (entry, kwargs, reverse(name, kwargs=kwargs)) for name, (entry, kwargs) in urls.items()}
    secrets = _secrets(objects)
    foreigners = {"Charlie": charlie_client, "Dave": client_for(dave)}
    failures = []
    before = _snapshot(objects["run"].organisation_id)
    for name, (entry, kwargs, url) in urls.items():
        for method in ("get", "post"):
            anonymous = _request(Client(), method, url)
            redirected = anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
            if entry.level != "public" and not redirected and not (method != entry.method and anonymous.status_code == 405):
                failures.append(f"{name}: anonymous got {anonymous.status_code} on {method.upper()}")
        if entry.level == "public":
            continue
        failures += _check_foreigners(name, entry, url, kwargs, foreigners, secrets)
        if entry.level in ABOVE_MEMBER:
            for method in ("get", "post"):
                staff = _request(bob_client, method, url)
                if staff.status_code not in ({403} | ({405} if method != entry.method else set())):
                    failures.append(f"{name}: staff got {staff.status_code} on {method.upper()}")
    after = _snapshot(objects["run"].organisation_id)
    assert [t for t in before if after[t] != before[t]] == [], "a refused visitor changed 江東区's rows"
    for name, (entry, _kwargs, url) in urls.items():
        if entry.level == "public":
            continue
        if entry.level == "platform":
            org_admin = alice_client.get(url)
            if org_admin.status_code != 403:
                failures.append(f"{name}: an organisation administrator got {org_admin.status_code}")
            owner = platform_client.get(url)
            if owner.status_code != 200:
                failures.append(f"{name}: the platform administrator got {owner.status_code}")
            continue
        owner = objects.get(f"{entry.level}_client", alice_client).get(url)  # jinzai levels bring their own
        expected = 405 if entry.method == "post" else 200
        if owner.status_code != expected:
            failures.append(f"{name}: Alice got {owner.status_code}, expected {expected}")
    assert failures == []
