"""Writes docs/plan-2020.md from plans/data/plan-2020.yaml, so the list of commitments in
the docs is the one the software ships. A test fails when the two differ.

    .venv/bin/python scripts/plan_doc.py        # rewrite docs/plan-2020.md
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneplan.settings")
django.setup()  # the plan-file package reads models; only its YAML reader is used here

from plans.planfile.yamlread import load  # noqa: E402

PLAN = ROOT / "plans/data/plan-2020.yaml"
DOC = ROOT / "docs/plan-2020.md"
COMPARATORS = {"gte": "≥", "lte": "≤", "eq": "="}

HEADER = """\
# The 2020 plan as shipped

*Generated from `plans/data/plan-2020.yaml` by `scripts/plan_doc.py`; do not edit by hand
(a test fails when this page and the plan file differ).*

The plan text (`plans/data/work-plan-2020.zh.txt`, a news report of the plan) holds
{total} commitments: **{quantified} with a number** and **{qualitative} without one**. Each
is a target quoting its clause verbatim; the loader refuses a clause that is not in the text.

How the text was read:
- **Deadlines.** The plan is the 2020 annual plan; "2020年12月前" and the annual targets are
  read as due on 2020-12-31. Commitments without a number carry no deadline.
- **Strength.** "力争" (strive for) marks the 270-project target as *strive*; the rest are
  *binding*. The 800万 m² of standard factories is worded "加快推进" (speed up), so it counts
  floor area under construction and completed, not completed only.
- **Cascade.** The district and development-unit shares of sci-tech space are parts of the
  city-wide 1000万 m²: 3 × 100万 + 10 × 50万 + 9 × 20万 = 980万 m², leaving **20万 m²
  unallocated**, which the plan page and the city home page show.
- **Development units.** The plan names 9 development units in 简州新城, 淮州新城 and
  空港新城 but not their names; they ship as 片区开发单元1–9 (名称待补) for an administrator
  to name (see `FACTS.md`).
- **Commitments without a number** say how they are tracked; {ruled} of them name the rule
  that computes them from data (the last column, with its parameters; docs/progress.md lists
  the rules), with the same statuses as the targets with a number. The rest (chains,
  opportunities, scenarios, funds, talent, belts, enclaves, hubs) get their rules with the
  registries that feed them; until then the tracking text is the contract.
- **Three commitments the plan states inside other clauses** have entries of their own, so
  each is tracked: no district below its share of sci-tech space (`scitech-not-below`),
  attraction managed by list (`attraction-lists`) and the 8 categories and 18 items of public
  services (`service-coverage`).
- **Named scenarios** ("在成都科学城嵌入…应用场景") are one target per named zone, so each zone
  sees its own commitment.
"""


def _rule(rule) -> str:
    if not rule:
        return "—"
    params = ", ".join(f"{k}: {v}" for k, v in rule.items() if k != "name")
    return f"`{rule['name']}`" + (f" ({params})" if params else "")


def main(write: bool = True) -> str:
    doc = load(PLAN.read_text(encoding="utf-8"))
    sections = {s["code"]: s["title"] for s in doc["sections"]}
    targets = doc["targets"]
    quantified = sum(1 for t in targets if "value" in t)
    lines = [
        HEADER.format(
            total=len(targets),
            quantified=quantified,
            qualitative=len(targets) - quantified,
            ruled=sum(1 for t in targets if t.get("rule")),
        )
    ]
    for code, title in sections.items():
        lines.append(f"\n## {title}\n")
        lines.append(
            "| code | commitment | unit | target | deadline | clause | tracked by | rule |"
        )
        lines.append("|---|---|---|---|---|---|---|---|")
        for t in targets:
            if t["section"] != code:
                continue
            value = (
                f"{COMPARATORS[t['comparator']]} {t['value']:g} {t['display_unit']}"
                + (" (力争)" if t.get("strength") == "strive" else "")
                if "value" in t
                else "no number"
            )
            name = t["title"] + (f" *(part of `{t['parent']}`)*" if t.get("parent") else "")
            cells = [
                f"`{t['code']}`",
                name,
                f"`{t['unit']}`",
                value,
                t.get("deadline", "—"),
                f"“{t['clause']}”",
                t.get("tracking", "—"),
                _rule(t.get("rule")),
            ]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    text = "\n".join(lines) + "\n"
    if write:
        DOC.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    main()
