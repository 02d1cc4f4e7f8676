"""The reply to several problems at once: the window for the whole situation first, then each domain's."""

from __future__ import annotations

from dataclasses import replace

from bot.core.contacts import short_source
from bot.core.reply import Reply
from bot.data.domains import Domains
from bot.data.records import Knowledge, Window, iter_windows_of


def _phone(w: Window) -> str:
    return f"（電話 {w.phone}）" if w.phone else ""


def several_problems(
    reply: Reply, knowledge: Knowledge, domains: Domains, best_topics: dict[str, str], easy: bool = False
) -> Reply:
    """`reply` (an answer) with the whole-situation window and one window per domain put first.

    `best_topics`: domain id → the message's best topic in that domain, in the order seen.
    """
    whole = knowledge.windows[domains.whole_situation_window]
    names = {d.id: d.name for d in domains.domains}
    said = knowledge.municipality.wording.several
    lines = [
        said.lead.fill(easy, domains="、".join(names[d] for d in best_topics)),
        said.whole.fill(easy, window=whole.name, phone=_phone(whole)),
        "",
        said.heading.pick(easy),
    ]
    windows: list[Window] = [whole]
    for domain, topic in best_topics.items():
        main = next((w for w in iter_windows_of(knowledge, knowledge.cards[topic]) if w not in windows), None)
        if main is None:
            continue
        windows.append(main)
        lines.append(f"・{names[domain]}：{main.name}{_phone(main)}")
    lines.extend(["", short_source(domains.source, domains.source_date), "", "―――", reply.text])
    return replace(
        reply,
        text="\n".join(lines),
        windows=(*windows, *(w for w in reply.windows if w not in windows)),
        domains=tuple(best_topics),
    )
