"""Running the yearly assessment: gather each zone's indicator values under its scheme, score,
grade and rank them, analyse how robust each grade is, and freeze it all in a `Run`.

`start` records a queued run and hands it to a task worker as a job (jobs.services; the run
page follows the job's progress); `execute` does the work, in the worker, and stores it all in
one transaction at the end; `verify` recomputes a run from what it froze and says whether
every result is identical.
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.choices import OPEN, JobKind
from jobs.services import Context, take_back_lost
from jobs.services import start as start_job
from territory.choices import UnitKind
from territory.models import Unit

from . import sources
from .consequences import propose
from .engine import competition_ranks
from .engine import run as run_engine
from .framework import AssessmentError
from .grades import assign
from .models import Run, Scheme, ZoneResult
from .robustness import Uncertainty, monte_carlo
from .schemes import as_dict, engine_inputs


def zones_by_scheme(year: int) -> dict[str, list[Unit]]:
    """Each scheme's zones (in force at the year's end); refuses a zone two schemes cover, a
    zone no scheme covers, and a scheme that covers no zone."""
    day = sources.year_end(year)
    schemes = list(Scheme.objects.prefetch_related("stages", "ecosystems"))
    if not schemes:
        raise AssessmentError("尚未设置考核方案")
    zones = list(
        Unit.objects.filter(kind=UnitKind.ZONE)
        .active_on(day)
        .select_related("stage")
        .prefetch_related("ecosystems")
        .order_by("code")
    )
    covered: dict[str, list[Unit]] = {s.code: [] for s in schemes}
    twice, none = [], []
    for zone in zones:
        zone_ecosystems = {e.pk for e in zone.ecosystems.all()}
        matching = [
            s
            for s in schemes
            if (not s.stages.all() or zone.stage_id in {st.pk for st in s.stages.all()})
            and (not s.ecosystems.all() or zone_ecosystems & {e.pk for e in s.ecosystems.all()})
        ]
        if len(matching) > 1:
            twice.append(f"{zone.name}（{'、'.join(s.name for s in matching)}）")
        elif not matching:
            none.append(zone.name)
        else:
            covered[matching[0].code].append(zone)
    problems = []
    if twice:
        problems.append(f"以下功能区同时适用多个方案：{'；'.join(twice[:10])}")
    if none:
        problems.append(f"以下功能区没有适用的方案：{'、'.join(none[:10])}")
    empty = [s.name for s in schemes if not covered[s.code]]
    if empty and not twice:
        problems.append(f"以下方案不适用于任何功能区：{'、'.join(empty)}")
    if problems:
        raise AssessmentError("；".join(problems))
    return covered


def _values(indicators: list[dict], zones: list[Unit], year: int) -> list[list[float | None]]:
    day = sources.year_end(year)
    start = day.replace(month=1, day=1)
    columns = []
    for indicator in indicators:
        source = sources.get(indicator["source"])
        if source is None:
            raise AssessmentError(f"指标“{indicator['name']}”的数据来源不存在")
        found = source.values(zones, start=start, day=day)
        columns.append([found.get(z.pk) for z in zones])
    return [
        [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in row]
        for row in zip(*columns, strict=True)
    ]


def _score(frozen: dict, samples: int, progress=None) -> dict:
    """Everything computed from one scheme's frozen inputs (a pure function of them)."""
    framework, method, grades, _indicators = engine_inputs(frozen["scheme"])
    units = frozen["zones"]
    data = _matrix(frozen["values"], len(units), len(framework.indicators))
    # Runs frozen before groups and last year's values were kept have neither.
    groups = frozen.get("groups")
    last = _matrix(frozen["last"], len(units), data.shape[1]) if frozen.get("last") else None
    result = run_engine(framework, method, data, units, groups=groups, last=last)
    grade_of = assign(result.index, result.ranks, grades)
    robustness = monte_carlo(
        framework,
        method,
        data,
        units,
        grades,
        Uncertainty(samples=samples),
        groups=groups,
        last=last,
        progress=progress,
    )
    dimensions = [c.code for c in framework.children["index"]]
    return {
        "zones": {
            unit: {
                "score": _plain(result.index[i]),
                "scheme_rank": _plain(result.ranks[i]),
                "grade": grade_of[i] or "",
                "dimensions": {d: _plain(result.scores[d][i]) for d in dimensions},
                "normalised": [_plain(v) for v in result.normalised[i]],
                "rank_low": int(robustness.rank_low[i]),
                "rank_high": int(robustness.rank_high[i]),
                "probabilities": {
                    name: round(float(robustness.grade_probability[i, k]), 4)
                    for k, name in enumerate(robustness.grade_names)
                },
                "robust": bool(robustness.robust[i]),
            }
            for i, unit in enumerate(units)
        },
        "sensitivity": {k: round(v, 4) for k, v in robustness.sensitivity.items()},
        "winsorised": result.winsorised,
    }


def _matrix(rows, units: int, indicators: int) -> np.ndarray:
    return np.array(
        [[np.nan if v is None else v for v in row] for row in rows], dtype=float
    ).reshape(units, indicators)


def _plain(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 10)


def _digest(inputs: dict, outputs: dict) -> str:
    text = json.dumps({"inputs": inputs, "outputs": outputs}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def start(year: int, *, user, samples: int = 1000) -> Run:
    if not 2000 <= year <= 2100:
        raise AssessmentError("考核年度应在 2000–2100 之间")
    if not 10 <= samples <= 100_000:
        raise AssessmentError("蒙特卡洛抽样次数应在 10 到 100,000 之间")
    from .tasks import run_assessment

    take_back_lost()  # a run whose worker died is queued again or failed before we look
    busy = Run.objects.filter(status__in=[Run.Status.QUEUED, Run.Status.RUNNING])
    if busy.filter(Q(job__isnull=True) | Q(job__status__in=OPEN)).exists():
        raise AssessmentError("已有一次考核正在计算，请等它完成")
    with transaction.atomic():
        run = Run.objects.create(year=year, samples=samples, started_by=user)
        job = start_job(
            kind=JobKind.ASSESSMENT,
            task=run_assessment,
            params={"run": run.pk},
            user=user,
            result_url=reverse("assessment_run", args=[run.pk]),
        )
        Run.objects.filter(pk=run.pk).update(job=job)
    return Run.objects.get(pk=run.pk)


def execute(pk: int, context: Context | None = None) -> Run:
    """Gather, score and store one run. In a worker, `context` carries its progress (and the
    lease) to the job and makes sure a run taken over by a later attempt stores nothing."""
    Run.objects.filter(pk=pk).update(status=Run.Status.RUNNING)
    run = Run.objects.get(pk=pk)
    if context:
        context.progress(1, _("Gathering the zones' values"))
    try:
        inputs = gather(run.year, run.samples, zones_by_scheme(run.year))
    except AssessmentError as error:
        return _failed(pk, error)
    return compute(pk, inputs, context)


def gather(year: int, samples: int, covered: dict[str, list[Unit]]) -> dict:
    """Each scheme as it stands and its zones' values for the year: what a run freezes."""
    schemes = {s.code: s for s in Scheme.objects.filter(code__in=covered)}
    schemes_in: dict[str, dict] = {}
    inputs = {"year": year, "samples": samples, "schemes": schemes_in}
    for code, zones in covered.items():
        frozen = as_dict(schemes[code])
        _f, _m, _g, indicators = engine_inputs(frozen)
        schemes_in[code] = {
            "scheme": frozen,
            "zones": [z.code for z in zones],
            "values": _values(indicators, zones, year),
            # For "group mean": a zone's development stage; for "last year": the values the
            # latest finished run of the year before froze for the same zone and indicator.
            "groups": [z.stage.code if z.stage is not None else "" for z in zones],
            "last": _last_year(code, indicators, zones, year),
        }
    return inputs


def _last_year(code: str, indicators: list[dict], zones: list[Unit], year: int):
    before = (
        Run.objects.filter(year=year - 1, status=Run.Status.DONE)
        .order_by("-published_at", "-finished_at")
        .first()
    )
    frozen = (before.inputs.get("schemes", {}).get(code) if before else None) or {}
    if not frozen:
        return None
    columns = {
        n["code"]: j for j, n in enumerate(n for n in frozen["scheme"]["nodes"] if n["source"])
    }
    rows = dict(zip(frozen["zones"], frozen["values"], strict=True))
    return [
        [
            rows[z.code][columns[i["code"]]] if z.code in rows and i["code"] in columns else None
            for i in indicators
        ]
        for z in zones
    ]


def _failed(pk: int, error: AssessmentError) -> Run:
    Run.objects.filter(pk=pk).update(
        status=Run.Status.FAILED, message=str(error), finished_at=timezone.now()
    )
    return Run.objects.get(pk=pk)


def compute(pk: int, inputs: dict, context: Context | None = None) -> Run:
    """Score the frozen inputs and store everything, or nothing when the method refuses."""
    Run.objects.filter(pk=pk).update(status=Run.Status.RUNNING)
    try:
        outputs: dict[str, dict] = {"schemes": {}}
        total = len(inputs["schemes"])
        for n, (code, frozen) in enumerate(sorted(inputs["schemes"].items())):

            def report(done, of, n=n, code=code):
                if context:
                    step = _("Scoring scheme %(scheme)s: variant %(done)s of %(of)s")
                    context.progress(
                        10 + int(85 * (n + done / of) / total),
                        step % {"scheme": code, "done": done, "of": of},
                    )

            report(0, 1)
            outputs["schemes"][code] = _score(frozen, inputs["samples"], report)
        _city_ranks(outputs)
    except AssessmentError as error:
        return _failed(pk, error)
    if context:
        context.progress(96, _("Storing the results"))
    with transaction.atomic():
        if context:
            context.ensure_current()  # a later attempt has the run: store nothing
        units = {
            u.code: u
            for u in Unit.objects.filter(
                code__in=[z for s in outputs["schemes"].values() for z in s["zones"]]
            )
        }
        ZoneResult.objects.bulk_create(
            [
                ZoneResult(
                    run_id=pk,
                    unit=units[zone],
                    scheme_code=code,
                    score=row["score"],
                    rank=row["rank"],
                    scheme_rank=row["scheme_rank"],
                    grade=row["grade"],
                    rank_low=row["rank_low"],
                    rank_high=row["rank_high"],
                    robust=row["robust"],
                    detail={
                        "dimensions": row["dimensions"],
                        "probabilities": row["probabilities"],
                        "normalised": row["normalised"],
                    },
                )
                for code, scheme in outputs["schemes"].items()
                for zone, row in scheme["zones"].items()
            ]
        )
        finished = Run.objects.get(pk=pk)
        finished.inputs = inputs  # stored just below, in the same transaction
        propose(finished)
        Run.objects.filter(pk=pk).update(
            status=Run.Status.DONE,
            inputs=inputs,
            outputs=outputs,
            digest=_digest(inputs, outputs),
            finished_at=timezone.now(),
            is_demo=any(u.is_demo for u in units.values()),
        )
    return Run.objects.get(pk=pk)


def _city_ranks(outputs: dict) -> None:
    """Ranks across all schemes (their scores share the goalposts' 0–100 scale)."""
    rows = [row for s in outputs["schemes"].values() for row in s["zones"].values()]
    scores = np.array([np.nan if r["score"] is None else r["score"] for r in rows])
    for row, rank in zip(rows, competition_ranks(scores), strict=True):
        row["rank"] = None if math.isnan(rank) else int(rank)


def verify(run: Run) -> bool:
    """Recompute the run from its frozen inputs: True when every output is identical."""
    outputs = {
        "schemes": {
            code: _score(frozen, run.inputs["samples"])
            for code, frozen in sorted(run.inputs["schemes"].items())
        }
    }
    _city_ranks(outputs)
    return outputs == run.outputs and _digest(run.inputs, outputs) == run.digest
