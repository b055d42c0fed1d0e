"""Sharing what worked and what failed (事例の共有): case records and a Japanese search that finds them.

One public entry point, `search(records_or_index, query, filters)` → `SearchResult`. The pieces are usable alone:
`text` (normalisation and tokens), `query` (parsing, FTS5 and tsquery syntax), `rank` (BM25 and facets),
`highlight`, `io` (Excel/CSV) and `generate` (demo cases). No Django here: the web app stores and indexes the same
tokens in the database.
"""

from kyodo.jirei.query import ParsedQuery, parse_query
from kyodo.jirei.rank import Filters, Hit, Index, SearchResult, search
from kyodo.jirei.records import CaseRecord
from kyodo.jirei.vocab import Status, vocabulary

__all__ = ["CaseRecord", "Filters", "Hit", "Index", "ParsedQuery", "SearchResult", "Status", "parse_query", "search",
           "vocabulary"]
