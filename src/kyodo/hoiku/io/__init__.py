"""Read and write a round's input files: Kyodo's Japanese-header template and ChilmAI's default format.

    instance = read_instance(Path("children.csv"), Path("facilities.xlsx"), fiscal_year=2026, choice_limit=10)
    problems = validate(Path("children.csv"), Path("facilities.xlsx"))   # no raise, for the web's check page
    write_instance(instance, Path("out/"))                               # children.{xlsx,csv}, facilities.{xlsx,csv}

The template is documented for clerks in examples/hoiku/README.md.
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
