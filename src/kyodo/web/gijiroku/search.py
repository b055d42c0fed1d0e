"""Search across an organisation's meetings through the database's full-text index (kyodo.gijiroku.search).

The words are matched by the index (FTS5 on SQLite, the tsvector column on PostgreSQL: migration 0005) inside the
organisation's finished meetings; the speaker, when given, narrows the rows to the voices whose label
(○議長(山田太郎君), 子ども未来部長, 発言者3) holds it. Only the rows shown are read.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from kyodo.gijiroku import search as engine
from kyodo.web.gijiroku.models import Meeting, MeetingStatus, Segment, Speaker, member_roles_of

LIMIT = 200


def _matching(qs: QuerySet[Segment], query: str) -> QuerySet[Segment]:
    if connection.vendor == "sqlite":
        sql = ("gijiroku_segment.id IN (SELECT rowid FROM gijiroku_segment_fts "
               "WHERE gijiroku_segment_fts MATCH %s)")
        return qs.extra(where=[sql], params=[engine.fts5_match(query)])
    return qs.extra(where=["gijiroku_segment.search_vector @@ to_tsquery('simple', %s)"],
                    params=[engine.tsquery(query)])


def _spoken_by(qs: QuerySet[Segment], user: Any, speaker: str) -> QuerySet[Segment]:
    who = engine.normalise(speaker)
    roles = member_roles_of(user.organisation_id)
    voices: dict[int, list[int]] = {}
    for s in Speaker.objects.for_user(user).filter(meeting__status=MeetingStatus.DONE):
        if who in engine.normalise(s.label(roles)):
            voices.setdefault(int(s.meeting_id), []).append(int(s.index))
    if not voices:
        return qs.none()
    chosen = Q()
    for meeting, indexes in voices.items():
        chosen |= Q(meeting_id=meeting, speaker__in=indexes)
    return qs.filter(chosen)


def search_segments(user: Any, query: str, speaker: str) -> tuple[list[engine.Hit[tuple[Segment, str]]], int]:
    """The first LIMIT segments (meeting by meeting, in speaking order) holding every word and said by the speaker,
    and how many there are in all."""
    meetings = Meeting.objects.for_user(user).filter(status=MeetingStatus.DONE)
    qs = Segment.objects.for_user(user).filter(meeting__in=meetings)
    if engine.fts5_match(query):
        qs = _matching(qs, query)
    if speaker.strip():
        qs = _spoken_by(qs, user, speaker)
    total = qs.count()
    rows = list(qs.select_related("meeting").order_by("meeting__started_at", "meeting_id", "index")[:LIMIT])
    roles = member_roles_of(user.organisation_id)
    wanted = {(s.meeting_id, s.speaker) for s in rows}
    labels = {(s.meeting_id, s.index): s.label(roles) for s in Speaker.objects.for_user(user)
              .filter(meeting_id__in={m for m, _ in wanted})}
    hits = []
    for s in rows:
        label = labels.get((s.meeting_id, s.speaker), f"発言者{s.speaker + 1}")
        hits.append(engine.hit((s, label), str(s.text), label, query))
    return hits, total
