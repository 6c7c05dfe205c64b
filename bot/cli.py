"""The `helpdesk` command."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
from collections import Counter
from pathlib import Path

from bot.content import Content, load_content
from bot.yaml_lines import ContentError

log = logging.getLogger("helpdesk")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"content has {errors} error(s); fix them and run `helpdesk check`",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `helpdesk check | head`: the reader has enough; stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="helpdesk",
        description="Anonymous FAQ helpdesk for undocumented families. Content is read from "
                    "HELPDESK_CONTENT_DIR, or the bundled content/ folder.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log events (never content)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("run", help="start the configured channels (none: the console chat)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("chat", help="chat in the terminal as a family would")
    p.set_defaults(func=cmd_chat)
    p = sub.add_parser("ask", help="send one message through the bot, in a fresh session")
    p.add_argument("text")
    p.add_argument("--lang", help="language the person picked, e.g. nl")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("check", help="check all content; errors name file and line")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("eval", help="measure answers on a YAML list of test cases")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="print every case and the summary")
    p.set_defaults(func=cmd_eval)
    return parser


def _configure_logging(verbose: bool) -> None:
    from bot.logs import quiet_libraries

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries()


def _engine(content: Content | None = None):
    from bot.core.engine import Engine

    return Engine(content or load_content())


def cmd_run(args: argparse.Namespace) -> int:
    from bot.handoff.seal import SecretError
    from bot.settings import SettingsError, from_env

    content = load_content()  # refuse to start on broken content, before anything else
    try:
        settings = from_env()
        if settings.telegram is None and settings.signal is None:
            log.info("no chat network configured: starting the console")
            return _chat(content)
        from bot.service import serve

        asyncio.run(serve(content, settings))
    except (SettingsError, SecretError) as exc:
        print(f"helpdesk: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    return _chat(load_content())


def _chat(content: Content) -> int:
    from bot.transports.console import chat

    async def run() -> None:
        # The console keeps nothing on disk: its queue lives in memory, for this run only.
        from bot.core.engine import Engine
        from bot.handoff.seal import Sealer, load_secret
        from bot.handoff.store import TicketStore
        from bot.service import open_queue

        store = await TicketStore.open(":memory:")
        try:
            desk = await open_queue(content, store, Sealer(load_secret(None)))
            await chat(Engine(content, handoff=desk), desk=desk)
        finally:
            await store.close()

    asyncio.run(run())
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.core.messages import Inbound

    content = load_content()
    lang = args.lang
    if lang and lang not in content.languages:
        print(f"unknown language {lang!r}; switched on: {', '.join(content.languages)}",
              file=sys.stderr)
        return 2
    engine = _engine(content)

    async def one() -> None:
        if lang:  # the person picked a language, as with the language buttons
            await engine.handle(Inbound("cli", "ask", payload=f"lang:{lang}"))
        response = await engine.handle(Inbound("cli", "ask", args.text))
        if args.json:
            print(json.dumps({
                "outcome": str(response.outcome), "faq_id": response.faq_id,
                "suggestions": list(response.suggestions), "lang": response.lang,
                "text": response.text,
                "buttons": [{"label": b.label, "payload": b.payload} for b in response.buttons],
            }, ensure_ascii=False, indent=2))
        else:
            from bot.transports.console import render

            print(render(response))

    asyncio.run(one())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    content = load_content()
    for warning in content.warnings:
        print(warning)
    print(f"content OK: {content.root}")
    print(f"  {len(content.faq)} FAQ entries, languages: {', '.join(content.languages)}")
    for lang in content.languages:
        trs = [e.translations[lang] for e in content.faq if lang in e.translations]
        status = Counter(t.status for t in trs)
        print(f"  {lang}: {len(trs)}/{len(content.faq)} entries"
              f" ({', '.join(f'{n} {s}' for s, n in sorted(status.items()))})")
    review = [e for e in content.faq if e.needs_human_review]
    due = [e for e in content.faq if e.review_by < dt.date.today()]
    print(f"  {len(review)} entries rest on general knowledge and need a human review"
          f"{': ' + ', '.join(e.id for e in review) if review else ''}")
    if due:
        print(f"  {len(due)} entries are past their review date: {', '.join(e.id for e in due)}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import as_json, as_table, load_cases, run_cases

    content = load_content()
    cases = load_cases(args.files, set(content.faq_by_id))
    engine = _engine(content)
    results = asyncio.run(run_cases(engine, cases))
    if args.json:
        print(json.dumps(as_json(results), ensure_ascii=False, indent=2))
    else:
        print(as_table(results))
    return 0
