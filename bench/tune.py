"""Where do the eval cases land? Rank of the right entry, confidence and its trade-offs.

    .venv/bin/python bench/tune.py content/eval/*.yaml [--fit] [--holdout] [--coverage 0.3 ...]

Prints the foundation metrics of the engine's own rule (bot/faq/decide.py) for a
range of `answer_confidence` values; used to choose the one in content/config.yaml.
`--fit` fits the confidence weights (bot/faq/confidence.py) again on these cases and
prints the block to paste there. `--holdout` leaves one eval set out at a time (the
file name up to its first "-": foundation, languages, fresh, ...), fits the weights
and chooses the threshold on the others, and reports the set left out.
Runs the real index, not the whole engine, so the emergency and small-talk cases
are left out (they do not depend on thresholds).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import Content, load_content  # noqa: E402
from bot.core.engine import Engine  # noqa: E402
from bot.evaluation import SPECIAL, Case, load_cases  # noqa: E402
from bot.faq.confidence import FITTED, SIGNALS, Model, fit, signals  # noqa: E402
from bot.faq.decide import decide  # noqa: E402
from bot.faq.index import FaqIndex, Scored, Weights  # noqa: E402
from bot.textnorm import clean, normalise  # noqa: E402

THRESHOLDS = (85, 88, 90, 91, 92, 93, 94, 95, 96, 97)


@dataclass(frozen=True)
class Row:
    set: str  # the eval file's name up to its first "-"
    case: Case
    ids: list[str]  # the FAQ ids that are right; none: out of scope
    ranked: list[Scored]


def measure(rows: list[Row], content: Content, confidence: float,
            model: Model) -> dict[str, float]:
    """The engine's own rule (bot/faq/decide.py), each case with its language's settings."""
    in_scope = sum(1 for r in rows if r.ids)
    oos = len(rows) - in_scope
    offered = answered = wrong = oos_ans = 0
    for row in rows:
        ids = row.ids
        rule = replace(content.matching_for(row.case.lang or ""), answer_confidence=confidence)
        decision = decide(row.ranked, rule, model)
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


def fitted(rows: list[Row], l2: float) -> Model:
    """Weights from the cases whose message found some entry: was the first one right?"""
    usable = [r for r in rows if r.ranked]
    return fit([signals(r.ranked) for r in usable],
               [r.ranked[0].entry_id in r.ids for r in usable], l2=l2)


def choose(rows: list[Row], content: Content, model: Model, max_wrong: float) -> float:
    """The lowest threshold (most answers) whose wrong and out-of-scope answers stay in limits."""
    for t in THRESHOLDS:
        r = measure(rows, content, t, model)
        if r["wrong"] <= max_wrong and r["oos_answered"] <= 5.0:
            return t
    return THRESHOLDS[-1]


def holdout(rows: list[Row], content: Content, l2: float, max_wrong: float) -> None:
    """Leave one eval set out: fit and choose on the rest, report the one left out."""
    for name in sorted({r.set for r in rows}):
        train = [r for r in rows if r.set != name]
        check = [r for r in rows if r.set == name]
        model = fitted(train, l2)
        t = choose(train, content, model, max_wrong)
        held = measure(check, content, t, model)
        print(f"{name:>12} left out ({len(check)} cases): threshold {t}: offered "
              f"{held['offered']:.1f}% answered {held['answered']:.1f}% wrong "
              f"{held['wrong']:.2f}% out-of-scope answered {held['oos_answered']:.1f}%")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--coverage", type=float, default=Weights.coverage)
    ap.add_argument("--unknown", type=float, default=Weights.unknown_word)
    ap.add_argument("--floor", type=float, default=Weights.phrase_floor)
    ap.add_argument("--centrality", type=float, default=Weights.centrality)
    ap.add_argument("--phrase", default=Weights.phrase_scorer)
    ap.add_argument("--variant-fit", type=float, default=Weights.variant_fit)
    ap.add_argument("--brief", action="store_true", help="only the ranking line")
    ap.add_argument("--fit", action="store_true",
                    help="fit the confidence weights on these cases and print them")
    ap.add_argument("--l2", type=float, default=1.0, help="how hard the fit holds weights back")
    ap.add_argument("--max-wrong", type=float, default=0.5,
                    help="--holdout: %% of cases answered wrongly that a threshold may cost")
    ap.add_argument("--holdout", action="store_true",
                    help="leave one eval set out at a time: fit on the rest, report it")
    ap.add_argument("--show", type=int, default=0, help="print this many worst in-scope cases")
    args = ap.parse_args()
    content = load_content()
    engine = Engine(content)
    weights = Weights(coverage=args.coverage, variant_fit=args.variant_fit,
                      unknown_word=args.unknown, centrality=args.centrality,
                      phrase_scorer=args.phrase, phrase_floor=args.floor)
    index = FaqIndex(content.faq, engine.index.stopwords, weights,
                     out_of_scope=content.out_of_scope.values())
    rows: list[Row] = []
    for path in args.files:
        for case in load_cases([path], set(content.faq_by_id)):
            if {"emergency", "not-emergency", "reply"} & set(case.expect):
                continue
            norm = normalise(clean(case.text))
            if engine.smalltalk.detect(norm):
                continue
            ids = [e for e in case.expect if e not in SPECIAL]
            ranked = index.search(norm, limit=5, lang=case.lang)
            rows.append(Row(path.name.split("-")[0], case, ids, ranked))
    in_scope = [r for r in rows if r.ids]
    rank = [next((i for i, s in enumerate(r.ranked) if s.entry_id in r.ids), 9) for r in in_scope]
    print(f"in-scope {len(in_scope)}: top1 {sum(x == 0 for x in rank)}, top3 "
          f"{sum(x < 3 for x in rank)}, top5 {sum(x < 5 for x in rank)}; "
          f"out-of-scope {len(rows) - len(in_scope)}")
    if args.brief:
        return
    if args.holdout:
        holdout(rows, content, args.l2, args.max_wrong)
        return
    model = FITTED
    if args.fit:
        model = fitted(rows, args.l2)
        print(f"# Fitted by `bench/tune.py --fit` on {len(rows)} cases; paste into "
              "bot/faq/confidence.py:")
        print(f"FITTED = Model(bias={model.bias:.3f}, weights={{")
        for name in SIGNALS:
            print(f'    "{name}": {model.weights[name]:.3f},')
        print("})")
    print(f"{'confidence':>10} | {'offered':>7} {'answered':>8} {'wrong':>6} {'oos_ans':>7}")
    for t in THRESHOLDS:
        r = measure(rows, content, t, model)
        print(f"{t:>10} | {r['offered']:>6.1f}% {r['answered']:>7.1f}% {r['wrong']:>5.2f}% "
              f"{r['oos_answered']:>6.1f}%")
    worst = sorted(zip(rank, in_scope, strict=True), key=lambda x: -x[0])[:args.show]
    for r, row in worst:
        got = ", ".join(f"{s.entry_id} {s.score:.0f}" for s in row.ranked[:3])
        print(f"  rank {r}: {row.case.text[:55]!r} want {row.ids} got {got}")


if __name__ == "__main__":
    main()
