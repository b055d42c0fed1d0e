"""What the guideline views do, as functions of rows: parse, publish, edit editions, merge updates, answer proposals.

Texts are parsed by the engine every time they are saved, so a malformed text never reaches the database; an
`InputError` goes back to the form with its Japanese problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.problems import InputError, Problem
from kyodo.shishin import MergeResult, Resolution, edition, merge, update, variables
from kyodo.shishin.edits import Hotspot, hotspots
from kyodo.shishin.model import ChangelogEntry, Document
from kyodo.shishin.parse import parse_document, serialize
from kyodo.web.audit.log import record
from kyodo.web.shishin.access import guidelines_for, latest_published, published_after
from kyodo.web.shishin.actions import ShishinAction
from kyodo.web.shishin.models import (
    ChangeProposal,
    Edition,
    EditionVersion,
    Guideline,
    GuidelineVersion,
    ProposalStatus,
    VersionStatus,
)


def version_doc(version: GuidelineVersion) -> Document:
    return parse_document(version.text, f"{version.guideline.title} 第{version.version}版")


def edition_doc(ev: EditionVersion) -> Document:
    return parse_document(ev.text, f"自治体版 {ev.number}")


def check_upstream(text: str, name: str, publisher: str) -> Document:
    doc = parse_document(text, name)
    if doc.meta.publisher != publisher:
        raise InputError([Problem(f"発行者は「{publisher}」にしてください(「{doc.meta.publisher}」)", file=name,
                                  row=1)])
    return doc


@transaction.atomic
def create_guideline(user: Any, text: str) -> GuidelineVersion:
    doc = check_upstream(text, "新しい指針", user.organisation.name)
    guideline = Guideline.objects.create(organisation_id=user.organisation_id, title=doc.meta.title, created_by=user)
    version: GuidelineVersion = GuidelineVersion.objects.create(
        organisation_id=user.organisation_id, guideline=guideline,
        version=doc.meta.version, text=text, created_by=user)
    record(user, ShishinAction.GUIDELINE_CREATE, version, title=doc.meta.title, version=doc.meta.version)
    return version


def _number(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def next_version(version: str) -> str:
    major, minor = (int(p) for p in version.split("."))
    return f"{major}.{minor + 1}"


@transaction.atomic
def create_draft(guideline: Guideline, user: Any) -> GuidelineVersion:
    """A draft of the next version, starting from the latest version's text (or returns the open draft)."""
    draft: GuidelineVersion | None = guideline.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest: GuidelineVersion = guideline.versions.order_by("-created_at", "-id").first()
    doc = version_doc(latest)
    number = next_version(doc.meta.version)
    entry = ChangelogEntry(number, timezone.localdate(), "")
    meta = replace(doc.meta, version=number, date=timezone.localdate(), changelog=(*doc.meta.changelog, entry))
    draft = GuidelineVersion.objects.create(organisation_id=guideline.organisation_id, guideline=guideline,
                                            version=number, text=serialize(replace(doc, meta=meta)), created_by=user)
    record(user, ShishinAction.DRAFT_CREATE, draft, version=number)
    return draft


def save_draft(version: GuidelineVersion, user: Any, text: str) -> None:
    doc = check_upstream(text, f"第{version.version}版の下書き", version.organisation.name)
    taken: bool = version.guideline.versions.filter(version=doc.meta.version).exclude(pk=version.pk).exists()
    if taken:
        raise InputError([Problem(f"第{doc.meta.version}版はすでにあります", file="下書き", row=1)])
    published = [v.version for v in version.guideline.versions.filter(status=VersionStatus.PUBLISHED)]
    if published and _number(doc.meta.version) <= max(_number(v) for v in published):
        raise InputError([Problem(f"版は公開済みの第{max(published, key=_number)}版より新しくしてください", file="下書き",
                                  row=1)])
    version.text, version.version = text, doc.meta.version
    version.save(update_fields=["text", "version"])
    record(user, ShishinAction.DRAFT_EDIT, version, version=version.version)


def publish(version: GuidelineVersion, user: Any) -> None:
    version_doc(version)  # still valid
    version.status, version.published_by, version.published_at = VersionStatus.PUBLISHED, user, timezone.now()
    version.save(update_fields=["status", "published_by", "published_at"])
    record(user, ShishinAction.PUBLISH, version, version=version.version)


# --- editions
def _save(ed: Edition, user: Any, doc: Document, upstream: GuidelineVersion, note: str) -> EditionVersion:
    current = ed.current() if ed.pk else None
    number = current.number + 1 if current else 1
    ev: EditionVersion = EditionVersion.objects.create(
        organisation_id=ed.organisation_id, edition=ed, number=number, upstream=upstream, text=serialize(doc),
        note=note[:200], created_by=user)
    return ev


@transaction.atomic
def create_edition(guideline: Guideline, user: Any, values: dict[str, str]) -> Edition:
    upstream = latest_published(guideline)
    assert upstream is not None
    doc = edition.start(version_doc(upstream), values, user.organisation.name)
    ed: Edition = Edition.objects.create(organisation_id=user.organisation_id, guideline=guideline, created_by=user)
    _save(ed, user, doc, upstream, f"第{upstream.version}版から作成")
    record(user, ShishinAction.EDITION_CREATE, ed, guideline=guideline.title, version=upstream.version)
    return ed


def save_edition(ed: Edition, user: Any, doc: Document, note: str) -> EditionVersion:
    ev = _save(ed, user, doc, ed.current().upstream, note)
    record(user, ShishinAction.EDITION_EDIT, ed, note=note, number=ev.number)
    return ev


def set_variables(ed: Edition, user: Any, values: dict[str, str]) -> int:
    """New variable values, merged like an update so local edits stay. Returns how many local edits kept old text."""
    current = ed.current()
    upstream, ours = version_doc(current.upstream), edition_doc(current)
    # base = upstream with the old values, theirs = upstream with the new ones: the values change like an update.
    result = merge(variables.apply(upstream, ours.meta.variables), ours, variables.apply(upstream, values))
    resolutions = {c.index: (Resolution.OURS, "") for c in result.conflicts}
    doc = edition.set_values(result.document(resolutions), values)
    doc = replace(doc, meta=replace(doc.meta, based_on=current.upstream.version))
    save_edition(ed, user, doc, "変数の値を変更")
    return len(resolutions)


@dataclass(frozen=True)
class PendingUpdate:
    upstream: GuidelineVersion  # the new version
    result: MergeResult


def pending_update(ed: Edition) -> PendingUpdate | None:
    """The merge preview when 東京都 published a newer version than the edition's, else None."""
    current = ed.current()
    latest = latest_published(ed.guideline)
    if latest is None or latest.pk == current.upstream_id or not _newer(latest, current.upstream):
        return None
    result = update(version_doc(current.upstream), edition_doc(current), version_doc(latest))
    return PendingUpdate(latest, result)


def _newer(a: GuidelineVersion, b: GuidelineVersion) -> bool:
    return bool((a.published_at or timezone.now()) > (b.published_at or timezone.now()))


@transaction.atomic
def accept_update(ed: Edition, user: Any, pending: PendingUpdate,
                  resolutions: dict[int, tuple[Resolution, str]]) -> EditionVersion:
    doc = pending.result.document(resolutions)
    ev = _save(ed, user, doc, pending.upstream, f"東京都の第{pending.upstream.version}版を取り込み"
               f"(競合 {len(pending.result.conflicts)} 件を解決)")
    record(user, ShishinAction.EDITION_UPDATE, ed, version=pending.upstream.version, number=ev.number,
           conflicts=len(pending.result.conflicts),
           resolutions={str(i): str(choice) for i, (choice, _) in resolutions.items()})
    return ev


# --- proposals
@transaction.atomic
def accept_proposal(proposal: ChangeProposal, user: Any, answer: str) -> GuidelineVersion:
    """Writes the proposed text into the next version's draft (made if needed) and answers the proposal."""
    draft: GuidelineVersion = create_draft(proposal.guideline, user)
    doc = version_doc(draft)
    if doc.section(proposal.section_id) is None:
        raise InputError([Problem(f"下書きに節「{proposal.section_id}」がありません", file="下書き")])
    doc = edition.replace_body(doc, proposal.section_id, proposal.proposed_text)
    draft.text = serialize(doc)
    draft.save(update_fields=["text"])
    _answer(proposal, user, ProposalStatus.ACCEPTED, answer or f"第{draft.version}版に反映します。", draft)
    return draft


def answer_proposal(proposal: ChangeProposal, user: Any, answer: str) -> None:
    _answer(proposal, user, ProposalStatus.ANSWERED, answer, None)


def _answer(proposal: ChangeProposal, user: Any, status: Any, answer: str, into: GuidelineVersion | None) -> None:
    proposal.status, proposal.answer, proposal.accepted_into = status, answer, into
    proposal.answered_by, proposal.answered_at = user, timezone.now()
    proposal.save()
    record(user, ShishinAction.PROPOSAL_ANSWER, proposal, organisation_id=proposal.organisation_id, status=status)


def variable_names(doc: Document) -> list[tuple[str, str]]:
    """(name, what to fill in) of every variable an upstream version declares or uses."""
    names = dict(doc.meta.variables)
    for name in variables.used(doc):
        names.setdefault(name, "")
    return list(names.items())


# --- 東京都's view
@dataclass
class EditionStatus:
    edition: Edition
    current: EditionVersion
    behind: int  # versions published after the one the edition is based on


@dataclass
class GuidelineStatus:
    guideline: Guideline
    latest: GuidelineVersion | None
    editions: list[EditionStatus] = field(default_factory=list)
    hotspots: list[Hotspot] = field(default_factory=list)

    @property
    def behind(self) -> int:
        return sum(1 for e in self.editions if e.behind)


def tokyo_view(user: Any) -> list[GuidelineStatus]:
    """For 東京都's editors: every guideline's editions, how far behind they are, and the most edited sentences."""
    rows = {g.pk: GuidelineStatus(g, latest_published(g)) for g in guidelines_for(user)}
    pairs: dict[int, list[tuple[Document, Document]]] = {pk: [] for pk in rows}
    editions = Edition.objects.unscoped("東京都's view of every edition's version (issue 12)").select_related(
        "organisation", "guideline")
    for ed in editions:
        if ed.guideline_id not in rows:
            continue
        current = ed.current()
        rows[ed.guideline_id].editions.append(EditionStatus(ed, current, published_after(current.upstream)))
        pairs[ed.guideline_id].append((version_doc(current.upstream), edition_doc(current)))
    for pk, row in rows.items():
        row.hotspots = hotspots(pairs[pk])
    return list(rows.values())
