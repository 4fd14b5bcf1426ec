"""What each grade brings, proposed when a run finishes, decided by the city.

The plan: “给予考核优秀功能区财政资金、土地指标、公服配套等政策奖励，在干部使用上优先考虑；对考核不达标的
功能区果断进行调整”. The plan gives no rule for when to adjust; ours (a proposal, to confirm):
a zone graded in the lowest band is warned the first year and proposed for adjustment when the
latest published run of the year before graded it in the lowest band too.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .framework import AssessmentError
from .models import Consequence, Run

REWARD = "按计划给予财政资金、土地指标、公服配套等政策奖励，在干部使用上优先考虑"
WARNING = "首次考核不达标：建议督促整改；下一年度仍不达标将建议调整"
ADJUSTMENT = "连续两年考核不达标：建议按计划“果断进行调整”"


def propose(run: Run) -> list[Consequence]:
    """Proposals for a finished run: the top grade's zones, and the lowest grade's."""
    grades = {}
    for frozen in run.inputs["schemes"].values():
        names = [g["name"] for g in frozen["scheme"]["grades"]]
        grades[frozen["scheme"]["code"]] = (names[0], names[-1])
    before = (
        Run.objects.filter(year=run.year - 1, published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )
    failed_before = set()
    if before is not None:
        for result in before.results.all():
            lowest = _lowest(before, result.scheme_code)
            if lowest and result.grade == lowest:
                failed_before.add(result.unit_id)
    proposals = []
    for result in run.results.all():
        top, lowest = grades[result.scheme_code]
        if result.grade == top and top != lowest:
            kind, basis = Consequence.Kind.REWARD, f"等次为“{top}”：{REWARD}"
        elif result.grade == lowest:
            if result.unit_id in failed_before:
                kind, basis = Consequence.Kind.ADJUSTMENT, ADJUSTMENT
            else:
                kind, basis = Consequence.Kind.WARNING, WARNING
        else:
            continue
        proposals.append(
            Consequence(
                run=run, unit_id=result.unit_id, kind=kind, basis=basis, fragile=not result.robust
            )
        )
    return Consequence.objects.bulk_create(proposals)


def _lowest(run: Run, scheme_code: str) -> str | None:
    frozen = run.inputs.get("schemes", {}).get(scheme_code)
    return frozen["scheme"]["grades"][-1]["name"] if frozen else None


def decide(consequence: Consequence, decision: str, *, user, comment: str = "") -> Consequence:
    if decision not in (Consequence.Decision.CONFIRMED, Consequence.Decision.REJECTED):
        raise AssessmentError("请选择“确认”或“不予采纳”")
    comment = comment.strip()
    if len(comment) > 500:
        raise AssessmentError("说明不能超过 500 字")
    if decision == Consequence.Decision.REJECTED and not comment:
        raise AssessmentError("不予采纳时请写明理由")
    with transaction.atomic():
        current = Consequence.objects.select_for_update().get(pk=consequence.pk)
        if current.decision != Consequence.Decision.PROPOSED:
            raise AssessmentError(f"该建议已于 {current.decided_at:%Y-%m-%d} 作出决定，不能再改")
        current.decision = decision
        current.comment = comment
        current.decided_by = user
        current.decided_at = timezone.now()
        current.save()
    return current
