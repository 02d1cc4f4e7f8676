"""knowledge/ YAML → typed, immutable records: windows, answer cards, towns, areas, the self-check.

Each file is first validated against its declared model (bot/data/schema.py); the records are built
from the validated models. Loading never stops at the first mistake: every problem is collected with
its file, line and entry, so `kodaira-bot kb check` can show staff all of them at once. Links between
entries are checked only when every file is valid, so one slip is reported once, not as dozens of
"missing window" lines that follow from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.data import schema as s
from bot.data.hours import hours_problem, schedule_from_yaml
from bot.data.municipality import MunicipalityFile, check_ids, check_wording
from bot.data.problems import DataError, ProblemLog, suggest
from bot.data.records import (
    Answer,
    Assignment,
    Card,
    CheckResult,
    Knowledge,
    MenuCategory,
    Question,
    SelfCheck,
    Town,
    Window,
)
from bot.data.yamlio import Doc, Loc, load_file

FACT_FIELDS = ("phone", "hours", "address", "email")
MAX_LABEL_BYTES = 40  # an answer label longer than this does not fit a Telegram button


class _Builder:
    def __init__(self, root: Path, log: ProblemLog) -> None:
        self.root = root
        self.log = log
        self.windows: dict[str, Window] = {}
        self.cards: dict[str, Card] = {}
        self.repeats: dict[str, str] = {}  # （再掲） id → the first listing's id
        self.where: dict[str, tuple[Doc, Loc]] = {}  # id → where it is written

    def add(self, entry_id: str, loc: Loc, field: str | int | None, code: str, **values: Any) -> None:
        """A problem with the entry `entry_id` (at `loc` of its file), at one of its fields."""
        doc, _ = self.where[entry_id]
        line = doc.line((*loc, field) if field is not None else loc)
        self.log.add(doc.path, entry_id, code, line=line, **values)

    def claim(self, entry_id: str, doc: Doc, loc: Loc) -> bool:
        if entry_id in self.where:
            other = self.where[entry_id][0]
            line = other.line(self.where[entry_id][1])
            self.log.add(doc.path, entry_id, "duplicate_id", line=doc.line(loc),
                         other=f"{self.log.shown(other.path)}:{line}")
            return False
        self.where[entry_id] = (doc, loc)
        return True

    def ref(self, owner: str, loc: Loc, field: str, index: int, ref: str, what: str, known: set[str]) -> None:
        """Report `ref` (the index-th item of `field`) when it names nothing known."""
        if ref in known:
            return
        doc, _ = self.where[owner]
        self.log.add(doc.path, owner, "unknown_ref", line=doc.line((*loc, field, index)),
                     hint=suggest(ref, known), what=what, ref=ref)

    def window(self, item: s.Contact, doc: Doc, loc: Loc, *, hotline: bool) -> None:
        if not self.claim(item.id, doc, loc):
            return
        facts = [f for f in FACT_FIELDS if getattr(item, f)]
        if facts and not (item.source and item.source_date):
            self.add(item.id, loc, None, "facts_without_source", facts=", ".join(facts))
        if not item.phone and not item.fallback and not hotline:
            self.add(item.id, loc, None, "no_phone_no_fallback")
        schedule, problem = schedule_from_yaml(item.schedule) if item.schedule is not None else (None, None)
        problem = problem or hours_problem(item.hours, schedule)
        if problem:
            self.add(item.id, loc, "schedule", "hours_mismatch", detail=problem)
            schedule = None  # hours that do not restate the source count as unknown
        self.windows[item.id] = Window(
            id=item.id,
            name=item.name,
            kind=item.kind or "",
            serves=item.serves or "",
            phone=item.phone,
            hours=item.hours,
            schedule=schedule,
            address=item.address,
            email=item.email,
            note=item.note,
            fallback=tuple(item.fallback),
            crisis=tuple(item.crisis),
            source=item.source,
            source_date=item.source_date,
            is_hotline=hotline,
        )

    def card(self, item: s.Card, doc: Doc, loc: Loc, group: str) -> Card | None:
        if not self.claim(item.id, doc, loc):
            return None
        detail = item.person_state if isinstance(item, s.GuardianshipType) else None
        card = Card(
            id=item.id,
            title=item.title,
            summary=item.summary,
            group=group,
            windows=tuple(item.windows),
            hotlines=tuple(item.hotlines),
            needs_town=item.needs_town,
            related=tuple(item.related),
            keywords=tuple(item.keywords),
            source=item.source,
            source_date=item.source_date,
            detail=detail,
            easy=item.easy,
        )
        self.cards[item.id] = card
        return card


def _measures(b: _Builder, data: s.MeasuresFile, doc: Doc) -> None:
    b.card(data.plan_overview, doc, ("plan_overview",), "measures")
    b.card(data.philosophy, doc, ("philosophy",), "measures")
    for index, goal in enumerate(data.goals):
        b.card(goal, doc, ("goals", index), "measures")
    for p_index, pillar in enumerate(data.pillars):
        b.card(pillar, doc, ("pillars", p_index), "measures")
        for q_index, policy in enumerate(pillar.policies):
            b.card(policy, doc, ("pillars", p_index, "policies", q_index), "measures")
            for i_index, init in enumerate(policy.initiatives):
                loc: Loc = ("pillars", p_index, "policies", q_index, "initiatives", i_index)
                if isinstance(init, s.Repeat):
                    if b.claim(init.id, doc, loc):
                        b.repeats[init.id] = init.repeat_of
                else:
                    b.card(init, doc, loc, "measures")


GUARDIANSHIP_CARDS = ("overview", "guardian_kinds", "citizen_guardian", "centre", "daily_life_support", "petition",
                      "figures_card")


def _guardianship(b: _Builder, data: s.GuardianshipFile, doc: Doc) -> SelfCheck:
    for key in ("systems", "types"):
        for index, item in enumerate(getattr(data, key)):
            b.card(item, doc, (key, index), "guardianship")
    for key in GUARDIANSHIP_CARDS:
        card = getattr(data, key)
        if card is not None:
            b.card(card, doc, (key,), "guardianship")
    raw = data.self_check
    questions = {
        q.id: Question(q.id, q.text, tuple(Answer(a.label, a.next) for a in q.answers)) for q in raw.questions
    }
    results = {r.id: CheckResult(r.id, r.card, r.text) for r in raw.results}
    for q_index, q in enumerate(raw.questions):
        for a_index, a in enumerate(q.answers):
            loc: Loc = ("self_check", "questions", q_index, "answers", a_index)
            if a.next not in questions and a.next not in results:
                b.log.add(doc.path, q.id, "unknown_ref", line=doc.line((*loc, "next")),
                          hint=suggest(a.next, {*questions, *results}), what="step", ref=a.next)
            if len(a.label.encode()) > MAX_LABEL_BYTES:
                b.log.add(doc.path, q.id, "label_too_long", line=doc.line((*loc, "label")), label=a.label)
    if raw.start not in questions:
        b.log.add(doc.path, "self_check", "unknown_ref", line=doc.line(("self_check", "start")),
                  hint=suggest(raw.start, set(questions)), what="step", ref=raw.start)
    return SelfCheck(raw.intro, raw.start, questions, results, raw.closing)


def _towns(b: _Builder, data: MunicipalityFile, doc: Doc) -> tuple[Town, ...]:
    towns: list[Town] = []
    for index, town in enumerate(data.towns):
        if b.claim(town.id, doc, ("towns", index)):
            towns.append(Town(town.id, town.name, town.kana, tuple(town.chome)))
    return tuple(towns)


def _areas(b: _Builder, data: s.AreasFile, doc: Doc) -> tuple[str, ...]:
    areas = []
    for index, area in enumerate(data.csw_areas):
        card = b.card(area, doc, ("csw_areas", index), "areas")
        if card:
            areas.append(card.id)
    return tuple(areas)


def _check_links(
    b: _Builder, k: Knowledge, areas_file: s.AreasFile, areas_doc: Doc, menu_doc: Doc, guard_doc: Doc
) -> None:
    windows, cards = set(b.windows), set(b.cards) | set(b.repeats)
    for w in b.windows.values():
        loc = b.where[w.id][1]
        for index, fb in enumerate(w.fallback):
            b.ref(w.id, loc, "fallback", index, fb, "window", windows)
            if fb in b.windows and not b.windows[fb].phone:
                b.add(w.id, loc, "fallback", "fallback_no_phone", ref=fb)
    for c in b.cards.values():
        loc = b.where[c.id][1]
        for field in ("windows", "hotlines"):
            for index, wid in enumerate(getattr(c, field)):
                b.ref(c.id, loc, field, index, wid, "window", windows)
        for index, rid in enumerate(c.related):
            b.ref(c.id, loc, "related", index, rid, "card", cards)
    for rid, original in b.repeats.items():
        if original not in b.cards:
            doc, loc = b.where[rid]
            b.log.add(doc.path, rid, "unknown_ref", line=doc.line((*loc, "repeat_of")),
                      hint=suggest(original, set(b.cards)), what="repeat_of", ref=original)
    towns, areas = {t.id for t in k.towns}, set(k.areas)
    centres = {w.id for w in b.windows.values() if not w.is_hotline}
    for index, a in enumerate(areas_file.assignments):
        loc = ("assignments", index)
        checks = (("town", a.town, "town", towns), ("area", a.area, "area", areas), ("centre", a.centre, "centre",
                                                                                      centres))
        for field, value, what, known in checks:
            if value is not None and value not in known:
                areas_doc_line = areas_doc.line((*loc, field))
                b.log.add(areas_doc.path, f"assignments[{index}] {a.town}", "unknown_ref", line=areas_doc_line,
                          hint=suggest(value, known), what=what, ref=value)
        town = next((t for t in k.towns if t.id == a.town), None)
        if town is not None and a.chome is not None and a.chome not in town.chome:
            b.log.add(areas_doc.path, f"assignments[{index}] {a.town}", "unknown_ref",
                      line=areas_doc.line((*loc, "chome")), what="town", ref=f"{town.name}{a.chome}丁目")
    if k.self_check:
        for r in k.self_check.results.values():
            if r.card not in b.cards:
                b.log.add(guard_doc.path, f"self_check.{r.id}", "unknown_ref", hint=suggest(r.card, set(b.cards)),
                          what="card", ref=r.card)
    for c_index, category in enumerate(k.menu):
        for t_index, topic in enumerate(category.topics):
            if topic not in cards:
                menu_doc_line = menu_doc.line(("categories", c_index, "topics", t_index))
                b.log.add(menu_doc.path, category.id, "unknown_ref", line=menu_doc_line, hint=suggest(topic, cards),
                          what="card", ref=topic)


def load_knowledge(knowledge_dir: Path, log: ProblemLog | None = None) -> Knowledge:
    """Load every file of knowledge/; raise DataError listing all problems when anything is wrong."""
    own_log = log is None
    log = log or ProblemLog(knowledge_dir.parent)
    b = _Builder(knowledge_dir, log)
    windows, w_doc = load_file(knowledge_dir / "windows.yaml", s.WindowsFile, log)
    hotlines, h_doc = load_file(knowledge_dir / "hotlines.yaml", s.HotlinesFile, log)
    topics, t_doc = load_file(knowledge_dir / "topics.yaml", s.TopicsFile, log)
    measures, m_doc = load_file(knowledge_dir / "measures.yaml", s.MeasuresFile, log)
    guardianship, g_doc = load_file(knowledge_dir / "guardianship.yaml", s.GuardianshipFile, log)
    municipality, mu_doc = load_file(knowledge_dir / "municipality.yaml", MunicipalityFile, log)
    areas_file, a_doc = load_file(knowledge_dir / "areas.yaml", s.AreasFile, log)
    menu_file, menu_doc = load_file(knowledge_dir / "menu.yaml", s.MenuFile, log)

    for contacts, doc, key, hotline in ((windows, w_doc, "windows", False), (hotlines, h_doc, "hotlines", True)):
        for index, contact in enumerate(getattr(contacts, key, [])):
            b.window(contact, doc, (key, index), hotline=hotline)
    for index, card in enumerate(topics.topics if topics else []):
        b.card(card, t_doc, ("topics", index), "topics")
    if measures:
        _measures(b, measures, m_doc)
    self_check = _guardianship(b, guardianship, g_doc) if guardianship else None
    towns = _towns(b, municipality, mu_doc) if municipality else ()
    areas = _areas(b, areas_file, a_doc) if areas_file else ()
    if municipality:
        check_wording(municipality, mu_doc, log)
    assignments = tuple(
        Assignment(a.town, a.area, a.centre, a.chome, a.source, a.source_date)
        for a in (areas_file.assignments if areas_file else [])
    )
    menu = tuple(MenuCategory(c.id, c.label, tuple(c.topics)) for c in (menu_file.categories if menu_file else []))
    knowledge = Knowledge(
        windows=dict(b.windows),
        cards={**b.cards, **{rid: b.cards[orig] for rid, orig in b.repeats.items() if orig in b.cards}},
        towns=towns,
        areas=areas,
        assignments=assignments,
        self_check=self_check,
        menu=menu,
        figures=guardianship.figures if guardianship else {},
        area_names={a.id: a.name for a in (areas_file.csw_areas if areas_file else [])},
        municipality_file=municipality,
    )
    files = (windows, hotlines, topics, measures, guardianship, areas_file, menu_file, municipality)
    if all(f is not None for f in files) and areas_file is not None and municipality is not None:
        _check_links(b, knowledge, areas_file, a_doc, menu_doc, g_doc)
        hotline_ids = {w.id for w in b.windows.values() if w.is_hotline}
        check_ids(municipality, mu_doc, log, set(b.windows), hotline_ids, set(b.cards))
    if own_log and log.problems:
        raise DataError(log.problems)
    return knowledge


def contacts_readable(log: ProblemLog, knowledge_dir: Path) -> bool:
    """True when windows.yaml and hotlines.yaml have no problem so far: the safety checks need them whole,
    and a slip in them must not be reported again as "110 is missing"."""
    files = {log.shown(knowledge_dir / name) for name in ("windows.yaml", "hotlines.yaml")}
    return not any(p.file in files for p in log.problems)
