"""Read and write a round's input files: Kyodo's Japanese-header template and ChilmAI's default format.

    instance = read_instance(Path("children.csv"), Path("facilities.xlsx"), fiscal_year=2026, choice_limit=10)
    problems = validate(Path("children.csv"), Path("facilities.xlsx"))   # no raise, for the web's check page
    instance = read_instance(("children.csv", data), ("facilities.xlsx", other), fiscal_year=2026)  # uploaded bytes
    write_instance(instance, Path("out/"))                               # children.{xlsx,csv}, facilities.{xlsx,csv}

The template is documented for clerks in examples/hoiku/README.md. Every file goes through kyodo.tables, whose
`Limits` (size, rows, columns, cell length, unpacked XLSX size) and checks (control characters, formulas without a
cached value) apply before any cell is parsed; ids that cannot be part of a page address (/, \\, ..), numbers with
more than 15 digits and implausible values (募集人数 over 1,000, 住民税所得割額 over 100億円) are refused with file,
row and column, so that whatever `validate` accepts, the run, every writer and every page can handle.
"""

from kyodo.hoiku.io.reader import CHILMAI, KYODO, LAYOUTS, detect_layout, read_instance, validate
from kyodo.hoiku.io.source import InputFile, Source
from kyodo.hoiku.io.writer import write_instance

__all__ = [
    "CHILMAI",
    "KYODO",
    "LAYOUTS",
    "InputFile",
    "Source",
    "detect_layout",
    "read_instance",
    "validate",
    "write_instance",
]
