"""knowledge/ YAML → typed, immutable records: windows, answer cards, towns, areas, the self-check.

Loading never stops at the first mistake: every problem is collected with its file and entry, so
`kodaira-bot kb check` can show staff all of them at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.data.hours import hours_problem, schedule_from_yaml
from bot.data.problems import DataError, ProblemLog
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
from bot.data.yamlio import entries_of, ids_of, read_yaml, text_of

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
FACT_FIELDS = ("phone", "hours", "address", "email")


class _Builder:
    def __init__(self, root: Path, log: ProblemLog) -> None:
        self.root = root
        self.log = log
        self.windows: dict[str, Window] = {}
        self.cards: dict[str, Card] = {}
        self.seen: dict[str, Path] = {}

    def _claim(self, entry_id: Any, path: Path, where: str) -> str | None:
        if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
            self.log.add(path, where, f"id {entry_id!r} must be snake_case ASCII (a-z, 0-9, _)")
            return None
        if entry_id in self.seen:
            first = self.seen[entry_id].name
            self.log.add(path, entry_id, f"duplicate id (also in {first})")
            return None
        self.seen[entry_id] = path
        return entry_id

    def window(self, item: dict[str, Any], path: Path, index: int, *, hotline: bool) -> None:
        wid = self._claim(item.get("id"), path, f"entry {index + 1}")
        if wid is None:
            return
        name = text_of(item.get("name"))
        if not name:
            self.log.add(path, wid, "missing 'name'")
            return
        phone = item.get("phone")
        if phone is not None and not isinstance(phone, str):
            self.log.add(path, wid, 'phone must be quoted text, e.g. "042-345-0691"')
        facts = [f for f in FACT_FIELDS if item.get(f)]
        if facts and not (text_of(item.get("source")) and text_of(item.get("source_date"))):
            self.log.add(path, wid, f"states {', '.join(facts)} but has no source and source_date")
        if not item.get("phone") and not item.get("fallback") and not hotline:
            self.log.add(path, wid, "has no phone, so it needs 'fallback:' windows that can direct the resident")
        schedule, problem = schedule_from_yaml(item["schedule"]) if "schedule" in item else (None, None)
        problem = problem or hours_problem(text_of(item.get("hours")), schedule)
        if problem:
            self.log.add(path, wid, problem)
            schedule = None  # hours that do not restate the source count as unknown
        self.windows[wid] = Window(
            id=wid,
            name=name,
            kind=text_of(item.get("kind")) or "",
            serves=text_of(item.get("serves")) or "",
            phone=text_of(phone),
            hours=text_of(item.get("hours")),
            schedule=schedule,
            address=text_of(item.get("address")),
            email=text_of(item.get("email")),
            note=text_of(item.get("note")),
            fallback=ids_of(item.get("fallback")),
            crisis=ids_of(item.get("crisis")),
            source=text_of(item.get("source")),
            source_date=text_of(item.get("source_date")),
            is_hotline=hotline,
        )

    def card(self, item: dict[str, Any], path: Path, where: str, group: str) -> Card | None:
        cid = self._claim(item.get("id"), path, where)
        if cid is None:
            return None
        title = text_of(item.get("title")) or text_of(item.get("name"))
        summary = text_of(item.get("summary")) or text_of(item.get("text")) or text_of(item.get("activities"))
        if not title:
            self.log.add(path, cid, "missing 'title'")
            return None
        if not summary:
            self.log.add(path, cid, "missing 'summary'")
            summary = ""
        if not text_of(item.get("source")):
            self.log.add(path, cid, "missing 'source' (where the summary comes from)")
        card = Card(
            id=cid,
            title=title,
            summary=summary,
            group=group,
            windows=ids_of(item.get("windows")),
            hotlines=ids_of(item.get("hotlines")),
            needs_town=bool(item.get("needs_town", False)),
            related=ids_of(item.get("related")),
            keywords=ids_of(item.get("keywords")),
            source=text_of(item.get("source")),
            source_date=text_of(item.get("source_date")),
            detail=text_of(item.get("person_state")),
            easy=text_of(item.get("easy")),
        )
        self.cards[cid] = card
        return card


def _measure_cards(b: _Builder, data: Any, path: Path) -> dict[str, str]:
    """Cards of the plan's structure; returns {repeat id: original id} for （再掲） entries."""
    repeats: dict[str, str] = {}
    if not isinstance(data, dict):
        if data is not None:
            b.log.add(path, "", "expected a mapping with plan_overview, philosophy, goals and pillars")
        return repeats
    for key in ("plan_overview", "philosophy"):
        if isinstance(data.get(key), dict):
            b.card(data[key], path, key, "measures")
    for index, goal in enumerate(data.get("goals") or []):
        if isinstance(goal, dict):
            b.card(goal, path, f"goals[{index}]", "measures")
    for p_index, pillar in enumerate(data.get("pillars") or []):
        if not isinstance(pillar, dict):
            continue
        policies = [p for p in pillar.get("policies") or [] if isinstance(p, dict)]
        b.card(pillar, path, f"pillars[{p_index}]", "measures")
        for q_index, policy in enumerate(policies):
            initiatives = [i for i in policy.get("initiatives") or [] if isinstance(i, dict)]
            b.card(policy, path, f"pillars[{p_index}].policies[{q_index}]", "measures")
            for i_index, init in enumerate(initiatives):
                where = f"pillars[{p_index}].policies[{q_index}].initiatives[{i_index}]"
                if "repeat_of" in init:
                    rid = b._claim(init.get("id"), path, where)
                    if rid:
                        repeats[rid] = str(init["repeat_of"])
                    continue
                b.card(init, path, where, "measures")
    return repeats


def _guardianship(b: _Builder, data: Any, path: Path) -> tuple[SelfCheck | None, dict[str, Any]]:
    if not isinstance(data, dict):
        if data is not None:
            b.log.add(path, "", "expected a mapping of guardianship sections")
        return None, {}
    for key, value in data.items():
        if key in ("self_check", "figures"):
            continue
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, dict) and "id" in item:
                b.card(item, path, f"{key}[{index}]", "guardianship")
    figures = data.get("figures") if isinstance(data.get("figures"), dict) else {}
    return _self_check(b, data.get("self_check"), path), figures or {}


def _self_check(b: _Builder, raw: Any, path: Path) -> SelfCheck | None:
    if not isinstance(raw, dict):
        b.log.add(path, "self_check", "missing the self-check decision tree")
        return None
    questions: dict[str, Question] = {}
    for item in raw.get("questions") or []:
        if not isinstance(item, dict) or not item.get("id"):
            b.log.add(path, "self_check.questions", "each question needs an id")
            continue
        answers = tuple(
            Answer(str(a.get("label", "")), str(a.get("next", "")))
            for a in item.get("answers") or []
            if isinstance(a, dict)
        )
        questions[str(item["id"])] = Question(str(item["id"]), text_of(item.get("text")) or "", answers)
    results = {
        str(r["id"]): CheckResult(str(r["id"]), str(r.get("card", "")), text_of(r.get("text")) or "")
        for r in raw.get("results") or []
        if isinstance(r, dict) and r.get("id")
    }
    check = SelfCheck(
        intro=text_of(raw.get("intro")) or "",
        start=str(raw.get("start", "")),
        questions=questions,
        results=results,
        closing=text_of(raw.get("closing")) or "",
    )
    for q in questions.values():
        for a in q.answers:
            if a.next not in questions and a.next not in results:
                b.log.add(path, f"self_check.{q.id}", f"answer '{a.label}' leads to unknown step '{a.next}'")
            if len(a.label.encode()) > 40:
                b.log.add(path, f"self_check.{q.id}", f"answer label '{a.label}' is too long for a button")
    if check.start not in questions:
        b.log.add(path, "self_check.start", f"unknown first question '{check.start}'")
    return check


def _areas(b: _Builder, data: Any, path: Path) -> tuple[tuple[Town, ...], tuple[str, ...], tuple[Assignment, ...]]:
    towns: list[Town] = []
    areas: list[str] = []
    assignments: list[Assignment] = []
    if not isinstance(data, dict):
        b.log.add(path, "", "expected towns, csw_areas and assignments")
        return (), (), ()
    for index, item in enumerate(entries_of(data, "towns", path, b.log)):
        tid = b._claim(item.get("id"), path, f"towns[{index}]")
        name, kana = text_of(item.get("name")), text_of(item.get("kana"))
        if tid is None or not name or not kana:
            if tid:
                b.log.add(path, tid, "a town needs name and kana")
            continue
        chome = item.get("chome") or []
        if not isinstance(chome, list) or not all(isinstance(c, int) for c in chome):
            b.log.add(path, tid, "chome must be a list of numbers, [] when the town has none")
            chome = []
        towns.append(Town(tid, name, kana, tuple(chome)))
    for index, item in enumerate(entries_of(data, "csw_areas", path, b.log)):
        card = b.card(item, path, f"csw_areas[{index}]", "areas")
        if card:
            areas.append(card.id)
    for index, item in enumerate(data.get("assignments") or []):
        if not isinstance(item, dict) or not (text_of(item.get("source")) and text_of(item.get("source_date"))):
            b.log.add(
                path,
                f"assignments[{index}]",
                "an assignment needs town, area or centre, source and source_date",
            )
            continue
        chome = item.get("chome")
        assignments.append(
            Assignment(
                town=str(item.get("town")),
                area=text_of(item.get("area")),
                centre=text_of(item.get("centre")),
                chome=chome if isinstance(chome, int) else None,
                source=str(item["source"]),
                source_date=str(item["source_date"]),
            )
        )
    return tuple(towns), tuple(areas), tuple(assignments)


def _check_links(
    b: _Builder,
    repeats: dict[str, str],
    assignments: tuple[Assignment, ...],
    towns: tuple[Town, ...],
    areas: tuple[str, ...],
    check: SelfCheck | None,
) -> None:
    def files_of(entry_id: str) -> str:
        return b.seen[entry_id].name if entry_id in b.seen else "knowledge"

    for w in b.windows.values():
        for fb in w.fallback:
            target = b.windows.get(fb)
            if target is None:
                b.log.add(b.root / files_of(w.id), w.id, f"fallback '{fb}' is not a known window")
            elif not target.phone:
                b.log.add(b.root / files_of(w.id), w.id, f"fallback '{fb}' has no phone either")
    for c in b.cards.values():
        for wid in c.windows + c.hotlines:
            if wid not in b.windows:
                b.log.add(b.root / files_of(c.id), c.id, f"window '{wid}' is referenced but missing")
        for rid in c.related:
            if rid not in b.cards and rid not in repeats:
                b.log.add(b.root / files_of(c.id), c.id, f"related card '{rid}' is missing")
    for rid, original in repeats.items():
        if original not in b.cards:
            b.log.add(b.root / files_of(rid), rid, f"repeat_of '{original}' is not a listed initiative")
    town_ids = {t.id for t in towns}
    for a in assignments:
        if a.town not in town_ids:
            b.log.add(b.root / "areas.yaml", f"assignment {a.town}", "unknown town")
        if a.area and a.area not in areas:
            b.log.add(b.root / "areas.yaml", f"assignment {a.town}", f"unknown area '{a.area}'")
        if a.centre and a.centre not in b.windows:
            b.log.add(b.root / "areas.yaml", f"assignment {a.town}", f"unknown centre '{a.centre}'")
    if check:
        for r in check.results.values():
            if r.card not in b.cards:
                b.log.add(b.root / "guardianship.yaml", f"self_check.{r.id}", f"unknown card '{r.card}'")


def _menu(b: _Builder, data: Any, path: Path) -> tuple[MenuCategory, ...]:
    categories: list[MenuCategory] = []
    for index, item in enumerate(entries_of(data, "categories", path, b.log)):
        cid, label = text_of(item.get("id")), text_of(item.get("label"))
        topics = ids_of(item.get("topics"))
        if not cid or not label or not topics:
            b.log.add(path, f"categories[{index}]", "a category needs id, label and topics")
            continue
        categories.append(MenuCategory(cid, label, topics))
    return tuple(categories)


def load_knowledge(knowledge_dir: Path, log: ProblemLog | None = None) -> Knowledge:
    """Load every file of knowledge/; raise DataError listing all problems when anything is wrong."""
    own_log = log is None
    log = log or ProblemLog(knowledge_dir.parent)
    b = _Builder(knowledge_dir, log)
    for name, key, hotline in (("windows.yaml", "windows", False), ("hotlines.yaml", "hotlines", True)):
        path = knowledge_dir / name
        for index, item in enumerate(entries_of(read_yaml(path, log), key, path, log)):
            b.window(item, path, index, hotline=hotline)
    path = knowledge_dir / "topics.yaml"
    for index, item in enumerate(entries_of(read_yaml(path, log), "topics", path, log)):
        b.card(item, path, f"topics[{index}]", "topics")
    repeats = _measure_cards(b, read_yaml(knowledge_dir / "measures.yaml", log), knowledge_dir / "measures.yaml")
    self_check, figures = _guardianship(
        b, read_yaml(knowledge_dir / "guardianship.yaml", log), knowledge_dir / "guardianship.yaml"
    )
    towns, areas, assignments = _areas(b, read_yaml(knowledge_dir / "areas.yaml", log), knowledge_dir / "areas.yaml")
    menu = _menu(b, read_yaml(knowledge_dir / "menu.yaml", log), knowledge_dir / "menu.yaml")
    _check_links(b, repeats, assignments, towns, areas, self_check)
    for category in menu:
        for topic in category.topics:
            if topic not in b.cards and topic not in repeats:
                log.add(knowledge_dir / "menu.yaml", category.id, f"card '{topic}' is missing")
    if own_log and log.problems:
        raise DataError(log.problems)
    return Knowledge(
        windows=dict(b.windows),
        cards={**b.cards, **{rid: b.cards[orig] for rid, orig in repeats.items() if orig in b.cards}},
        towns=towns,
        areas=areas,
        assignments=assignments,
        self_check=self_check,
        menu=menu,
        figures=figures,
    )
