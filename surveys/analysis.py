"""Counts behind the analysis page: satisfaction, and 気づき types by visit number."""

from collections import Counter

from .questions import BY_FIELD


def distribution(responses, field: str) -> list[dict]:
    """For one question: each choice with its count and share of the answers."""
    question = BY_FIELD[field]
    counts: Counter[str] = Counter()
    total = 0
    for r in responses:
        value = getattr(r, field)
        counts.update(value if question.multiple else [value])
        total += 1
    return [
        {
            "code": code,
            "label": label,
            "count": counts[code],
            "share": round(100 * counts[code] / total) if total else 0,
        }
        for code, label in question.choices
    ]


def awareness_by_visit(responses) -> dict:
    """Question 3 per visit number: how many answers named each kind of 気づき.

    The programme's report reads this table: 現状 early, 課題 from the 2nd visit, 経営 later.
    """
    choices = BY_FIELD["q3"].choices
    per_visit: dict[int, Counter[str]] = {}
    answers: Counter[int] = Counter()
    for r in responses:
        number = r.survey.visit.number
        per_visit.setdefault(number, Counter()).update(r.q3)
        answers[number] += 1
    rows = []
    for number in sorted(per_visit):
        rows.append(
            {
                "visit": number,
                "answers": answers[number],
                "cells": [
                    {
                        "code": code,
                        "count": per_visit[number][code],
                        "share": round(100 * per_visit[number][code] / answers[number]),
                    }
                    for code, _label in choices
                ],
            }
        )
    return {"choices": choices, "rows": rows}


# Okabe–Ito colours darkened where needed: every bar keeps 3:1 contrast against white.
PALETTE = ("#0072B2", "#C75000", "#00795C", "#B0569A", "#595959")


def awareness_chart(table: dict, *, height: int = 220, bar: int = 12, gap: int = 18) -> dict:
    """Geometry of a grouped bar chart (share of answers per 気づき type, per visit)."""
    series = len(table["choices"])
    group = series * bar + gap
    bars = []
    for g, row in enumerate(table["rows"]):
        for s, cell in enumerate(row["cells"]):
            h = round(height * cell["share"] / 100)
            bars.append(
                {
                    "x": 40 + g * group + s * bar,
                    "y": 10 + height - h,
                    "width": bar - 2,
                    "height": h,
                    "colour": PALETTE[s % len(PALETTE)],
                    "title": f"第{row['visit']}回 {table['choices'][s][1]}: {cell['share']}%",
                }
            )
    groups = [
        {"x": 40 + g * group + (series * bar) / 2, "visit": row["visit"]}
        for g, row in enumerate(table["rows"])
    ]
    legend = [
        {"label": label, "colour": PALETTE[s % len(PALETTE)]}
        for s, (_code, label) in enumerate(table["choices"])
    ]
    return {
        "width": 60 + len(table["rows"]) * group,
        "height": height + 40,
        "plot_bottom": 10 + height,
        "ticks": [{"y": 10 + height - height * p // 100, "label": f"{p}%"} for p in (0, 50, 100)],
        "bars": bars,
        "groups": groups,
        "legend": legend,
    }
