"""How a reply names its windows: who to call first, each window's lines, the source in one line.

Who to call comes first (a resident on a phone reads the first screen, not the whole reply); a line
closed right now says so and when it opens, from the window's `schedule` (bot/core/opening.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from bot.core.opening import closed_mark, open_now
from bot.data import Window, Wording

SHORT_SOURCE_CHARS = 24  # longer first parts are cut at their first space (the section after the title)


def first_contact(windows: Sequence[Window], at: datetime) -> Window | None:
    """The window to call first: the first with a phone that is not closed now (else the first with a phone)."""
    callable_ = [w for w in windows if w.phone]
    return next((w for w in callable_ if open_now(w.schedule, at) is not False), None) or next(iter(callable_), None)


def lead_first(windows: Sequence[Window], at: datetime) -> list[Window]:
    """The windows in the order the text names them: the first contact, then the rest in order."""
    first = first_contact(windows, at)
    return [first, *(w for w in windows if w is not first)] if first else list(windows)


def lead_line(first: Window, at: datetime, wording: Wording, easy: bool = False) -> str:
    """「まずは ◯◯（電話 …）にご相談ください。」 (wording.contacts.first), with 受付時間外 when the line is
    closed now."""
    mark = closed_mark(first.schedule, at)
    when = f"、{mark}" if mark else ""
    return wording.contacts.first.fill(easy, window=first.name, phone=first.phone or "", when=when)


def lead_block(first: Window, at: datetime, wording: Wording, easy: bool = False) -> list[str]:
    """The lead line and what the resident needs before calling (hours, a hotline's caveat).

    The window is not listed again below: what it serves is what the card's summary explains.
    """
    lines = [lead_line(first, at, wording, easy)]
    if first.hours:
        lines.append(f"　受付 {first.hours}")
    if first.note and first.is_hotline:
        lines.append(f"　※{first.note}")
    return lines


def window_lines(w: Window, at: datetime, wording: Wording, easy: bool = False) -> list[str]:
    lines = [f"・{w.name}" + (f"　電話 {w.phone}" if w.phone else "")]
    if w.hours:
        mark = closed_mark(w.schedule, at)
        lines.append(f"　受付 {w.hours}" + (f"　※いまは{mark}" if mark else ""))
    if w.address and not w.phone:
        lines.append(f"　場所 {w.address}")
    if w.serves:
        lines.append(f"　（{w.serves}）")
    if not w.phone and w.fallback:
        said = wording.contacts
        ask_below = said.ask_below.pick(easy)
        # A note that already says the number is unknown is not said twice.
        no_phone = "" if w.note and "電話番号" in w.note else said.no_phone.pick(easy)
        lines.append(f"　{no_phone}{ask_below}")
    if w.note and (w.is_hotline or not w.phone):
        # Caveats that change what the resident should do (hours, no phone); staff notes stay in YAML.
        lines.append(f"　※{w.note}")
    return lines


def crisis_line(w: Window, at: datetime) -> str:
    """One line per number in a crisis reply: closed lines say when they open instead of their hours."""
    mark = closed_mark(w.schedule, at)
    if mark:
        return f"・{w.name} {w.phone}　{mark}"
    return f"・{w.name} {w.phone}" + (f"（{w.hours}）" if w.hours else "")


@lru_cache(maxsize=1024)  # a card's source is the same in every reply that shows it
def short_source(source: str, date: str | None) -> str:
    """The source in one short line: the document's name and date; the full citation is one tap away."""
    first = re.split(r"\s*[;；]\s*", source)[0]
    first = re.sub(r"\s*https?://\S+", "", first).strip()
    if first.startswith("shared/"):  # the project's fact file, compiled from public pages
        first = "公開資料のまとめ"
    name = re.split(r"\s", first, maxsplit=1)[0] if len(first) > SHORT_SOURCE_CHARS else first
    if len(name) < 6:  # 「小平市 介護保険のページ」: the first word alone says nothing
        name = first[:SHORT_SOURCE_CHARS]
    name = re.sub(r"[（(][^）)]*$", "", name).strip() or "公開資料"
    shown_date = re.split(r"[（(]", date)[0].strip() if date else ""
    more = " ほか" if re.search(r"[;；]", source) else ""
    return f"出典：{name}" + (f"（{shown_date}）" if shown_date and shown_date not in name else "") + more


def full_source(source: str | None, date: str | None) -> str:
    """The whole citation, for the 「出典」 button or /source."""
    parts = [p.strip() for p in re.split(r"\s*[;；]\s*", source or "") if p.strip()]
    lines = [f"・{p}" for p in parts] or ["・（出典の記載がありません）"]
    return "\n".join(lines + ([f"　日付：{date}"] if date else []))
