"""Demo cases: the seed's two 江東区 cases and a few hundred generated ones across Tokyo's 62 municipalities.

Generated cases are plausible, not real: each comes from a scenario (field × technology) with wording that varies the
way real reports do (議事録/会議録, 保育園/保育所, ＡＩ/AI, 問合せ/問い合わせ), so the demo shows what the search unifies.
About a quarter did not go on to adoption (実証したが導入せず, 中止), with the reason and the lesson: those are the
cases the CIOs most want shared. The same seed gives the same cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kyodo.jirei.records import CaseRecord
from kyodo.jirei.vocab import Status
from kyodo.municipalities import MUNICIPALITIES

SOURCE = "東京都・区市町村CIOフォーラム 第15回座談会(江東区×都CIO、令和3年11月10日)"

KOTO_CASES = (
    CaseRecord(
        case_id="KOTO-0001", organisation="江東区", title="保育園の入所選考(利用調整)にAIを活用",
        field="子育て", technologies=("マッチング",), status=Status.ADOPTED,
        summary="保育園の入所申請に対する利用調整にAIを使う。所管課が昨年度に試行し、今年度から本格的に使っていく。"
                f"(出典: {SOURCE})",
        effects="毎年10人で4〜5日かかっていた調整作業が、AIであれば1分程度で出来る。",
        lessons="数%の申請は職員による調整が必要で、その調整の進め方を決めてから本格利用に移った。",
        went_well="作業時間が10人×4〜5日から約1分に短縮。", went_badly="数%の申請はAIの結果のままでは使えず、職員が調整した。",
        start_year=2020, hours_saved_per_year=350, spec_shareable=True, contact="江東区 政策経営部 情報システム課",
        published=True,
    ),
    CaseRecord(
        case_id="KOTO-0002", organisation="江東区", title="議事録作成支援AIの導入",
        field="議会・会議", technologies=("音声認識",), status=Status.TRIAL,
        summary="会議の録音から議事録を作る支援AI。システムが入ったところで現在調整中のため、一部で試行利用している。"
                f"(出典: {SOURCE})",
        effects="試行中(効果は測定中)。", lessons="導入直後は認識結果の調整が必要。一部の会議で試行してから広げる。",
        start_year=2021, spec_shareable=False, contact="江東区 政策経営部 情報システム課", published=True,
    ),
)


@dataclass(frozen=True, slots=True)
class Scenario:
    field: str
    technology: str
    titles: tuple[str, ...]
    summary: str
    effect: str  # {hours} is filled in
    went_well: str
    went_badly: str
    failure: str  # why it did not go on


SCENARIOS = (
    Scenario("議会・会議", "音声認識", ("{x}作成支援システムの導入", "音声認識による{x}の自動作成", "委員会{x}の文字起こし"),
             "議会・委員会の録音を音声認識で文字にし、{x}の素案を作る。職員は固有名詞と発言者を確認して整える。",
             "{x}の作成にかかる時間を年間約{hours}時間削減。", "素案ができるまでの時間が会議の翌日に短縮。",
             "方言・専門用語の誤認識が多く、用語登録に手間がかかった。", "認識精度が議会の求める水準に届かなかった。"),
    Scenario("子育て", "マッチング", ("{y}の利用調整(入所選考)の自動化", "AIによる{y}入所選考の支援"),
             "{y}の入所申請を指数と希望順で自動的に割り当て、職員は例外の申請だけを確認する。",
             "選考作業を年間約{hours}時間削減。", "選考にかかる日数が数日から数時間に。", "きょうだい同時入所の扱いを決め直す必要があった。",
             "独自の調整基準が多く、システムの設定で表せなかった。"),
    Scenario("広報・問い合わせ", "チャットボット", ("ＡＩチャットボットによる住民問合せ対応", "ごみ分別案内チャットボット", "子育て相談のチャットボット"),
             "ホームページとLINEで、よくある問い合わせにチャットボットが24時間答える。",
             "電話の問い合わせが年間約{hours}時間分減少。", "夜間・休日の問い合わせに答えられるようになった。",
             "回答の更新を担当課が続けられず、古い情報が残った。", "利用が少なく、費用に見合う効果が出なかった。"),
    Scenario("内部事務", "RPA", ("RPAによる{z}の自動化", "ロボットによる{z}入力の省力化"),
             "{z}の定型的な入力作業をRPAで自動化する。", "{z}の作業時間を年間約{hours}時間削減。", "繁忙期の残業が減った。",
             "システム画面の変更のたびにシナリオが止まった。", "対象業務の手順が課ごとに違い、標準化できなかった。"),
    Scenario("税務", "AI-OCR", ("ＡＩ－ＯＣＲによる{w}の読み取り", "手書きの{w}をAI-OCRでデータ化"),
             "紙で届く{w}をAI-OCRで読み取り、RPAで税務システムに入力する。", "入力作業を年間約{hours}時間削減。",
             "入力ミスが減った。", "手書き文字の読み取り精度が低い帳票があり、確認の手間が残った。",
             "読み取り精度が低く、確認作業が入力作業より重くなった。"),
    Scenario("窓口", "電子申請", ("{v}のオンライン申請", "書かない窓口と電子申請の導入"),
             "{v}の申請をスマートフォンから受け付け、窓口では申請書を書かずに済むようにする。",
             "窓口の処理時間を年間約{hours}時間削減。", "来庁者の待ち時間が短くなった。", "マイナンバーカードを持たない住民への案内が必要だった。",
             "本人確認の方法が決まらず、実証で止めた。"),
    Scenario("内部事務", "生成AI", ("生成AIによる文書作成支援", "生成AIの庁内利用", "対話型AIで{u}の下書き"),
             "職員が生成AIで{u}の下書きや要約を作る。個人情報は入力しない利用ルールを定めた。",
             "文書作成の時間を年間約{hours}時間削減。", "あいさつ文・要約の下書きが速くなった。",
             "誤った内容をもっともらしく書くため、確認が欠かせない。", "情報セキュリティの要件を満たす環境が用意できなかった。"),
    Scenario("防災", "画像解析", ("ドローン画像の解析による被害状況の把握", "AI画像解析による河川の監視"),
             "災害時にドローンやカメラの画像をAIで解析し、被害の大きい場所を地図に示す。",
             "現地確認の時間を年間約{hours}時間削減。", "夜間でも状況を把握できた。", "平時の訓練で使わないと操作を忘れる。",
             "通信環境が悪い地域で画像を送れなかった。"),
    Scenario("福祉", "データ分析", ("データ分析による見守り対象者の把握", "介護予防のデータ活用"),
             "介護・医療のデータを分析し、支援が必要になりそうな高齢者を早めに把握する。",
             "訪問先の選定にかかる時間を年間約{hours}時間削減。", "支援の必要な人に早く会えた。",
             "データの目的外利用にあたらないか、個人情報保護審議会への説明に時間がかかった。", "個人情報の扱いについて合意が得られなかった。"),
    Scenario("環境・ごみ", "IoT・センサー", ("ごみ集積所のセンサーによる収集ルートの最適化", "IoTセンサーでごみの量を見える化"),
             "ごみ集積所にセンサーを置き、たまり具合に応じて収集ルートを決める。",
             "収集車の運行時間を年間約{hours}時間削減。", "収集車の走行距離が減った。", "センサーの電池交換の手間が想定より大きかった。",
             "センサーの誤検知が多く、実用にならなかった。"),
    Scenario("健康・医療", "チャットボット", ("健診予約の自動応答", "ワクチン接種の問い合わせチャットボット"),
             "健診・接種の予約と問い合わせに自動応答で答える。", "電話対応を年間約{hours}時間削減。", "電話がつながりにくい状態が解消した。",
             "高齢の方には電話の窓口も残す必要があった。", "予約システムとの連携ができなかった。"),
    Scenario("教育", "ノーコード", ("ノーコードツールによる学校の欠席連絡", "kintoneで教育委員会の業務改善"),
             "保護者からの欠席連絡をノーコードツールで受け付け、学校の電話対応を減らす。",
             "朝の電話対応を年間約{hours}時間削減。", "教員が朝の授業準備に時間を使えるようになった。",
             "学校ごとに運用が違い、調整に時間がかかった。", "保護者の利用が広がらなかった。"),
    Scenario("都市・道路", "画像解析", ("AIによる道路の損傷の自動検出", "公用車のカメラで路面の点検"),
             "公用車に付けたカメラの画像をAIで解析し、道路の穴やひび割れを見つける。", "道路パトロールを年間約{hours}時間削減。",
             "損傷の見落としが減った。", "夜間・雨天の画像では検出できなかった。", "検出の精度が点検の基準を満たさなかった。"),
    Scenario("窓口", "キャッシュレス", ("窓口手数料のキャッシュレス決済", "住民票の手数料を電子決済で"),
             "窓口の手数料をクレジットカード・電子マネー・QRコードで支払えるようにする。", "現金の管理を年間約{hours}時間削減。",
             "釣り銭の準備と締めの作業が減った。", "決済手数料の負担をどうするかで時間がかかった。", "決済手数料が高く、費用に見合わなかった。"),
)
FILL = {
    "x": ("議事録", "会議録"), "y": ("保育園", "保育所"), "z": ("給与", "会計伝票", "住民異動届", "児童手当"),
    "w": ("住民税の申告書", "課税資料", "口座振替依頼書"), "v": ("住民票の写し", "児童手当", "粗大ごみ"),
    "u": ("議会答弁", "広報紙の記事", "会議資料"),
}
STATUS_WEIGHTS = ((Status.ADOPTED, 40), (Status.TRIAL, 18), (Status.CONSIDERING, 14), (Status.NOT_ADOPTED, 18),
                  (Status.STOPPED, 10))


def _fill(text: str, choice: dict[str, str]) -> str:
    return text.format(**choice)


def _generated(rng: random.Random, number: int) -> CaseRecord:
    scenario = rng.choice(SCENARIOS)
    municipality = rng.choice(MUNICIPALITIES)
    choice = {k: rng.choice(v) for k, v in FILL.items()}
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], weights=[w for _, w in STATUS_WEIGHTS])[0]
    failed = status in (Status.NOT_ADOPTED, Status.STOPPED)
    start = rng.randint(2019, 2025)
    hours = rng.randrange(50, 2000, 10) * max(1, municipality.population // 300_000)
    choice["hours"] = f"{hours:,}"
    went_badly = _fill(scenario.failure if failed else scenario.went_badly, choice)
    return CaseRecord(
        case_id=f"GEN-{number:04d}", organisation=municipality.name, title=_fill(rng.choice(scenario.titles), choice),
        field=scenario.field, technologies=(scenario.technology,), status=status,
        summary=_fill(scenario.summary, choice),
        effects="" if failed or status == Status.CONSIDERING else _fill(scenario.effect, choice),
        lessons=(f"導入に至らなかった理由: {went_badly}" if failed else f"うまくいったこと: {_fill(scenario.went_well, choice)}"),
        went_well="" if failed else _fill(scenario.went_well, choice), went_badly=went_badly,
        start_year=start, end_year=start + rng.randint(0, 2) if status != Status.CONSIDERING else None,
        hours_saved_per_year=None if failed or status == Status.CONSIDERING else hours,
        cost_yen=rng.randrange(500_000, 30_000_000, 100_000), spec_shareable=rng.random() < 0.5,
        contact=f"{municipality.name} デジタル推進担当", published=rng.random() < 0.9,
    )


def generate_cases(count: int = 300, seed: int = 1, *, with_koto: bool = True) -> list[CaseRecord]:
    """The seed's 江東区 cases (when asked) and `count` generated cases."""
    rng = random.Random(seed)
    generated = [_generated(rng, i) for i in range(1, count + 1)]
    return [*KOTO_CASES, *generated] if with_koto else generated
