"""Sentence-level merge on a large guideline: how long `kyodo.shishin.update` takes, and what it found.

    uv run python benchmarks/shishin_merge.py [--sections 200] [--sentences 20] [--seed 1]

A synthetic guideline of N sections × M sentences; the edition edits 10 % of the sections and 1-3 sentences in each,
the new upstream version edits another random 10 % (some overlap) and adds sections. Prints timings and counts.
"""

from __future__ import annotations

import argparse
import random
import time

from kyodo.shishin import update
from kyodo.shishin.parse import parse_document


def _document(sections: dict[str, list[str]], publisher: str, version: str, based_on: str = "") -> str:
    front = (f"---\ntitle: 大きな指針\npublisher: {publisher}\nversion: \"{version}\"\nlicence: CC-BY-4.0\n"
             + (f"based_on: \"{based_on}\"\n" if based_on else "") + "---\n")
    return front + "".join(f"## {sid} {{#{sid}}}\n\n{''.join(s)}\n\n" for sid, s in sections.items())


def _edit(sections: dict[str, list[str]], rng: random.Random, share: float, tag: str) -> dict[str, list[str]]:
    out = {sid: list(s) for sid, s in sections.items()}
    for sid in rng.sample(sorted(out), int(len(out) * share)):
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(out[sid]))
            out[sid][i] = f"{tag}が書き直した{sid}の{i}番目の文。"
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = {f"s{i}": [f"第{i}節の{j}番目の文は、利用者の「困りごと。」から始めます。" for j in range(args.sentences)]
            for i in range(args.sections)}
    ours = _edit(base, rng, 0.1, "区")
    theirs = _edit(base, rng, 0.1, "都")
    theirs.update({f"new{i}": ["東京都が足した文。"] for i in range(5)})
    started = time.perf_counter()
    docs = (parse_document(_document(base, "東京都", "1.0")), parse_document(_document(ours, "江東区", "1.0", "1.0")),
            parse_document(_document(theirs, "東京都", "1.1")))
    parsed = time.perf_counter()
    result = update(*docs)
    merged = time.perf_counter()
    s = result.stats
    print(f"{args.sections} 節 × {args.sentences} 文 = {args.sections * args.sentences} 文")
    print(f"読み込み(3文書) {1000 * (parsed - started):.0f} ms、統合 {1000 * (merged - parsed):.0f} ms")
    print(f"変更なし {s.unchanged} 文、東京都の変更を反映 {s.from_theirs} 文、自治体版の変更を維持 {s.from_ours} 文、"
          f"競合 {len(result.conflicts)} 件(新しい節 {s.new_sections})")


if __name__ == "__main__":
    main()
