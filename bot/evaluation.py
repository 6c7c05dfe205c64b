"""`helpdesk eval`: how well does the bot answer a set of test questions?

Each case goes through `Engine.handle`, exactly as a live message does, in a
fresh session. The summary gives the figures the foundation issue sets targets
for, overall and per language.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.core.messages import Inbound, Outcome
from bot.yaml_lines import ContentError, LineDict, Problem, load_yaml

# "not-emergency": anything but the emergency reply (messages that share words with danger).
SPECIAL = {"handoff", "emergency", "reply", "not-emergency"}
# The Dutch emergency number. A missed emergency whose reply still names it (an FAQ answer
# about violence, the line under "did you mean") leaves the family one step from help.
EMERGENCY_NUMBER = "112"


@dataclass(frozen=True)
class Case:
    text: str
    expect: tuple[str, ...]  # FAQ ids and/or one of SPECIAL
    lang: str | None = None


@dataclass(frozen=True)
class Result:
    text: str
    expect: str | list[str]
    outcome: str
    faq_id: str | None
    suggestions: list[str]
    lang: str  # the language the bot answered in
    ok: bool
    case_lang: str | None = None  # the language the case is written in
    names_112: bool = False  # the reply names the emergency number


def load_cases(paths: list[Path], known_ids: set[str]) -> list[Case]:
    cases: list[Case] = []
    problems: list[Problem] = []
    for path in paths:
        data = load_yaml(path)
        if not isinstance(data, list):
            raise ContentError([Problem(path, 1, "an eval file is a list of cases")])
        for item in data:
            if not isinstance(item, LineDict) or not isinstance(item.get("text"), str):
                problems.append(Problem(path, getattr(item, "line", 0), "case needs 'text'"))
                continue
            raw = item.get("expect")
            expect = tuple(raw) if isinstance(raw, list) else (raw,)
            bad = [e for e in expect if not isinstance(e, str)
                   or (e not in SPECIAL and e not in known_ids)]
            if bad or not expect:
                problems.append(Problem(path, item.line_of("expect"),
                                        f"'expect' {raw!r}: not a FAQ id nor one of "
                                        f"{', '.join(sorted(SPECIAL))}"))
                continue
            lang = item.get("lang")
            cases.append(Case(item["text"], expect, str(lang) if lang else None))
    if problems:
        raise ContentError(problems)
    return cases


def is_ok(case: Case, outcome: str, faq_id: str | None, suggestions: list[str]) -> bool:
    """Right entry answered or offered; or the expected special outcome."""
    ids = [e for e in case.expect if e not in SPECIAL]
    if "not-emergency" in case.expect:
        return outcome != Outcome.EMERGENCY
    if outcome == Outcome.ANSWER:
        return faq_id in ids
    if outcome == Outcome.SUGGEST:
        return any(s in ids for s in suggestions)
    return outcome in case.expect


async def run_cases(engine: Engine, cases: list[Case]) -> list[Result]:
    results = []
    counter = itertools.count()
    for case in cases:
        # A fresh session per case: nothing carries over from the previous question.
        user = f"eval-{next(counter)}"
        response = await engine.handle(Inbound("eval", user, case.text, lang_hint=case.lang))
        engine.sessions.forget(user)
        outcome = str(response.outcome)
        results.append(Result(
            text=case.text,
            expect=list(case.expect) if len(case.expect) > 1 else case.expect[0],
            outcome=outcome, faq_id=response.faq_id, suggestions=list(response.suggestions),
            lang=response.lang,
            ok=is_ok(case, outcome, response.faq_id, list(response.suggestions)),
            case_lang=case.lang, names_112=EMERGENCY_NUMBER in response.text))
    return results


def _kind(result: Result) -> str:
    expect = result.expect if isinstance(result.expect, list) else [result.expect]
    if any(e not in SPECIAL for e in expect):
        return "in_scope"
    return {"handoff": "out_of_scope", "emergency": "emergency", "reply": "reply",
            "not-emergency": "not_emergency"}[expect[0]]


def summarise(results: list[Result]) -> dict[str, Any]:
    def block(rs: list[Result]) -> dict[str, Any]:
        n = len(rs)
        in_scope = [r for r in rs if _kind(r) == "in_scope"]
        oos = [r for r in rs if _kind(r) == "out_of_scope"]
        emerg = [r for r in rs if _kind(r) == "emergency"]
        answered_right = [r for r in in_scope if r.outcome == "answer" and r.faq_id in
                          _expect_list(r)]
        # A message that only must not raise an alarm may get any answer.
        wrong = [r for r in rs if r.outcome == "answer" and r.faq_id not in _expect_list(r)
                 and _kind(r) != "not_emergency"]
        false_alarms = [r for r in rs if r.outcome == "emergency"
                        and "emergency" not in _expect_list(r)]
        return {
            "cases": n,
            "ok": sum(r.ok for r in rs),
            "in_scope": len(in_scope),
            "right_answered_or_offered": _pct(sum(r.ok for r in in_scope), len(in_scope)),
            "right_answered": _pct(len(answered_right), len(in_scope)),
            "confident_wrong_of_all": _pct(len(wrong), n),
            "out_of_scope": len(oos),
            "out_of_scope_answered": _pct(sum(r.outcome == "answer" for r in oos), len(oos)),
            "emergency": len(emerg),
            "emergency_missed": sum(r.outcome != "emergency" for r in emerg),
            "emergency_missed_no_112": sum(r.outcome != "emergency" and not r.names_112
                                           for r in emerg),
            "false_alarms": len(false_alarms),
            "reply": sum(_kind(r) == "reply" for r in rs),
            "reply_ok": sum(r.ok for r in rs if _kind(r) == "reply"),
            "own_language": _pct(sum(r.lang == r.case_lang for r in rs if r.case_lang),
                                 sum(1 for r in rs if r.case_lang)),
        }

    by_lang: dict[str, list[Result]] = defaultdict(list)
    by_outcome: dict[str, int] = defaultdict(int)
    for r in results:
        # Grouped by the language the family wrote in; cases without one, by the reply's.
        by_lang[r.case_lang or r.lang].append(r)
        by_outcome[r.outcome] += 1
    return {"overall": block(results),
            "by_language": {lang: block(rs) for lang, rs in sorted(by_lang.items())},
            "by_outcome": dict(sorted(by_outcome.items()))}


def _expect_list(r: Result) -> list[str]:
    return r.expect if isinstance(r.expect, list) else [r.expect]


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def as_json(results: list[Result]) -> dict[str, Any]:
    return {"cases": [asdict(r) for r in results], "summary": summarise(results)}


ROWS = [
    ("cases", "cases", ""),
    ("in-scope cases", "in_scope", ""),
    ("right entry answered or offered", "right_answered_or_offered", "%"),
    ("right entry answered confidently", "right_answered", "%"),
    ("confident wrong answers (of all cases)", "confident_wrong_of_all", "%"),
    ("out-of-scope cases", "out_of_scope", ""),
    ("out-of-scope answered confidently", "out_of_scope_answered", "%"),
    ("acute-danger cases", "emergency", ""),
    ("acute danger missed", "emergency_missed", ""),
    ("  of which 112 not named", "emergency_missed_no_112", ""),
    ("false emergency alarms", "false_alarms", ""),
    ("greetings etc. handled", "reply_ok", ""),
    ("answered in the case's language", "own_language", "%"),
]


def as_table(results: list[Result], show_misses: int = 20) -> str:
    summary = summarise(results)
    langs = list(summary["by_language"])
    columns = ["all", *langs]
    blocks = [summary["overall"], *summary["by_language"].values()]
    width = max(len(label) for label, _, _ in ROWS) + 2
    lines = ["".ljust(width) + "".join(c.rjust(9) for c in columns)]
    for label, key, unit in ROWS:
        cells = []
        for b in blocks:
            value = b[key]
            cells.append(("-" if value is None else f"{value}{unit}").rjust(9))
        lines.append(label.ljust(width) + "".join(cells))
    lines.append("")
    lines.append("by outcome: " + ", ".join(f"{k} {v}" for k, v in summary["by_outcome"].items()))
    misses = [r for r in results if not r.ok]
    if misses:
        lines.append("")
        lines.append(f"misses ({len(misses)}; first {min(show_misses, len(misses))}):")
        for r in misses[:show_misses]:
            got = r.faq_id or ",".join(r.suggestions) or ""
            lines.append(f"  [{r.lang}] {r.text[:60]!r} expected {r.expect}, got {r.outcome} {got}")
    return "\n".join(lines)
