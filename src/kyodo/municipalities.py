"""Tokyo's 62 municipalities (区市町村): a plain data module any domain may use.

Codes are the 6-digit local-government codes (全国地方公共団体コード, with check digit). Populations are used only to
size things (fairness bands, generated demand), never for anything a resident is judged by. Where `population_date` is
set, the figure is 東京都総務局統計部「東京都の人口(推計)」(区市町村別) of that date; the others are rounded figures of
about 2025 after「住民基本台帳による東京都の世帯と人口」, still to be refreshed from the same monthly estimate (no municipality
changes size band: ../shared/research/jinzai-reference-data.md). `area` is the
Tokyo government's own three-way split: 区部, 多摩 (the 26 cities and the 西多摩 towns and village), 島しょ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str  # 全国地方公共団体コード (6 digits)
    name: str
    kind: str  # 区 / 市 / 町 / 村
    population: int
    area: str  # 区部 / 多摩 / 島しょ
    population_date: date | None = None  # the estimate's date; None: a rounded figure of about 2025


# 「東京都の人口(推計)」の概要(令和7年12月1日現在)
ESTIMATE_DATE = date(2025, 12, 1)


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("131016", "千代田区", "区", 68_000, "区部"),
    Municipality("131024", "中央区", "区", 188_000, "区部"),
    Municipality("131032", "港区", "区", 267_000, "区部"),
    Municipality("131041", "新宿区", "区", 350_000, "区部"),
    Municipality("131059", "文京区", "区", 243_000, "区部"),
    Municipality("131067", "台東区", "区", 216_000, "区部"),
    Municipality("131075", "墨田区", "区", 285_000, "区部"),
    Municipality("131083", "江東区", "区", 540_000, "区部"),
    Municipality("131091", "品川区", "区", 410_000, "区部"),
    Municipality("131105", "目黒区", "区", 283_000, "区部"),
    Municipality("131113", "大田区", "区", 756_973, "区部", ESTIMATE_DATE),
    Municipality("131121", "世田谷区", "区", 950_679, "区部", ESTIMATE_DATE),
    Municipality("131130", "渋谷区", "区", 235_000, "区部"),
    Municipality("131148", "中野区", "区", 340_000, "区部"),
    Municipality("131156", "杉並区", "区", 575_000, "区部"),
    Municipality("131164", "豊島区", "区", 308_458, "区部", ESTIMATE_DATE),
    Municipality("131172", "北区", "区", 357_000, "区部"),
    Municipality("131181", "荒川区", "区", 219_000, "区部"),
    Municipality("131199", "板橋区", "区", 575_000, "区部"),
    Municipality("131202", "練馬区", "区", 762_605, "区部", ESTIMATE_DATE),
    Municipality("131211", "足立区", "区", 706_744, "区部", ESTIMATE_DATE),
    Municipality("131229", "葛飾区", "区", 466_000, "区部"),
    Municipality("131237", "江戸川区", "区", 698_574, "区部", ESTIMATE_DATE),
    Municipality("132012", "八王子市", "市", 576_534, "多摩", ESTIMATE_DATE),
    Municipality("132021", "立川市", "市", 186_000, "多摩"),
    Municipality("132039", "武蔵野市", "市", 150_000, "多摩"),
    Municipality("132047", "三鷹市", "市", 195_000, "多摩"),
    Municipality("132055", "青梅市", "市", 128_000, "多摩"),
    Municipality("132063", "府中市", "市", 264_624, "多摩", ESTIMATE_DATE),
    Municipality("132071", "昭島市", "市", 113_000, "多摩"),
    Municipality("132080", "調布市", "市", 246_054, "多摩", ESTIMATE_DATE),
    Municipality("132098", "町田市", "市", 432_215, "多摩", ESTIMATE_DATE),
    Municipality("132101", "小金井市", "市", 126_000, "多摩"),
    Municipality("132110", "小平市", "市", 196_000, "多摩"),
    Municipality("132128", "日野市", "市", 187_000, "多摩"),
    Municipality("132136", "東村山市", "市", 150_000, "多摩"),
    Municipality("132144", "国分寺市", "市", 127_000, "多摩"),
    Municipality("132152", "国立市", "市", 76_000, "多摩"),
    Municipality("132187", "福生市", "市", 55_000, "多摩"),
    Municipality("132195", "狛江市", "市", 83_000, "多摩"),
    Municipality("132209", "東大和市", "市", 84_000, "多摩"),
    Municipality("132217", "清瀬市", "市", 74_000, "多摩"),
    Municipality("132225", "東久留米市", "市", 115_000, "多摩"),
    Municipality("132233", "武蔵村山市", "市", 70_000, "多摩"),
    Municipality("132241", "多摩市", "市", 146_000, "多摩"),
    Municipality("132250", "稲城市", "市", 94_000, "多摩"),
    Municipality("132276", "羽村市", "市", 54_000, "多摩"),
    Municipality("132284", "あきる野市", "市", 79_000, "多摩"),
    Municipality("132292", "西東京市", "市", 208_542, "多摩", ESTIMATE_DATE),
    Municipality("133035", "瑞穂町", "町", 32_000, "多摩"),
    Municipality("133051", "日の出町", "町", 16_000, "多摩"),
    Municipality("133078", "檜原村", "村", 2_000, "多摩"),
    Municipality("133086", "奥多摩町", "町", 4_600, "多摩"),
    Municipality("133612", "大島町", "町", 7_000, "島しょ"),
    Municipality("133621", "利島村", "村", 300, "島しょ"),
    Municipality("133639", "新島村", "村", 2_300, "島しょ"),
    Municipality("133647", "神津島村", "村", 1_800, "島しょ"),
    Municipality("133817", "三宅村", "村", 2_300, "島しょ"),
    Municipality("133825", "御蔵島村", "村", 300, "島しょ"),
    Municipality("134015", "八丈町", "町", 6_444, "島しょ", ESTIMATE_DATE),
    Municipality("134023", "青ヶ島村", "村", 170, "島しょ"),
    Municipality("134210", "小笠原村", "村", 2_500, "島しょ"),
)

BY_CODE: Mapping[str, Municipality] = MappingProxyType({m.code: m for m in MUNICIPALITIES})
BY_NAME: Mapping[str, Municipality] = MappingProxyType({m.name: m for m in MUNICIPALITIES})


def lookup(text: str) -> Municipality | None:
    """Find a municipality by code (5 or 6 digits) or by name (with or without 東京都); None if unknown."""
    key = text.strip().removeprefix("東京都")
    if key.isdigit():
        if len(key) == 5:
            return next((m for m in MUNICIPALITIES if m.code.startswith(key)), None)
        return BY_CODE.get(key)
    return BY_NAME.get(key)
