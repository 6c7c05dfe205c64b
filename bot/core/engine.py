"""The helpdesk's brain: one message in, one outcome and its replies out.

Order of checks for a typed message, and why:
1. a number typed for a numbered choice (Signal and the console have no buttons),
   except while a ticket is open: then "2" may be an answer to the volunteer;
2. commands (/start, /help, /forget, /language, /cancel);
3. photos, voice, stickers...: say kindly what the bot can read;
4. nothing readable (empty, emoji, digits): ask for words;
5. acute danger, before anything else, so no FAQ answer can delay 112;
6. an open ticket: the words go to the volunteer;
7. small talk and "I want a person";
8. the FAQ: answer when sure, "did you mean" when close, a volunteer otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.content import Content
from bot.core.bidi import mark_rtl
from bot.core.language import LanguageGuesser
from bot.core.messages import Button, Erase, Inbound, Outcome, Response, Say
from bot.core.ratelimit import RateLimiter
from bot.core.sessions import Session, SessionStore
from bot.core.smalltalk import Intent, SmallTalk
from bot.faq.decide import decide
from bot.faq.index import FaqIndex, Scored
from bot.faq.model import FaqEntry
from bot.safety.scrub import Scrubber
from bot.safety.triage import Alarm
from bot.textnorm import MAX_MATCH_CHARS, clean, has_letters, normalise

COMMANDS = {"/start": "cmd:start", "/help": "cmd:help", "/forget": "cmd:forget",
            "/language": "cmd:language", "/taal": "cmd:language", "/cancel": "cmd:cancel",
            "/stop": "cmd:cancel"}
PRIVATE_KINDS = {"location", "venue", "contact"}  # things that could reveal where or who


class OpenedTicket(Protocol):
    created: bool
    back_at: dt.datetime | None  # when volunteers are back, if they are away now
    now: dt.datetime


class Handoff(Protocol):
    """The volunteer queue, as the core sees it (bot/handoff/desk.py)."""

    async def active(self, msg: Inbound) -> object | None: ...

    async def open_ticket(self, msg: Inbound, question: str, lang: str,
                          guesses: tuple[str, ...], urgent: bool) -> OpenedTicket: ...

    async def family_says(self, msg: Inbound, text: str,
                          message_key: str | None = None) -> object | None: ...

    async def withdraw(self, msg: Inbound) -> bool: ...

    async def banned(self, msg: Inbound) -> bool: ...


Reply = Callable[[Response], Awaitable[None]]


class Engine:
    def __init__(self, content: Content, *, handoff: Handoff | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.content = content
        self.handoff = handoff
        self.faq = content.faq_by_id
        # Greeting and thanks words carry no topic: "hi, can I see a doctor" is about a doctor.
        filler = {normalise(p) for intent in ("greeting", "thanks", "bye")
                  for phrases in content.smalltalk.get(intent, {}).values() for p in phrases
                  if len(normalise(p).split()) == 1}
        language_stopwords = frozenset().union(*(i.stopwords for i in content.language_info.values()))
        self.index = FaqIndex(content.faq, language_stopwords | filler,
                              out_of_scope=content.out_of_scope.values())
        self.smalltalk = SmallTalk(content.smalltalk, language_stopwords)
        self.languages = LanguageGuesser(
            self.index.lang_vocab,
            {code: info.stopwords for code, info in content.language_info.items()},
            content.languages)
        self.triage = content.emergency.triage
        self.sessions = SessionStore(content.session_idle_minutes * 60, clock)
        self.rate = RateLimiter(content.safety.rate_burst, content.safety.rate_per_minute, clock)
        self.scrubber = Scrubber(content.safety.scrub)
        # Memory is keyed by a keyed hash too: a dump of this process's sessions shows no ids.
        self._memory_key = secrets.token_bytes(32)

    def who(self, msg: Inbound) -> str:
        """A pseudonym for the sender, for this process's memory only."""
        return hmac.new(self._memory_key, f"{msg.channel}\x1f{msg.user}".encode(),
                        hashlib.sha256).hexdigest()[:32]

    async def handle(self, msg: Inbound, reply: Reply | None = None) -> Response:
        """Answer one message. Messages of one user are handled one at a time, in order;
        `reply` (the transport's send) runs inside that turn, so answers keep the order too."""
        who = self.who(msg)
        async with self.sessions.lock(who):
            session = self.sessions.get(who)
            if len(self.rate) > 2 * len(self.sessions) + 100:
                self.rate.sweep()
            allowed = self.rate.check(who)
            if allowed == "ok":
                response = await self._respond(msg, session)
            else:  # over the limit: say so once, then stay quiet until it refills
                lang = session.lang or self.content.default_language
                response = (self._say(Outcome.REPLY, lang, self._t(lang, "rate_limited"))
                            if allowed == "tell" else Response(Outcome.REPLY, lang, ()))
            if self.content.language_info[response.lang].rtl:
                response = _rtl(response)
            if response.actions:
                session.last_buttons = response.buttons
            if reply is not None:
                await reply(response)
            return response

    # -- dispatch ---------------------------------------------------------------------------

    async def _respond(self, msg: Inbound, session: Session) -> Response:
        full_text = clean(msg.text)  # what a volunteer gets; matching reads the first part
        text = full_text[:MAX_MATCH_CHARS]
        ticket = await self.handoff.active(msg) if self.handoff else None
        payload = msg.payload or (None if ticket else self._typed_choice(text, session))
        if payload is None and text.startswith("/"):
            payload = COMMANDS.get(text.split()[0].split("@")[0].lower(), "cmd:help")
        norm = normalise(text)
        # "/start" is no English: commands say nothing about the family's language.
        lang = self.languages.choose("" if text.startswith("/") else norm,
                                     chosen=session.lang if session.lang_chosen else None,
                                     current=session.lang, hint=msg.lang_hint,
                                     default=self.content.default_language,
                                     raw="" if text.startswith("/") else text)
        session.lang = lang
        if payload:
            return await self._on_payload(payload, msg, session, lang)
        if msg.kind != "text":
            key = "not_text_private" if msg.kind in PRIVATE_KINDS else "not_text"
            return self._say(Outcome.REPLY, lang, self._t(lang, key))
        if not has_letters(norm) and not ticket:
            return self._say(Outcome.REPLY, lang, self._t(lang, "only_text"))
        alarm = self.triage.check(norm)
        if self.handoff and not alarm and await self.handoff.banned(msg):
            # Paused by a volunteer: one short note, then silence. Danger still gets 112.
            told, session.told_paused = session.told_paused, True
            return (Response(Outcome.REPLY, lang, ()) if told
                    else self._say(Outcome.REPLY, lang, self._t(lang, "paused")))
        if ticket and self.handoff:
            clean_text, note = self._scrub(full_text, lang, session)
            await self.handoff.family_says(msg, clean_text, msg.message_id)
            if alarm:
                await self.handoff.open_ticket(msg, "", lang, (), urgent=True)  # marks it urgent
                return self._emergency(alarm, text, lang, session)
            says = (Say(note),) if note else ()
            if getattr(ticket, "status", "") == "claimed":
                return Response(Outcome.RELAY, lang, says)  # the volunteer answers, not the bot
            return Response(Outcome.RELAY, lang, (Say(self._t(lang, "ticket_added")), *says))
        if alarm:
            return self._emergency(alarm, text, lang, session)
        intent = self.smalltalk.detect(norm)
        if intent:
            return await self._on_intent(intent, msg, text, lang, session)
        return self._match(norm, text, lang, session)

    @staticmethod
    def _typed_choice(text: str, session: Session) -> str | None:
        """A choice typed instead of tapped (Signal and the console have no buttons):
        its number, or its words."""
        choice = text.strip().rstrip(".)")
        # isdecimal, not isdigit: "¹" is a digit but no number; "٢" (Arabic two) is both.
        if choice.isdecimal() and len(choice) <= 2 and session.last_buttons:
            number = int(choice)
            if 1 <= number <= len(session.last_buttons):
                return session.last_buttons[number - 1].payload
        if session.last_buttons and len(choice) <= 80:
            typed = normalise(choice)
            for button in session.last_buttons:
                if typed and typed == normalise(button.label):
                    return button.payload
        return None

    async def _on_payload(self, payload: str, msg: Inbound, session: Session,
                          lang: str) -> Response:
        verb, _, arg = payload.partition(":")
        if verb == "faq" and arg in self.faq:
            return self._answer(self.faq[arg], lang, session)
        if verb == "none":
            return self._offer_person(lang, "unsure")
        if verb == "lang" and arg in self.content.languages:
            if session.lang and session.lang != arg:
                session.second_lang = session.lang  # a second choice, for missing translations
            session.lang, session.lang_chosen = arg, True
            return self._say(Outcome.REPLY, arg, self._t(arg, "language_set"))
        if verb == "fb":
            if arg.startswith("up"):
                return self._say(Outcome.REPLY, lang, self._t(lang, "feedback_thanks"))
            return self._offer_person(lang, "feedback_sorry")
        if verb == "ticket":
            if arg == "ask":
                return self._offer_person(lang, "asked_for_person")
            if arg == "no":
                session.pending_question = ""
                return self._say(Outcome.REPLY, lang, self._t(lang, "declined"))
            return await self._open_ticket(msg, session, lang, urgent=arg == "urgent")
        if verb == "cmd":
            return await self._command(arg, msg, session, lang)
        return self._say(Outcome.REPLY, lang, self._t(lang, "help"))

    async def _command(self, name: str, msg: Inbound, session: Session, lang: str) -> Response:
        if name == "start":
            text = "\n\n".join([self._t(lang, "welcome"), self._privacy(lang)])
            if session.lang_chosen or msg.lang_hint in self.content.languages:
                return self._say(Outcome.REPLY, lang, text)
            # No known app language: let the family pick theirs before anything else.
            buttons = self._language_picker(lang).buttons
            return Response(Outcome.REPLY, lang, (Say(text, ()),
                                                  Say(self._t(lang, "choose_language"), buttons)))
        if name == "forget":
            return await self._forget(msg, lang)
        if name == "language":
            return self._language_picker(lang)
        if name == "cancel":
            withdrawn = bool(self.handoff) and await self.handoff.withdraw(msg)
            session.pending_question, session.pending_urgent = "", False
            return self._say(Outcome.REPLY, lang,
                             self._t(lang, "ticket_cancelled" if withdrawn else "nothing_to_cancel"))
        return self._say(Outcome.REPLY, lang, self._t(lang, "help"))

    async def _on_intent(self, intent: Intent, msg: Inbound, text: str, lang: str,
                         session: Session) -> Response:
        if intent.name == "person":
            if len(text.split()) > 6:  # "can I talk to someone about my rent": keep the question
                session.pending_question = text
            return self._offer_person(lang, "asked_for_person")
        if intent.name == "forget":
            return await self._forget(msg, lang)
        if intent.name == "language":
            return self._language_picker(lang)
        return self._say(Outcome.REPLY, lang, self._t(lang, intent.name))

    # -- outcomes ---------------------------------------------------------------------------

    def _match(self, norm: str, text: str, lang: str, session: Session) -> Response:
        ranked = self.index.search(norm, limit=5, lang=lang)
        session.pending_question = text
        session.pending_guesses = tuple(s.entry_id for s in ranked[:3])
        decision = decide(ranked, self.content.matching_for(lang))
        if decision.outcome == "answer":
            return self._answer(self.faq[decision.entries[0].entry_id], lang, session)
        if decision.outcome == "suggest":
            return self._suggest(decision.entries, lang)
        return self._offer_person(lang, "unsure")

    def _answer(self, entry: FaqEntry, lang: str, session: Session) -> Response:
        session.pending_guesses = (entry.id,)
        tr = entry.text(lang, session.second_lang, self.content.fallback_language)
        if tr is None:  # neither the family's language nor the fallback: a person can help
            return self._offer_person(lang, "unsure")
        parts = []
        if tr.lang != lang:
            parts.append(self._t(lang, "missing_translation").format(
                language=self.content.language_info[lang].native_name,
                fallback=self.content.language_info[tr.lang].native_name))
        parts.append(tr.answer)
        person = Button(self._t(lang, "talk_to_person"), "ticket:ask")
        feedback = (Button(self._t(lang, "helpful"), f"fb:up:{entry.id}"),
                    Button(self._t(lang, "not_helpful"), f"fb:down:{entry.id}"))
        if entry.offer_person or tr.lang != lang:
            # The honest answer depends on the person's case, or is not in their language:
            # say so, and put the person first.
            parts.append(self._t(lang, "offer_person"))
            buttons = (person, *feedback)
        else:
            buttons = (*feedback, person)
        return Response(Outcome.ANSWER, lang, (Say("\n\n".join(parts), buttons),),
                        faq_id=entry.id)

    def _suggest(self, chosen: tuple[Scored, ...], lang: str) -> Response:
        buttons = tuple(Button(self._title(self.faq[s.entry_id], lang), f"faq:{s.entry_id}")
                        for s in chosen)
        buttons += (Button(self._t(lang, "none_of_these"), "none"),)
        return Response(Outcome.SUGGEST, lang, (Say(self._unsure(lang, "did_you_mean"), buttons),),
                        suggestions=tuple(s.entry_id for s in chosen))

    def _offer_person(self, lang: str, reason: str) -> Response:
        text = self._unsure(lang, reason, "no_personal_details")
        buttons = (Button(self._t(lang, "yes_ask_volunteer"), "ticket:open"),
                   Button(self._t(lang, "no_thanks"), "ticket:no"))
        return Response(Outcome.HANDOFF, lang, (Say(text, buttons),))

    def _unsure(self, lang: str, *keys: str) -> str:
        """A reply that answers nothing ("did you mean", the offer of a volunteer), ending with
        the 112 line: on blind sets, nearly every danger message triage missed got one of
        these, and a volunteer can take hours."""
        return "\n".join(self._t(lang, key) for key in (*keys, "in_danger"))

    def _emergency(self, alarm: Alarm, text: str, lang: str, session: Session) -> Response:
        em = self.content.emergency
        lines = [em.lines[line_id][lang] for line_id in em.category_lines.get(alarm.category, ())
                 if lang in em.lines[line_id]]
        body = em.responses[lang].replace("{lines}", "\n".join(lines))
        body = "\n".join(line for line in body.splitlines() if line.strip())
        session.pending_question, session.pending_urgent = text, True
        buttons = (Button(self._t(lang, "urgent_person"), "ticket:urgent"),)
        return Response(Outcome.EMERGENCY, lang, (Say(body, buttons),))

    async def _open_ticket(self, msg: Inbound, session: Session, lang: str,
                           urgent: bool) -> Response:
        if self.handoff is None:
            return self._say(Outcome.HANDOFF, lang, self._t(lang, "no_volunteers"))
        question, note = self._scrub(session.pending_question, lang, session)
        opened = await self.handoff.open_ticket(msg, question, lang, session.pending_guesses,
                                                urgent or session.pending_urgent)
        session.pending_question, session.pending_urgent = "", False
        if not opened.created:
            key = "ticket_already_open"
        else:
            key = "ticket_opened" if question else "ticket_opened_write"
        parts = [self._t(lang, key)]
        if opened.back_at is not None:
            when = self._when(lang, opened.back_at, opened.now)
            parts.append(self._t(lang, "volunteers_away").format(when=when))
        if note:
            parts.append(note)
        return self._say(Outcome.HANDOFF, lang, "\n\n".join(parts))

    def _scrub(self, text: str, lang: str, session: Session) -> tuple[str, str]:
        """Text for the volunteers without phone numbers, BSNs and the like, and what to tell
        the family about it (once per conversation)."""
        result = self.scrubber.scrub(text)
        if not result.removed or session.told_scrubbed:
            return result.text, ""
        session.told_scrubbed = True
        return result.text, self._t(lang, "scrubbed")

    def _when(self, lang: str, at: dt.datetime, now: dt.datetime) -> str:
        """'today at 09:00', 'tomorrow at 09:00' or 'on Monday at 09:00', in the family's language."""
        today = now.date()
        clock = at.strftime("%H:%M")
        if at.date() == today:
            return self._t(lang, "when_today").format(time=clock)
        if at.date() == today + dt.timedelta(days=1):
            return self._t(lang, "when_tomorrow").format(time=clock)
        day = [d.strip() for d in self._t(lang, "weekdays").split(",")][at.weekday()]
        return self._t(lang, "when_day").format(day=day, time=clock)

    async def _forget(self, msg: Inbound, lang: str) -> Response:
        if self.handoff:
            await self.handoff.withdraw(msg)
        self.sessions.forget(self.who(msg))
        return Response(Outcome.REPLY, lang, (Erase(), Say(self._t(lang, "forgotten"))))

    def _language_picker(self, lang: str) -> Response:
        buttons = tuple(Button(self.content.language_info[code].native_name, f"lang:{code}")
                        for code in self.content.languages)
        return Response(Outcome.REPLY, lang, (Say(self._t(lang, "choose_language"), buttons),))

    # -- texts ------------------------------------------------------------------------------

    def _t(self, lang: str, key: str) -> str:
        return self.content.ui[lang][key]

    def _privacy(self, lang: str) -> str:
        minutes = int(self.content.session_idle_minutes)
        return self._t(lang, "privacy").format(minutes=minutes)

    def _title(self, entry: FaqEntry, lang: str) -> str:
        tr = entry.text(lang, self.content.fallback_language)
        return tr.title if tr else entry.id

    @staticmethod
    def _say(outcome: Outcome, lang: str, text: str) -> Response:
        return Response(outcome, lang, (Say(text),))


def _rtl(response: Response) -> Response:
    """The same response with every line and button marked right-to-left (see bidi.py)."""
    actions = tuple(Say(mark_rtl(a.text), tuple(Button(mark_rtl(b.label), b.payload)
                                                  for b in a.buttons))
                    if isinstance(a, Say) else a for a in response.actions)
    return dataclasses.replace(response, actions=actions)
