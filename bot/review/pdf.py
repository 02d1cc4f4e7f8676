"""The monthly report as a printable PDF (A4, Japanese), drawn with matplotlib's PDF backend.

Page 1: the month in numbers and the volume per week. Page 2: how often answers helped, per topic.
Page 3: the unmatched questions staff should look at, and the words residents used in them.
This report leaves the office, so every count of 1 or 2 is printed "<3", a bar never gives such a
count away by its length, and a rate is only printed over 3 or more.
"""

from __future__ import annotations

import io
import math
from datetime import datetime

import matplotlib

matplotlib.use("Agg")

import matplotlib_fontja  # noqa: F401  (registers IPAexGothic so Japanese labels render)
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.review.monthly import TOP_GROUPS, MonthData
from bot.review.reports import REPORT_NAME, preview
from bot.review.stats import JST, REPLY_STATUSES, SMALL, STATUS_LABELS, shown, solved_rate

A4 = (8.27, 11.69)
TOP_TOPICS = 15
COLOURS = {"answer": "#2e86c1", "clarify": "#85c1e9", "no_match": "#e67e22"}


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole >= SMALL else "—"


def _page(data: MonthData, number: int, subtitle: str) -> tuple[Figure, int]:
    figure = Figure(figsize=A4)
    FigureCanvasAgg(figure)
    figure.text(0.06, 0.965, f"{title(data)}　{data.label}", fontsize=15)
    figure.text(0.06, 0.945, subtitle, fontsize=10, color="#555555")
    figure.text(0.94, 0.02, f"{number} ページ", fontsize=8, ha="right", color="#777777")
    figure.text(0.06, 0.02, "1〜2件は「<3」と表示しています（個人が特定されないため）。", fontsize=8, color="#777777")
    return figure, number + 1


def _summary(figure: Figure, data: MonthData) -> None:
    total = data.total
    non_crisis = total.messages - total.statuses["crisis"]
    up = sum(v["up"] for v in total.feedback.values())
    down = sum(v["down"] for v in total.feedback.values())
    rows = [
        ("相談のメッセージ（緊急を除く）", f"{shown(non_crisis)} 件"),
        *((f"　{STATUS_LABELS[s]}", f"{shown(total.statuses[s])} 件") for s in REPLY_STATUSES if s != "crisis"),
        ("該当なし率", _rate(total.statuses["no_match"], non_crisis)),
        ("評価：役に立った / 役に立たなかった", f"{shown(up)} / {shown(down)} 件"),
        ("役に立った割合", _rate(up, up + down)),
        ("緊急の案内をした回数（件数のみ）", f"{shown(data.crisis)} 回"),
        ("該当なしの質問のグループ", f"{len(data.groups)} グループ"),
    ]
    figure.text(0.06, 0.905, "■ この月の数字", fontsize=12)
    for i, (name, value) in enumerate(rows):
        y = 0.875 - i * 0.026
        figure.text(0.08, y, name, fontsize=10.5)
        figure.text(0.70, y, value, fontsize=10.5, ha="right")


def _weekly(axes: Axes, data: MonthData) -> None:
    axes.set_title("週ごとの相談の件数（緊急を除く）と該当なし率", fontsize=11, loc="left")
    if not data.weeks:
        axes.text(0.5, 0.5, "この月の記録はありません", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    positions = list(range(len(data.weeks)))
    bottom = [0] * len(data.weeks)
    for status in ("answer", "clarify", "no_match"):
        counts = [w.statuses[status] for w in data.weeks]
        heights = [n if n >= SMALL else 0 for n in counts]  # a small count gets no bar, only "<3"
        axes.bar(positions, heights, bottom=bottom, color=COLOURS[status], label=STATUS_LABELS[status], width=0.6)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for x, w in enumerate(data.weeks):
        volume = w.messages - w.statuses["crisis"]
        axes.annotate(shown(volume), (x, bottom[x]), textcoords="offset points", xytext=(0, 4), ha="center")
    axes.set_xticks(positions, [f"{w.monday:%m/%d}〜" for w in data.weeks])
    axes.set_ylim(0, max([*bottom, SMALL]) * 1.3)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("件数")
    axes.legend(loc="upper left", fontsize=9)
    rates = []
    for w in data.weeks:
        volume = w.messages - w.statuses["crisis"]
        rates.append(100 * w.statuses["no_match"] / volume if volume >= SMALL else math.nan)
    twin = axes.twinx()
    twin.plot(positions, rates, color="#c0392b", marker="o", linewidth=2, label="該当なし率")
    twin.set_ylim(0, 100)
    twin.set_ylabel("該当なし率（%）")
    twin.legend(loc="upper right", fontsize=9)


def _solved(axes: Axes, data: MonthData) -> None:
    axes.set_title("トピック別：答えが役に立った割合（評価の多い順）", fontsize=11, loc="left")
    rated = sorted(data.total.feedback.items(), key=lambda kv: -(kv[1]["up"] + kv[1]["down"]))[:TOP_TOPICS]
    if not rated:
        axes.text(0.5, 0.5, "この月の評価はありません", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    rated.reverse()
    names = [data.titles.get(topic, topic) for topic, _ in rated]
    rates = []
    for _, votes in rated:
        rate = solved_rate(votes)
        rates.append(100 * rate if rate is not None and votes["up"] + votes["down"] >= SMALL else 0.0)
    positions = list(range(len(rated)))
    axes.barh(positions, rates, color="#27ae60", height=0.6)
    axes.set_yticks(positions, names, fontsize=8.5)
    for y, (_, votes) in enumerate(rated):
        total = votes["up"] + votes["down"]
        label = f"{_rate(votes['up'], total)}（役に立った {shown(votes['up'])} / 立たなかった {shown(votes['down'])}）"
        axes.annotate(label, (rates[y], y), textcoords="offset points", xytext=(4, 0), va="center", fontsize=8)
    axes.set_xlim(0, 160)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.set_xlabel("役に立った割合（%）")


def _topics(axes: Axes, data: MonthData) -> None:
    axes.set_title("よく答えたトピック（件数）", fontsize=11, loc="left")
    top = data.total.topics.most_common(TOP_TOPICS)
    if not top:
        axes.text(0.5, 0.5, "この月の回答はありません", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    top.reverse()
    lengths = [n if n >= SMALL else 0 for _, n in top]
    positions = list(range(len(top)))
    axes.barh(positions, lengths, color="#2e86c1", height=0.6)
    axes.set_yticks(positions, [data.titles.get(t, t) for t, _ in top], fontsize=8.5)
    for y, (_, n) in enumerate(top):
        axes.annotate(shown(n), (lengths[y], y), textcoords="offset points", xytext=(4, 0), va="center", fontsize=8)
    axes.set_xlim(0, max([*lengths, SMALL]) * 1.2)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def _groups(figure: Figure, data: MonthData) -> None:
    heading = f"■ 答えられなかった質問（似たものをまとめて件数の多い順、上位 {TOP_GROUPS}）"
    figure.text(0.06, 0.905, heading, fontsize=12)
    figure.text(0.08, 0.88, "件数　　状態　　　地域　　　質問（個人情報は消してあります）", fontsize=9, color="#555555")
    if not data.groups:
        figure.text(0.08, 0.855, "この月に答えられなかった質問はありません。", fontsize=10)
    for i, group in enumerate(data.groups[:TOP_GROUPS]):
        y = 0.855 - i * 0.024
        area = data.titles.get(group.area or "", group.area or "—")
        figure.text(0.08, y, shown(group.count), fontsize=9.5)
        figure.text(0.13, y, group.status, fontsize=9.5)
        figure.text(0.22, y, preview(area, 8), fontsize=9.5)
        figure.text(0.33, y, preview(group.text, 34), fontsize=9.5)


def _words(axes: Axes, data: MonthData) -> None:
    axes.set_title("答えられなかった質問によく出たことば（名詞・その言葉を含む質問の数）", fontsize=11, loc="left")
    if not data.words:
        axes.text(0.5, 0.5, "該当するデータはありません", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    words = list(reversed(data.words))
    lengths = [n if n >= SMALL else 0 for _, n in words]
    positions = list(range(len(words)))
    axes.barh(positions, lengths, color="#8e44ad", height=0.6)
    axes.set_yticks(positions, [w for w, _ in words], fontsize=9)
    for y, (_, n) in enumerate(words):
        axes.annotate(shown(n), (lengths[y], y), textcoords="offset points", xytext=(4, 0), va="center", fontsize=8)
    axes.set_xlim(0, max([*lengths, SMALL]) * 1.2)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def title(data: MonthData) -> str:
    """「小平市 福祉相談アシスタント 月次報告」: the city and service from the data's titles."""
    return f"{data.titles.get(REPORT_NAME, '')} 月次報告".strip()


def render_pdf(data: MonthData, now: datetime | None = None) -> tuple[bytes, int]:
    """The report as PDF bytes, and its number of pages."""
    made = (now or datetime.now(JST)).astimezone(JST)
    buffer = io.BytesIO()
    # TrueType (Type 42) embedding keeps the Japanese text selectable and searchable in the PDF.
    metadata = {"Title": f"{title(data)} {data.label}"}
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer, metadata=metadata) as pdf:
        number = 1
        figure, number = _page(data, number, f"作成 {made:%Y-%m-%d %H:%M}（日本時間）・集計は日本時間の暦月")
        _summary(figure, data)
        _weekly(figure.add_axes((0.1, 0.08, 0.78, 0.42)), data)
        pdf.savefig(figure)
        figure, number = _page(data, number, "答えの役立ち度と、よく答えたトピック")
        _solved(figure.add_axes((0.38, 0.53, 0.58, 0.38)), data)
        _topics(figure.add_axes((0.38, 0.08, 0.5, 0.38)), data)
        pdf.savefig(figure)
        figure, number = _page(data, number, "答えられなかった質問（職員の確認状況つき）")
        _groups(figure, data)
        _words(figure.add_axes((0.2, 0.07, 0.7, 0.48)), data)
        pdf.savefig(figure)
    return buffer.getvalue(), number - 1
