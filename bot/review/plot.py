"""The weekly chart for staff: messages per week by reply status with the unmatched rate, the review
status of unmatched questions per week, and questions per topic; in Japanese, weeks with data only.

Drawn with matplotlib's object API on the Agg canvas, never pyplot: no global figure state, no GUI
backend, and safe to run in a worker thread while the bot keeps answering.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib_fontja  # noqa: F401  (registers IPAexGothic so Japanese labels render)
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.review.reports import REPORT_NAME
from bot.review.stats import REPLY_STATUSES, STATUS_LABELS, WeekStats, topic_totals, with_data
from bot.storage.base import REVIEW_STATUSES

MAX_TOPICS = 15
STATUS_COLOURS = {"answer": "#2e86c1", "clarify": "#85c1e9", "no_match": "#e67e22", "crisis": "#7f8c8d"}
REVIEW_COLOURS = {"未対応": "#e74c3c", "対応中": "#f1c40f", "対応済み": "#27ae60"}


def render_png(weeks: Sequence[WeekStats], titles: Mapping[str, str]) -> bytes:
    figure = Figure(figsize=(10, 12), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    volume_axes, review_axes, topic_axes = figure.subplots(3, 1, height_ratios=[3, 2, 4])
    shown_weeks = with_data(weeks)
    _volume_chart(volume_axes, shown_weeks)
    _review_chart(review_axes, shown_weeks)
    _topic_chart(topic_axes, weeks, titles)
    name = titles.get(REPORT_NAME, "")
    figure.suptitle(f"{name} 週ごとの集計（日本時間）".strip(), fontsize=14)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _labels(weeks: Sequence[WeekStats]) -> list[str]:
    return [f"{w.label[5:]}\n{w.monday:%m/%d}" for w in weeks]


def _no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, "この期間のデータはありません", ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _volume_chart(axes: Axes, weeks: Sequence[WeekStats]) -> None:
    axes.set_title("週ごとのメッセージ件数（応答の種類別）と該当なし率", fontsize=11)
    if not weeks:
        _no_data(axes)
        return
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for status in REPLY_STATUSES:
        counts = [w.statuses[status] for w in weeks]
        axes.bar(positions, counts, bottom=bottom, width=0.6, color=STATUS_COLOURS[status], label=STATUS_LABELS[status])
        bottom = [b + n for b, n in zip(bottom, counts, strict=True)]
    for x, w in enumerate(weeks):
        axes.annotate(str(w.messages), (x, bottom[x]), textcoords="offset points", xytext=(0, 3), ha="center")
    axes.set_xticks(positions, _labels(weeks), fontsize=8)
    axes.set_ylim(0, max([*bottom, 1]) * 1.3)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("件数")
    axes.legend(loc="upper left", fontsize=8, ncols=4)
    rates = [math.nan if w.unmatched_rate is None else 100 * w.unmatched_rate for w in weeks]
    twin = axes.twinx()
    twin.plot(positions, rates, marker="o", color="#c0392b", linewidth=2, label="該当なし率")
    for x, rate in zip(positions, rates, strict=True):
        if not math.isnan(rate):
            twin.annotate(f"{rate:.0f}%", (x, rate), textcoords="offset points", xytext=(0, 7), ha="center",
                          color="#c0392b", fontsize=8)
    twin.set_ylim(0, 100)
    twin.set_ylabel("該当なし率（%）")
    twin.legend(loc="upper right", fontsize=8)


def _review_chart(axes: Axes, weeks: Sequence[WeekStats]) -> None:
    axes.set_title("該当なしの質問の対応状況（質問を受けた週ごと）", fontsize=11)
    if not weeks:
        _no_data(axes)
        return
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for status in REVIEW_STATUSES:
        counts = [w.reviews[status] for w in weeks]
        axes.bar(positions, counts, bottom=bottom, width=0.6, color=REVIEW_COLOURS[status], label=status)
        bottom = [b + n for b, n in zip(bottom, counts, strict=True)]
    axes.set_xticks(positions, _labels(weeks), fontsize=8)
    axes.set_ylim(0, max([*bottom, 1]) * 1.3)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("件数")
    axes.legend(loc="upper left", fontsize=8, ncols=3)


def _topic_chart(axes: Axes, weeks: Sequence[WeekStats], titles: Mapping[str, str]) -> None:
    totals = topic_totals(weeks).most_common(MAX_TOPICS)
    axes.set_title("トピック別の件数（期間合計・上位）", fontsize=11)
    if not totals:
        _no_data(axes)
        return
    names = [titles.get(topic, topic) for topic, _ in reversed(totals)]
    counts = [n for _, n in reversed(totals)]
    positions = list(range(len(names)))
    axes.barh(positions, counts, height=0.6, color="#2e86c1")
    axes.set_yticks(positions, names, fontsize=9)
    for y, n in enumerate(counts):
        axes.annotate(str(n), (n, y), textcoords="offset points", xytext=(4, 0), va="center", fontsize=9)
    axes.set_xlim(0, max(counts) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 questions
    axes.set_xlabel("件数")
    axes.grid(axis="x", alpha=0.3)
