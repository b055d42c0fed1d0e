"""Time of `kyodo web demo`'s preparation, step by step, on a fresh database and then again (nothing to do).

    uv run python benchmarks/web_demo_prepare.py                       # the demo's sizes: 1,500 children, 60 施設
    uv run python benchmarks/web_demo_prepare.py --children 300 --facilities 12

A temporary folder holds the SQLite database and the data (as `KYODO_DATA_DIR`). `kyodo.web.demo.prepare` runs
as the command runs it; each of its steps is timed by wrapping the function it calls (wall and CPU seconds: on a
shared machine the CPU column is the better estimate of an idle machine's wall time). The steps that seed the
services other than hoiku, jinzai, shishin and jirei (研修, 標準化, 会議録, and hoiku's rules version and letter
settings) are summed apart: what they add to the preparation.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

# (module, function, label, added by the services' demo modules)
STEPS = (
    ("kyodo.web.demo", "migrate", "データベースの作成(migrate)", False),
    ("kyodo.web.demo", "ensure_users", "江東区の利用者", False),
    ("kyodo.web.jinzai.demo", "ensure_pool", "人材: 人材と依頼", False),
    ("kyodo.web.shishin.demo", "load", "指針: モデル指針", False),
    ("kyodo.web.jirei.services", "import_records", "事例: 300件", False),
    ("kyodo.web.kenshu.demo", "load", "研修: 研修・開催回・需要調査・推薦", True),
    ("kyodo.web.hyojunka.demo", "load", "標準化: 62団体の計画・江東区の月次報告", True),
    ("kyodo.web.gijiroku.demo", "load", "会議録: 合成音声の委員会", True),
    ("kyodo.web.hoiku.demo", "ensure_rules_version", "保育: 利用調整基準の版", True),
    ("kyodo.web.hoiku.demo", "ensure_letter_settings", "保育: 通知書の設定", True),
    ("kyodo.web.demo", "write_ward", "保育: 区のデータの生成", False),
    ("kyodo.web.demo", "ensure_round", "保育: 利用調整回・取込・実行", False),
)


def wrap(times: dict[str, list[float]]) -> None:
    for module_name, name, label, _added in STEPS:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def timed(*args: Any, _original: Callable[..., Any] = original, _label: str = label, **kwargs: Any) -> Any:
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent = times.setdefault(_label, [0.0, 0.0])
                spent[0] += time.perf_counter() - start
                spent[1] += time.process_time() - start_cpu

        setattr(module, name, functools.wraps(original)(timed))


def show(title: str, times: dict[str, list[float]], total: tuple[float, float]) -> None:
    print(f"\n{title}: 全体 {total[0]:.2f} 秒(CPU {total[1]:.2f} 秒)")
    added = [0.0, 0.0]
    for _module, _name, label, is_added in STEPS:
        wall, cpu = times.get(label, [0.0, 0.0])
        print(f"  {'+' if is_added else ' '} {wall:6.2f} 秒(CPU {cpu:6.2f} 秒) {label}")
        if is_added:
            added[0], added[1] = added[0] + wall, added[1] + cpu
    print(f"  = {added[0]:6.2f} 秒(CPU {added[1]:6.2f} 秒) + の合計(各サービスのデモで増えた分)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1500)
    parser.add_argument("--facilities", type=int, default=60)
    args = parser.parse_args(argv)
    print(f"負荷(1分平均): {os.getloadavg()[0]:.1f}、CPU {os.cpu_count()} 個")
    with tempfile.TemporaryDirectory(prefix="kyodo-bench-") as tmp:
        os.environ["KYODO_DATA_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        from kyodo.web.cli import setup_django

        setup_django()
        from kyodo.web import demo

        for title in ("初回(新しいデータベース)", "2回目(作るものなし)"):
            times: dict[str, list[float]] = {}
            wrap(times)
            start, start_cpu = time.perf_counter(), time.process_time()
            demo.prepare(children=args.children, facilities=args.facilities)
            show(title, times, (time.perf_counter() - start, time.process_time() - start_cpu))
            for module_name, name, _label, _added in STEPS:  # unwrap for the next pass
                module = importlib.import_module(module_name)
                setattr(module, name, getattr(module, name).__wrapped__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
