"""Every engine reads and writes its tables here: CSV or XLSX into a header and rows of strings, and back safely.

    table = read_table(Path("children.xlsx"))            # or read_table(data, name="children.xlsx")
    write_csv(Path("out/scores.csv"), header, rows)       # formula guard on; raw=True for a machine round trip
    write_all({Path("a.xlsx"): xlsx_writer({...}), Path("b.csv"): csv_writer(h, rows)})   # all or nothing

Reading refuses, with file, row and column, whatever a later step could not handle (see `Limits`); writing
neutralises formula-like text (see writing.py). No other module parses CSV or XLSX.
"""

from kyodo.tables.limits import DEFAULT_LIMITS, Limits, visible
from kyodo.tables.reading import Table, TableError, header_key, read_table
from kyodo.tables.writing import (
    OutputError,
    Writer,
    check_outputs,
    csv_cell,
    csv_text,
    csv_writer,
    guard,
    is_formula_like,
    remove_leftovers,
    text_writer,
    write_all,
    write_atomic,
    write_csv,
    write_xlsx,
    xlsx_value,
    xlsx_writer,
)

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "OutputError",
    "Table",
    "TableError",
    "Writer",
    "check_outputs",
    "csv_cell",
    "csv_text",
    "csv_writer",
    "guard",
    "header_key",
    "is_formula_like",
    "read_table",
    "remove_leftovers",
    "text_writer",
    "visible",
    "write_all",
    "write_atomic",
    "write_csv",
    "write_xlsx",
    "xlsx_value",
    "xlsx_writer",
]
