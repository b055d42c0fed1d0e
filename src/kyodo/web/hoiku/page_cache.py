"""Which nursery result pages may come from the shared page cache (`kyodo.web.page_cache`), and what they depend on.

A finished run's rows and summary never change. Its pages also show what is around it in the round: the staff
decisions (the child page lists them) and the round's other runs (the summary links to the finished ones). So the
marker of a page is, read in one query on every request:

- the run: its id, creation time (ids are reused when a database is recreated, creation times are not) and when it
  finished;
- the round's runs: how many, how many finished, the latest finish;
- the round's decisions: how many, the latest made, the latest revoked;
- 確定: the run's confirmation, un-confirmation and the run that superseded it, and the latest of those in the round
  (the summary says which run of the round is the confirmed one);
- what the summary lists of the run: its notice archives, what-if comparisons and parity checks (how many, the latest
  made and finished).

A new decision, a revoked one, or another run starting or finishing changes the marker, so every page of the round
is rendered again. A run that is not finished is never cached (its progress changes).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest

from kyodo.web.hoiku.models import Decision, NoticeArchive, ParityCheck, Run, RunStatus, WhatIf
from kyodo.web.page_cache import cached_page

# One query, written out: the ORM takes longer to build these subqueries than the database takes to answer them.
MARKER_SQL = """
SELECT r.id, r.status, r.created_at, r.finished_at,
  (SELECT COUNT(*) FROM {run} o WHERE o.round_id = r.round_id),
  (SELECT COUNT(*) FROM {run} o WHERE o.round_id = r.round_id AND o.status = %s),
  (SELECT MAX(o.finished_at) FROM {run} o WHERE o.round_id = r.round_id),
  (SELECT COUNT(*) FROM {decision} d WHERE d.round_id = r.round_id),
  (SELECT MAX(d.created_at) FROM {decision} d WHERE d.round_id = r.round_id),
  (SELECT MAX(d.revoked_at) FROM {decision} d WHERE d.round_id = r.round_id),
  r.confirmed_at, r.unconfirmed_at, r.superseded_by_id,
  (SELECT MAX(o.confirmed_at) FROM {run} o WHERE o.round_id = r.round_id),
  (SELECT MAX(o.unconfirmed_at) FROM {run} o WHERE o.round_id = r.round_id),
  (SELECT COUNT(*) FROM {archive} a WHERE a.run_id = r.id),
  (SELECT MAX(a.created_at) FROM {archive} a WHERE a.run_id = r.id),
  (SELECT MAX(a.finished_at) FROM {archive} a WHERE a.run_id = r.id),
  (SELECT COUNT(*) FROM {whatif} w WHERE w.run_id = r.id),
  (SELECT MAX(w.created_at) FROM {whatif} w WHERE w.run_id = r.id),
  (SELECT MAX(w.finished_at) FROM {whatif} w WHERE w.run_id = r.id),
  (SELECT COUNT(*) FROM {parity} p WHERE p.run_id = r.id)
FROM {run} r WHERE r.id = %s AND r.organisation_id = %s
"""


def run_marker(request: HttpRequest, pk: int, **_: Any) -> tuple[Any, ...] | None:
    """The organisation check (404 for a run of another organisation) and what the run's pages depend on."""
    organisation_id = getattr(request.user, "organisation_id", None)
    if organisation_id is None:
        raise Http404("見つかりません")
    sql = MARKER_SQL.format(run=Run._meta.db_table, decision=Decision._meta.db_table,
                            archive=NoticeArchive._meta.db_table, whatif=WhatIf._meta.db_table,
                            parity=ParityCheck._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(RunStatus.DONE), int(pk), organisation_id])
        row = cursor.fetchone()
    if row is None:
        raise Http404("見つかりません")  # as get_for_user_or_404: another organisation's run is not revealed
    if row[1] != RunStatus.DONE:
        return None
    return (organisation_id, *row)


finished_run_page = cached_page(run_marker)
