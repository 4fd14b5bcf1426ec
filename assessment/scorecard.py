"""A zone's scorecard: its dimensions against the peers of its scheme, each indicator's value
and score, and what would raise its grade — computed from what the run froze, so it explains
exactly the result that was published."""

from __future__ import annotations

import math
import statistics

from django.utils.translation import get_language


def _name(node: dict) -> str:
    english = not (get_language() or "zh").startswith("zh")
    return node.get("name_en") or node["name"] if english else node["name"]


def _effective_weights(nodes: list[dict], weighting: str) -> dict[str, float]:
    """Each indicator's share of the index: its share in its dimension × the dimension's."""

    def shares(parent: str) -> dict[str, float]:
        children = [n for n in nodes if n["parent"] == parent]
        raw = [1.0 if weighting == "equal" else n["weight"] for n in children]
        total = sum(raw) or 1.0
        return {n["code"]: w / total for n, w in zip(children, raw, strict=True)}

    top = shares("index")
    out = {}
    for dimension, share in top.items():
        for code, inner in shares(dimension).items():
            out[code] = share * inner
    return out


def scorecard(run, result) -> dict:
    frozen = run.inputs["schemes"][result.scheme_code]
    scheme = frozen["scheme"]
    outputs = run.outputs["schemes"][result.scheme_code]["zones"]
    zone_index = frozen["zones"].index(result.unit.code)
    mine = outputs[result.unit.code]
    dimensions = [n for n in scheme["nodes"] if n["parent"] == "index"]
    dimension_rows = []
    for d in dimensions:
        peers = [z["dimensions"][d["code"]] for z in outputs.values()]
        peers = [p for p in peers if p is not None]
        dimension_rows.append(
            {
                "name": _name(d),
                "score": mine["dimensions"][d["code"]],
                "median": statistics.median(peers) if peers else None,
                "best": max(peers) if peers else None,
            }
        )
    indicators = [n for n in scheme["nodes"] if n["source"]]
    weights = _effective_weights(scheme["nodes"], scheme["method"]["weighting"])
    exact = (
        scheme["method"]["normalisation"] == "goalposts"
        and scheme["method"]["aggregation"] == "arithmetic"
    )
    from . import sources

    measures = {}
    for n in indicators:
        source = sources.get(n["source"])
        measures[n["code"]] = source.measure if source else ""
    indicator_rows = []
    for j, n in enumerate(indicators):
        column = [row[j] for row in frozen["values"]]
        present = [v for v in column if v is not None]
        normalised = mine["normalised"][j]
        gain = weights[n["code"]] * (100 - normalised) if normalised is not None else None
        indicator_rows.append(
            {
                "name": _name(n),
                "value": frozen["values"][zone_index][j],
                "normalised": normalised,
                "low": n["low"],
                "high": n["high"],
                "peer_median": statistics.median(present) if present else None,
                "weight": weights[n["code"]],
                "gain": gain,
                "node": n,
                # In the plan's units (34 万平方米, 83%), as officials read them.
                "shown": sources.shown(frozen["values"][zone_index][j], measures[n["code"]]),
                "low_shown": sources.shown(n["low"], measures[n["code"]]),
                "high_shown": sources.shown(n["high"], measures[n["code"]]),
                "measure": measures[n["code"]],
            }
        )
    grades = scheme["grades"]
    names = [g["name"] for g in grades]
    next_grade = None
    if result.grade in names and names.index(result.grade) > 0 and result.score is not None:
        better = grades[names.index(result.grade) - 1]
        gap = (better["min_score"] or 0) - result.score
        if gap > 0:
            options = []
            for row in sorted(indicator_rows, key=lambda r: -(r["gain"] or 0)):
                if (
                    not row["gain"]
                    or row["gain"] < gap
                    or row["low"] is None
                    or row["value"] is None
                ):
                    continue
                change = gap / row["weight"] / 100 * (row["high"] - row["low"])
                if row["measure"] == "count":  # a whole number of projects, areas, scenes
                    change = math.ceil(row["value"] + change - 1e-9) - row["value"]
                options.append(
                    {
                        "name": row["name"],
                        "change": change,
                        "to": row["value"] + change,
                        "change_shown": sources.shown(change, row["measure"]),
                        "to_shown": sources.shown(row["value"] + change, row["measure"]),
                    }
                )
            next_grade = {
                "name": better["name"],
                "gap": gap,
                "options": options[:3],
                "quota": better.get("max_share"),
            }
    return {
        "dimensions": dimension_rows,
        "indicators": indicator_rows,
        "next_grade": next_grade,
        "exact": exact,
        "probabilities": mine["probabilities"],
        "peers": len(outputs),
        "scheme": scheme,
    }
