"""Where do the eval cases land? Rank of the right entry, scores, and threshold trade-offs.

    .venv/bin/python bench/tune.py content/eval/*.yaml [--holdout] [--coverage 0.3 ...]

Prints, for a grid of thresholds, the foundation metrics of the engine's own
rule (bot/faq/decide.py); used to choose the values in content/config.yaml.
`--holdout` chooses thresholds on half the cases and reports the other half.
Runs the real index, not the whole engine, so the emergency and small-talk
cases are left out (they do not depend on thresholds).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import load_content  # noqa: E402
from bot.core.engine import Engine  # noqa: E402
from bot.evaluation import SPECIAL, load_cases  # noqa: E402
from bot.faq.decide import Matching, decide  # noqa: E402
from bot.faq.index import FaqIndex, Weights  # noqa: E402
from bot.textnorm import clean, normalise  # noqa: E402


def measure(rows: list, a: float, m: float, cov: float, s: float) -> dict[str, float]:
    """The engine's own rule (bot/faq/decide.py) at these thresholds."""
    rule = Matching(answer_score=a, answer_margin=m, answer_coverage=cov, suggest_score=s)
    in_scope = sum(1 for _, ids, _ in rows if ids)
    oos = len(rows) - in_scope
    offered = answered = wrong = oos_ans = 0
    for _case, ids, ranked in rows:
        decision = decide(ranked, rule)
        chosen = [x.entry_id for x in decision.entries]
        if decision.outcome == "answer":
            if ids and chosen[0] in ids:
                answered += 1
                offered += 1
            else:
                wrong += 1
                oos_ans += not ids
        elif decision.outcome == "suggest" and any(i in ids for i in chosen):
            offered += 1
    return {"offered": 100 * offered / max(1, in_scope),
            "answered": 100 * answered / max(1, in_scope),
            "wrong": 100 * wrong / max(1, len(rows)),
            "oos_answered": 100 * oos_ans / max(1, oos)}


def meets(r: dict[str, float]) -> bool:
    """The foundation issue's limits that thresholds trade against answering more."""
    return r["wrong"] <= 1.0 and r["oos_answered"] <= 5.0 and r["offered"] >= 95.0


def holdout(rows: list, grid: list) -> None:
    """Choose thresholds on one half of the cases, report them on the other half."""
    halves = (rows[0::2], rows[1::2])
    for name, (fit, check) in (("even->odd", halves), ("odd->even", halves[::-1])):
        scored = [(p, measure(fit, *p)) for p in grid]
        feasible = [pr for pr in scored if meets(pr[1])] or scored
        point, tuned = max(feasible, key=lambda pr: pr[1]["answered"])
        held = measure(check, *point)
        print(f"{name}: thresholds {point}: tuned half answered {tuned['answered']:.1f}% "
              f"wrong {tuned['wrong']:.1f}%; held-out half offered {held['offered']:.1f}% "
              f"answered {held['answered']:.1f}% wrong {held['wrong']:.2f}% "
              f"out-of-scope answered {held['oos_answered']:.1f}%")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--coverage", type=float, default=Weights.coverage)
    ap.add_argument("--unknown", type=float, default=Weights.unknown_word)
    ap.add_argument("--floor", type=float, default=Weights.phrase_floor)
    ap.add_argument("--centrality", type=float, default=Weights.centrality)
    ap.add_argument("--phrase", default=Weights.phrase_scorer)
    ap.add_argument("--fit", type=float, default=Weights.variant_fit)
    ap.add_argument("--brief", action="store_true", help="only the ranking line")
    ap.add_argument("--holdout", action="store_true",
                    help="choose thresholds on half the cases, report on the other half")
    ap.add_argument("--top", type=int, default=15, help="how many threshold sets to print")
    ap.add_argument("--show", type=int, default=0, help="print this many worst in-scope cases")
    args = ap.parse_args()
    content = load_content()
    engine = Engine(content)
    weights = Weights(coverage=args.coverage, variant_fit=args.fit, unknown_word=args.unknown,
                      centrality=args.centrality, phrase_scorer=args.phrase,
                      phrase_floor=args.floor)
    index = FaqIndex(content.faq, engine.index.stopwords, weights,
                     out_of_scope=content.out_of_scope.values())
    cases = load_cases(args.files, set(content.faq_by_id))
    rows = []
    for case in cases:
        if "emergency" in case.expect or "reply" in case.expect:
            continue
        norm = normalise(clean(case.text))
        if engine.smalltalk.detect(norm):
            continue
        ranked = index.search(norm, limit=5)
        ids = [e for e in case.expect if e not in SPECIAL]
        rows.append((case, ids, ranked))
    in_scope = [r for r in rows if r[1]]
    oos = [r for r in rows if not r[1]]
    rank = [next((i for i, s in enumerate(r[2]) if s.entry_id in r[1]), 9) for r in in_scope]
    print(f"in-scope {len(in_scope)}: top1 {sum(x == 0 for x in rank)}, top3 "
          f"{sum(x < 3 for x in rank)}, top5 {sum(x < 5 for x in rank)}; out-of-scope {len(oos)}")
    if args.brief:
        return
    grid = list(itertools.product(range(34, 52, 2), (2, 3, 4, 5, 6, 8), range(40, 58, 2), (25,)))
    if args.holdout:
        holdout(rows, grid)
        return
    print(f"{'answer':>6} {'margin':>6} {'cover':>5} {'suggest':>7} | {'offered':>7} "
          f"{'answered':>8} {'wrong':>6} {'oos_ans':>7}")
    results = [(point, measure(rows, *point)) for point in grid]
    results.sort(key=lambda pr: -pr[1]["answered"])
    for point, r in [pr for pr in results if meets(pr[1])][:args.top]:
        print(" ".join(f"{v:>{w}}" for v, w in zip(point, (6, 6, 5, 7), strict=True))
              + f" | {r['offered']:>6.1f}% {r['answered']:>7.1f}% {r['wrong']:>5.1f}% "
              f"{r['oos_answered']:>6.1f}%")
    worst = sorted(zip(rank, in_scope, strict=True), key=lambda x: -x[0])[:args.show]
    for r, (case, ids, ranked) in worst:
        got = ", ".join(f"{s.entry_id} {s.score:.0f}" for s in ranked[:3])
        print(f"  rank {r}: {case.text[:55]!r} want {ids} got {got}")


if __name__ == "__main__":
    main()
