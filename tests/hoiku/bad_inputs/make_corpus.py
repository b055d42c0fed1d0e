"""Writes the bad-input corpus (run once; the files are committed). `uv run python make_corpus.py`

Each case is one small file that differs from good_children.csv / good_facilities.csv in one way;
cases.yaml says which, and where read_instance must point (file, row, column, message fragment).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent

HEADER = (
    "児童番号,世帯番号,生年月日,年齢クラス,第1希望,第2希望,第3希望,在園施設,きょうだいパターン,"
    "保護者1_事由,保護者1_月日数,保護者1_1日時間,保護者2_事由,保護者2_月日数,保護者2_1日時間,ひとり親,住民税所得割額"
)
ROWS = [
    "C1,H1,2024-06-01,1,F01,F02,,,7,就労,20,8,就労,20,8,,120000",
    "C2,H2,2025-05-10,0,F02,F03,F01,,7,就労,22,8,求職,,,,80000",
    "C3,H3,2022-09-30,3,F03,,,F01,7,就労,20,8,,,,○,30000",
    "C4,H4,2023-12-01,2,F01,F03,,,7,疾病・負傷,,,就労,16,6,,0",
]
F_HEADER = "施設番号,施設名,種別,0歳募集人数,1歳募集人数,2歳募集人数,3歳募集人数,4歳募集人数,5歳募集人数"
F_ROWS = [
    "F01,芝保育園,認可保育所,3,2,1,0,1,0",
    "F02,神明保育園,認可保育所,2,3,1,1,0,0",
    "F03,正光寺保育園赤羽橋園,小規模保育,2,1,1,,,",
]
CM_HEADER = (
    "申請者番号,世帯番号,年齢,点数1,点数2,希望保育園ID_1,希望保育園ID_2,在籍保育所ID,きょうだいパターン"
)
CM_ROWS = ["1,10,0,40,42,F01,F02,,7", "2,11,1,38,,F02,,,7", "3,12,3,44,,F03,F01,,7"]


def text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def children(*edits: tuple[int, int, str], rows: list[str] | None = None, header: str = HEADER) -> str:
    """Good children with cell edits: (row index from 0, column index, new text)."""
    cells = [r.split(",") for r in (rows or ROWS)]
    for r, c, value in edits:
        cells[r][c] = value
    return text(header, [",".join(r) for r in cells])


def facilities(*edits: tuple[int, int, str], header: str = F_HEADER) -> str:
    cells = [r.split(",") for r in F_ROWS]
    for r, c, value in edits:
        cells[r][c] = value
    return text(header, [",".join(r) for r in cells])


def xlsx(name: str, content: str) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in content.splitlines():
        sheet.append(
            [
                int(v) if v.lstrip("-").isdigit() and not v.startswith("0") else (v or None)
                for v in line.split(",")
            ]
        )
    workbook.save(HERE / name)


def main() -> None:
    files: dict[str, str | bytes] = {
        "good_children.csv": text(HEADER, ROWS),
        "good_facilities.csv": text(F_HEADER, F_ROWS),
        "good_chilmai_children.csv": text(CM_HEADER, CM_ROWS),
        "missing_household_column.csv": text(
            HEADER.replace("世帯番号,", ""), [",".join(r.split(",")[:1] + r.split(",")[2:]) for r in ROWS]
        ),
        "not_a_children_file.csv": text("番号,名前\n1,山田", []),
        "duplicate_child_id.csv": children((2, 0, "C1")),
        "blank_child_id.csv": children((1, 0, "")),
        "unknown_choice.csv": children((0, 5, "F99")),
        "unknown_current_facility.csv": children((2, 7, "F77")),
        "same_choice_twice.csv": children((1, 6, "F02")),
        "transfer_current_in_choices.csv": children((2, 5, "F01")),
        "no_choices.csv": children((3, 4, ""), (3, 5, "")),
        "age_class_out_of_range.csv": children((0, 3, "6")),
        "bad_birth_date.csv": children((0, 2, "2024/13/40")),
        "birth_after_april_first.csv": children((1, 2, "2026-04-02"), (1, 3, "")),
        "birth_too_early.csv": children((2, 2, "R1.5.1"), (2, 3, "")),
        "age_class_disagrees_with_birth.csv": children((3, 3, "1")),
        # Read with choice_limit=2 (cases.yaml): C1 and C2 each have a third choice.
        "choices_over_limit.csv": children((0, 6, "F03")),
        "sibling_pattern_out_of_range.csv": children((0, 8, "8")),
        "unknown_reason.csv": children((1, 9, "在宅ワーク")),
        "hours_not_numeric.csv": children((0, 11, "八時間")),
        "days_over_31.csv": children((2, 10, "32")),
        "hours_over_24.csv": children((0, 14, "25")),
        "household_rows_disagree.csv": children(
            rows=[*ROWS, "C5,H1,2021-05-05,4,F01,,,,7,就労,20,8,就労,20,8,○,120000"]
        ),
        "guardian_hours_without_reason.csv": children((3, 12, "")),
        "tax_not_a_number.csv": children((0, 16, "12万円")),
        "yes_no_unreadable.csv": children((1, 15, "たぶん")),
        "no_age_class_column.csv": text(
            HEADER.replace("年齢クラス,", ""), [",".join(r.split(",")[:3] + r.split(",")[4:]) for r in ROWS]
        ),
        "duplicate_header.csv": text(HEADER.replace("第3希望", "第2希望"), ROWS),
        "empty_header_row.csv": "\n" + text(HEADER, ROWS),
        "empty.csv": b"",
        "header_only.csv": HEADER + "\n",
        "facilities_duplicate_id.csv": text(F_HEADER, [*F_ROWS, "F01,芝保育園 分園,認可保育所,1,1,1,1,1,1"]),
        "facilities_negative_vacancy.csv": facilities((1, 4, "-2")),
        "facilities_fractional_vacancy.csv": facilities((0, 3, "1.5")),
        "facilities_missing_age_column.csv": text(
            F_HEADER.removesuffix(",5歳募集人数"), [r.rsplit(",", 1)[0] for r in F_ROWS]
        ),
        "facilities_unknown_layout.csv": "id,name,capacity\nF01,芝保育園,3\n",
        "chilmai_missing_points.csv": text(CM_HEADER, [CM_ROWS[0], "2,11,1,,,F02,,,7", CM_ROWS[2]]),
        "chilmai_points_and_points1.csv": text(CM_HEADER.replace("点数2", "点数"), CM_ROWS),
        "chilmai_age_out_of_range.csv": text(CM_HEADER, [CM_ROWS[0], CM_ROWS[1], "3,12,7,44,,F03,F01,,7"]),
    }
    for name, content in files.items():
        (HERE / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    # Encodings: a Shift-JIS file (read fine; its one error is located), a BOM file, undecodable bytes, UTF-16.
    (HERE / "shift_jis_duplicate_child_id.csv").write_bytes(children((3, 0, "C2")).encode("cp932"))
    (HERE / "bom_unknown_choice.csv").write_bytes(b"\xef\xbb\xbf" + children((3, 4, "F55")).encode("utf-8"))
    undecodable = text(HEADER, ROWS[:2]).encode("utf-8") + b"C3,H3,\xff\xfe\xfd,3,F03,,,,7,,,,,,,,\n"
    (HERE / "undecodable_bytes.csv").write_bytes(undecodable)
    (HERE / "utf16.csv").write_bytes(text(HEADER, ROWS).encode("utf-16"))
    (HERE / "binary.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256))
    )
    (HERE / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (HERE / "not_really.xlsx").write_bytes(b"this is a text file with an .xlsx name\n")
    xlsx("xlsx_unknown_choice.xlsx", children((1, 4, "F42")))
    xlsx("xlsx_facilities_negative_vacancy.xlsx", facilities((2, 5, "-1")))
    robustness_cases()


def robustness_cases() -> None:
    """Issue 11: inputs that passed validation and then broke a run, a writer or a page.

    (The 100 MB CSV and the zip bomb are made at test time: tests/hoiku/test_io_limits.py.)
    """
    many = [f"C{n},H{n},2024-06-01,1,F01,F02,,,7,就労,20,8,就労,20,8,,120000" for n in range(5, 80)]
    many[-1] = many[-1].replace("就労,20,8,就労", "就\x00労,20,8,就労")
    files: dict[str, str] = {
        "control_char_child_id.csv": children((1, 0, "C\x012")),
        "nul_after_4kib.csv": children(rows=[*ROWS, *many]),
        "escape_codes.csv": children((0, 9, "\x1b[31m就労\x1b[0m")),
        "tax_5000_digits.csv": children((0, 16, "9" * 5000)),
        "tax_30_digits.csv": children((2, 16, "1" + "0" * 29)),
        "tax_implausible.csv": children((3, 16, "99999999999")),
        "facilities_vacancy_10e30.csv": facilities((0, 3, "1" + "0" * 30)),
        "facilities_vacancy_5000_digits.csv": facilities((1, 4, "7" * 5000)),
        "facilities_vacancy_too_many.csv": facilities((2, 5, "5000")),
        "slash_in_child_id.csv": children((0, 0, "C/1")),
        "slash_in_household_id.csv": children((1, 1, "H/2")),
        "facilities_slash_id.csv": text(F_HEADER, [*F_ROWS, "F／04,分園,認可保育所,1,1,1,1,1,1"]),
        "dot_dot_child_id.csv": children((3, 0, "..")),
        "unbalanced_quote.csv": children((1, 0, '"C2')),
        "text_after_quote.csv": children((2, 0, '"C3"x')),
    }
    for name, content in files.items():
        (HERE / name).write_bytes(content.encode("utf-8"))
    # A tool's workbook: formulas without cached values in a vacancy column (openpyxl stores no results).
    xlsx("xlsx_formula_vacancy.xlsx", facilities((1, 3, "=1+1"), (2, 4, "=B2*0")))
    workbook = openpyxl.Workbook()
    for line in facilities().splitlines():
        workbook.active.append([int(v) if v.isdigit() else (v or None) for v in line.split(",")])
    workbook.active["D2"] = 1e30  # a vacancy of 10^30 as a number
    workbook.save(HERE / "xlsx_vacancy_1e30.xlsx")


if __name__ == "__main__":
    main()
