"""`eval`: accuracy of an engine on a labelled question file (the contract's format)."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.core.assistant import Assistant, build_assistant
from bot.core.reply import Reply
from bot.data.crisis_intents import NOT_CRISIS, read_crisis_messages
from bot.data.problems import ProblemLog

# The contract's kinds, and not_crisis: a hard negative of a crisis set (passes unless the crisis reply).
KINDS = ("answer", "no_match", "crisis", "not_crisis")


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    q: str
    expect_all: tuple[str, ...] = ()
    expect_any: tuple[str, ...] = ()
    expect_none: tuple[str, ...] = ()
    expect_topic: str | None = None
    register: str = ""
    crisis_kind: str = ""  # in a crisis set: the labelled kind of danger


@dataclass
class Failure:
    case: Case
    reply: Reply


@dataclass
class EvalReport:
    engine: str
    totals: Counter[str] = field(default_factory=Counter)
    passed: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    clarified: int = 0
    false_crisis: int = 0  # non-crisis cases answered with the crisis reply
    by_register: Counter[str] = field(default_factory=Counter)
    passed_by_register: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    # Answer cases that name a topic: (the reply's score, its status, passed?), for routing and calibration.
    routed: list[tuple[float, str, bool]] = field(default_factory=list)

    @property
    def topic_pass_rate(self) -> float | None:
        """Pass rate of the answer cases with `expect_topic`: routing measured strictly."""
        return sum(ok for _, _, ok in self.routed) / len(self.routed) if self.routed else None

    @property
    def pass_rates(self) -> dict[str, float]:
        return {k: self.passed[k] / self.totals[k] for k in KINDS if self.totals[k]}

    @property
    def register_rates(self) -> dict[str, float]:
        return {r: self.passed_by_register[r] / n for r, n in sorted(self.by_register.items())}

    @property
    def overall(self) -> float:
        total = sum(self.totals.values())
        return sum(self.passed.values()) / total if total else 0.0

    @property
    def clarify_rate(self) -> float:
        total = sum(self.totals.values())
        return self.clarified / total if total else 0.0

    @property
    def false_crisis_rate(self) -> float:
        ordinary = self.totals["answer"] + self.totals["no_match"] + self.totals["not_crisis"]
        return self.false_crisis / ordinary if ordinary else 0.0

    def latency(self, quantile: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "cases": sum(self.totals.values()),
            "pass_rates": {k: round(v, 4) for k, v in self.pass_rates.items()},
            "overall": round(self.overall, 4),
            "register_pass_rates": {k: round(v, 4) for k, v in self.register_rates.items()},
            "clarify_rate": round(self.clarify_rate, 4),
            "false_crisis_rate": round(self.false_crisis_rate, 4),
            "topic_pass_rate": None if self.topic_pass_rate is None else round(self.topic_pass_rate, 4),
            "latency_ms": {
                "median": round(statistics.median(self.latencies_ms), 3) if self.latencies_ms else 0.0,
                "p99": round(self.latency(0.99), 3),
            },
            "failures": [
                {
                    "id": f.case.id,
                    "kind": f.case.kind,
                    "q": f.case.q,
                    "status": f.reply.status,
                    "topic": f.reply.topic,
                    "score": round(f.reply.score, 3),
                }
                for f in self.failures
            ],
        }


def load_cases(path: Path) -> list[Case]:
    """A labelled file in the contract's format (`cases:`), or a crisis set (`messages:`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "messages" in data:
        return [
            Case(
                id=f"{path.stem}-{index}",
                kind="not_crisis" if m.crisis == NOT_CRISIS else "crisis",
                q=m.q,
                register=m.register,
                crisis_kind="" if m.crisis == NOT_CRISIS else m.crisis,
            )
            for index, m in enumerate(read_crisis_messages(path, ProblemLog(path.parent)))
        ]
    cases = []
    for raw in data.get("cases") or []:
        cases.append(
            Case(
                id=str(raw["id"]),
                kind=str(raw["kind"]),
                q=str(raw["q"]),
                expect_all=tuple(str(x) for x in raw.get("expect_all") or ()),
                expect_any=tuple(str(x) for x in raw.get("expect_any") or ()),
                expect_none=tuple(str(x) for x in raw.get("expect_none") or ()),
                expect_topic=str(raw["expect_topic"]) if raw.get("expect_topic") else None,
                register=str(raw.get("register") or ""),
            )
        )
    return cases


def passes(case: Case, reply: Reply) -> bool:
    """The contract's pass rule for one case."""
    haystack = reply.text + "\n" + "\n".join(w.name for w in reply.windows)
    if case.kind == "no_match":
        return reply.status == "no_match"
    if case.kind == "not_crisis":
        return reply.status != "crisis"
    if case.kind == "crisis":
        return reply.status == "crisis" and (
            not case.expect_any or any(s in haystack for s in case.expect_any)
        )
    if reply.status == "no_match":
        return False
    if not all(s in haystack for s in case.expect_all):
        return False
    if case.expect_any and not any(s in haystack for s in case.expect_any):
        return False
    if case.expect_topic and case.expect_topic not in (reply.topic, *(t for t, _ in reply.alternatives)):
        return False
    return not any(s in haystack for s in case.expect_none)


def run_cases(assistant: Assistant, cases: list[Case]) -> EvalReport:
    report = EvalReport(assistant.engine_name)
    for case in cases:
        started = time.perf_counter()
        reply = assistant.reply(case.q)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.totals[case.kind] += 1
        report.clarified += reply.status == "clarify"
        report.false_crisis += reply.status == "crisis" and case.kind != "crisis"
        ok = passes(case, reply)
        if case.kind == "answer" and case.expect_topic:
            report.routed.append((reply.score, reply.status, ok))
        if case.register:
            report.by_register[case.register] += 1
            report.passed_by_register[case.register] += ok
        if ok:
            report.passed[case.kind] += 1
        else:
            report.failures.append(Failure(case, reply))
    return report


def evaluate(cases_path: Path, engine: str = "main", data_dir: Path | None = None) -> EvalReport:
    assistant = build_assistant(data_dir or Settings.from_env().data_dir, engine)
    return run_cases(assistant, load_cases(cases_path))


def format_report(report: EvalReport) -> str:
    lines = [f"engine: {report.engine}"]
    for kind, rate in report.pass_rates.items():
        lines.append(f"  {kind:<9} {report.passed[kind]:>4}/{report.totals[kind]:<4} {rate:6.1%}")
    lines.append(
        f"  overall   {report.overall:6.1%}   clarify rate {report.clarify_rate:.1%}"
        f"   false crisis {report.false_crisis_rate:.1%}"
    )
    if report.topic_pass_rate is not None:
        lines.append(f"  expect_topic cases {len(report.routed)}: {report.topic_pass_rate:6.1%}")
    for register, rate in report.register_rates.items():
        lines.append(f"  register {register:<10} {rate:6.1%}")
    lines.append(
        f"  latency   median {statistics.median(report.latencies_ms or [0]):.2f} ms"
        f"   p99 {report.latency(0.99):.2f} ms"
    )
    if report.failures:
        lines.append(f"failures ({len(report.failures)}):")
        for f in report.failures:
            got = f.reply.topic or ",".join(t for t, _ in f.reply.alternatives) or "-"
            lines.append(
                f"  {f.case.id} [{f.case.kind}] {f.case.q!r} → {f.reply.status} {got} ({f.reply.score:.2f})"
            )
    return "\n".join(lines)
