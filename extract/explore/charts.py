"""Charts of the summaries: each function takes a summary table and returns a matplotlib Figure.

Figures are built with :class:`matplotlib.figure.Figure` directly (no
pyplot state): a notebook shows one when it is a cell's value (after
``%matplotlib inline``); a script saves it with ``fig.savefig(path)``.
Matplotlib's default font, DejaVu Sans, has the Vietnamese letters. An
empty table gives a figure that says so instead of failing.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from .summaries import KINDS, Timeline

KIND_COLORS = {"official": "#e15759", "agency": "#4e79a7", "province": "#59a14f", "legal_document": "#f28e2b"}
"""One color per entity kind, shared by the charts and the entity view."""
KIND_NAMES = {"official": "officials", "agency": "agencies", "province": "provinces",
              "legal_document": "legal documents"}
MERGED_COLOR, UNCHANGED_COLOR = "#4e79a7", "#bab0ac"


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def _no_data(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()


def ranking_chart(ranking: pd.DataFrame, label: str, value: str = "articles", title: str = "",
                  color: str = "#4e79a7") -> Figure:
    """Horizontal bars of ``ranking[value]`` by ``ranking[label]``, first row on top."""
    fig, ax = _figure(8, 1.2 + 0.32 * max(len(ranking), 1))
    ax.set_title(title)
    if ranking.empty:
        _no_data(ax, "Nothing to show: the table is empty.")
        return fig
    labels = ranking[label].astype(str).tolist()[::-1]
    values = ranking[value].astype(float).tolist()[::-1]
    bars = ax.barh(labels, values, color=color)
    ax.bar_label(bars, fmt="%d", padding=3)
    ax.set_xlabel(value)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(x=0.1)
    return fig


def timeline_chart(timeline: Timeline, title: str = "Mentions by month of publication") -> Figure:
    """Stacked bars of mentions per month and kind; the timeline's note (undated articles) below."""
    counts = timeline.counts
    width = max(6.0, min(16.0, 1.5 + 0.45 * len(counts)))
    fig, ax = _figure(width, 4.5)
    ax.set_title(title)
    fig.supxlabel(textwrap.fill(timeline.note, width=int(width * 13)), fontsize=9, style="italic")
    if counts.empty:
        _no_data(ax, "No dated article: nothing to put on a timeline.")
        return fig
    positions = list(range(len(counts)))
    bottom = [0.0] * len(counts)
    for kind in KINDS:
        heights = counts[kind].astype(float).tolist()
        ax.bar(positions, heights, bottom=bottom, width=0.7, color=KIND_COLORS[kind], label=KIND_NAMES[kind])
        bottom = [b + h for b, h in zip(bottom, heights)]
    step = max(1, len(counts) // 24)
    tilted = len(counts) > 6
    ax.set_xticks(positions[::step], [f"{month:%m/%Y}" for month in counts.index[::step]],
                  rotation=45 if tilted else 0, ha="right" if tilted else "center")
    ax.set_xlim(-0.5 - max(0, 3 - len(counts)) / 2, len(counts) - 0.5 + max(0, 3 - len(counts)) / 2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("mentions")
    fig.legend(loc="outside right upper", frameon=False, fontsize=9)
    return fig


def cooccurrence_chart(table: pd.DataFrame, title: str = "Officials and provinces named in the same articles") -> Figure:
    """A heatmap of :func:`~extract.explore.summaries.cooccurrence`: articles per official × province."""
    fig, ax = _figure(max(6, 2.5 + 0.55 * table.shape[1]), max(3, 1.8 + 0.4 * table.shape[0]))
    ax.set_title(title)
    if table.empty or table.to_numpy().sum() == 0:
        _no_data(ax, "No official and province appear in the same article.")
        return fig
    values = table.to_numpy()
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns], rotation=45, ha="right")
    ax.set_yticks(range(table.shape[0]), [str(i) for i in table.index])
    high = values.max() / 2
    for (row, column), value in pd.DataFrame(values).stack().items():
        if value:
            ax.text(column, row, str(value), ha="center", va="center", fontsize=8,
                    color="white" if value > high else "black")
    ax.set_xlabel(table.columns.name or "province")
    fig.colorbar(image, ax=ax, label="articles", shrink=0.8, ticks=MaxNLocator(integer=True))
    return fig


def merger_chart(provinces_2025: pd.DataFrame, n: int = 20,
                 title: str = "Provinces after the 1 July 2025 merger") -> Figure:
    """Bars of :func:`~extract.explore.summaries.new_provinces`: articles per 2025 province.

    Each bar is labelled with the names the articles used for its territory;
    bars of provinces formed by a merger are colored apart from unchanged ones.
    """
    top = provinces_2025.head(n)
    fig, ax = _figure(9, 1.4 + 0.55 * max(len(top), 1))
    ax.set_title(title)
    if top.empty:
        _no_data(ax, "No province is named in these articles.")
        return fig
    labels = [f"{new}\n← {names}" for new, names in zip(top["province_2025"], top["predecessors"])][::-1]
    colors = [MERGED_COLOR if merged else UNCHANGED_COLOR for merged in top["merged"]][::-1]
    bars = ax.barh(labels, top["articles"].astype(float).tolist()[::-1], color=colors)
    ax.bar_label(bars, fmt="%d", padding=3)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("articles naming the territory (under any of its names)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(x=0.1)
    fig.legend(handles=[Patch(color=MERGED_COLOR, label="formed by the merger"),
                        Patch(color=UNCHANGED_COLOR, label="unchanged")],
               loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    return fig


def mention_map_chart(mentions: pd.DataFrame, n_chars: int | None = None,
                      title: str = "Where the article names each kind of entity") -> Figure:
    """Each mention as a tick at its character offset, one row per kind: where the article names what."""
    fig, ax = _figure(9, 2.8)
    ax.set_title(title)
    if mentions.empty:
        _no_data(ax, "The article names no official, agency, province or legal document.")
        return fig
    rows = {kind: i for i, kind in enumerate(reversed(KINDS))}
    for kind in KINDS:
        starts = mentions.loc[mentions["kind"] == kind, "start"].astype(float).tolist()
        ax.scatter(starts, [rows[kind]] * len(starts), marker="|", s=400, linewidths=2, color=KIND_COLORS[kind])
    ax.set_yticks(list(rows.values()), [f"{KIND_NAMES[k]} ({(mentions['kind'] == k).sum()})" for k in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, n_chars or float(mentions["end"].max()))
    ax.set_xlabel("character offset in the article text")
    return fig
