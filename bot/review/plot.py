"""The weekly chart: unmatched rate per week (line) and questions per topic (bars), in Japanese.

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

from bot.review.stats import SMALL, WeekStats, shown, topic_totals

MAX_TOPICS = 15


def render_png(weeks: Sequence[WeekStats], titles: Mapping[str, str]) -> bytes:
    figure = Figure(figsize=(10, 9), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    rate_axes, topic_axes = figure.subplots(2, 1, height_ratios=[2, 3])
    _rate_chart(rate_axes, weeks)
    _topic_chart(topic_axes, weeks, titles)
    figure.suptitle("小平市 福祉相談アシスタント 週ごとの集計（日本時間）", fontsize=14)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _rate_chart(axes: Axes, weeks: Sequence[WeekStats]) -> None:
    labels = [f"{w.label[5:]}\n{w.monday:%m/%d}" for w in weeks]
    rates = [math.nan if w.unmatched_rate is None else 100 * w.unmatched_rate for w in weeks]
    positions = list(range(len(weeks)))
    axes.plot(positions, rates, marker="o", color="#c0392b", linewidth=2)
    for x, rate in zip(positions, rates, strict=True):
        if not math.isnan(rate):
            axes.annotate(f"{rate:.0f}%", (x, rate), textcoords="offset points", xytext=(0, 7), ha="center")
    axes.set_xticks(positions, labels, fontsize=8)
    axes.set_ylim(0, max([r for r in rates if not math.isnan(r)] + [10]) * 1.25)
    axes.set_ylabel("該当なし率（%）")
    axes.set_title("該当なし率（メッセージ3件未満の週は表示しません）", fontsize=11)
    axes.grid(axis="y", alpha=0.3)


def _topic_chart(axes: Axes, weeks: Sequence[WeekStats], titles: Mapping[str, str]) -> None:
    totals = topic_totals(weeks).most_common(MAX_TOPICS)
    axes.set_title("トピック別の件数（期間合計・上位、1〜2件は「<3」）", fontsize=11)
    if not totals:
        axes.text(0.5, 0.5, "この期間のデータはありません", ha="center", va="center",
                  transform=axes.transAxes)
        axes.set_axis_off()
        return
    names = [titles.get(topic, topic) for topic, _ in reversed(totals)]
    counts = [n for _, n in reversed(totals)]
    # A bar's length would give the suppressed count away: small ones get no bar, only "<3".
    lengths = [n if n >= SMALL else 0 for n in counts]
    positions = list(range(len(names)))
    axes.barh(positions, lengths, height=0.6, color="#2e86c1")
    axes.set_yticks(positions, names, fontsize=9)
    for y, (n, length) in enumerate(zip(counts, lengths, strict=True)):
        axes.annotate(shown(n), (length, y), textcoords="offset points", xytext=(4, 0), va="center",
                      fontsize=9)
    axes.set_xlim(0, max([*lengths, SMALL]) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 questions
    axes.set_xlabel("件数")
    axes.grid(axis="x", alpha=0.3)
