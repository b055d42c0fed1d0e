"""Documents for parents and staff: PDF notices, appeal sheets and the cut-off chart.

    write_notices(outcome, Path("notices.pdf"))            # 内定 / 在園継続 / 保留 notice per child, one batch file
    write_appeal_sheets(outcome, Path("appeals.pdf"))      # 利用調整結果の確認・申立て用シート per applicant
    write_cutoff_chart(outcome, Path("cutoffs.png"))       # 最低指数 per age class (matplotlib)

Japanese text uses the IPAex fonts of Debian's fonts-ipaexfont packages (scripts/bootstrap.sh
installs them); the PDFs embed the font, so they print the same on any machine. No network access.
"""

from kyodo.hoiku.outputs.notices.chart import cutoff_chart_png, write_cutoff_chart
from kyodo.hoiku.outputs.notices.fonts import FontNotFound, japanese_font
from kyodo.hoiku.outputs.notices.pdf import (
    appeal_sheets_bytes,
    notices_bytes,
    write_appeal_sheets,
    write_notices,
)

__all__ = [
    "FontNotFound",
    "appeal_sheets_bytes",
    "cutoff_chart_png",
    "japanese_font",
    "notices_bytes",
    "write_appeal_sheets",
    "write_cutoff_chart",
    "write_notices",
]
