"""The yearly assessment through the API: the schemes in force, each frozen run, and a run's
results and consequences, limited to the zones the user sees, with the figures the pages show."""

from __future__ import annotations

from assessment.models import Consequence, Scheme, ZoneResult
from territory.models import Unit

from .apiclient import error
from .factories import assessment_run

A, B = "z-new-economy", "z-bailuwan"  # a zone in 高新区, one in 锦江区


def test_a_runs_results_are_the_pages_figures_for_the_zones_the_user_sees(api, users):
    run = assessment_run(Unit.objects.filter(code__in=[A, B]), users["admin"])
    city, zone = api("admin", write=False), api("xinjingji", write=False)
    body = city.get(f"/api/v1/assessment_runs/{run.pk}/").json()
    assert (body["year"], body["status"], len(body["digest"])) == (2020, "done", 64)
    rows = city.get(f"/api/v1/assessment_runs/{run.pk}/results/").json()
    stored = {r.unit.code: r for r in ZoneResult.objects.filter(run=run).select_related("unit")}
    assert [row["unit"] for row in rows] == sorted(stored, key=lambda c: stored[c].rank)
    assert [row["rank"] for row in rows] == [1, 2]
    for row in rows:
        result = stored[row["unit"]]
        assert (row["score"], row["grade"], row["robust"]) == (
            result.score,
            result.grade,
            result.robust,
        )
        assert row["rank_low"] <= row["rank"] <= row["rank_high"]
    # The zone officer reads the same run, with its own zone's row only.
    own = zone.get(f"/api/v1/assessment_runs/{run.pk}/results/").json()
    assert [row["unit"] for row in own] == [A]
    assert own[0]["score"] == stored[A].score


def test_consequences_carry_the_citys_decision_and_stay_within_scope(api, users):
    run = assessment_run(Unit.objects.filter(code__in=[A, B]), users["admin"])
    for code, kind in ((A, "reward"), (B, "adjustment")):
        Consequence.objects.create(
            run=run, unit=Unit.objects.get(code=code), kind=kind, basis="演示：考核等次"
        )
    Consequence.objects.filter(unit__code=A).update(decision="confirmed", decided_by=users["admin"])
    rows = api("gaoxin", write=False).get(f"/api/v1/assessment_runs/{run.pk}/consequences/")
    assert [
        (r["unit"], r["kind"], r["kind_label"], r["decision"], r["decided_by"]) for r in rows.json()
    ] == [(A, "reward", "奖励", "confirmed", "admin")]
    english = api("bailuwan", write=False, language="en")
    rows = english.get(f"/api/v1/assessment_runs/{run.pk}/consequences/").json()
    assert [(r["unit"], r["kind_label"]) for r in rows] == [(B, "Adjustment")]


def test_schemes_show_what_counts_and_runs_that_are_not_there_are_404(api):
    client = api("bailuwan", write=False)
    scheme = Scheme.objects.get(code="default-2020")
    body = client.get("/api/v1/assessment_schemes/default-2020/").json()
    dimensions = [n for n in body["nodes"] if n["parent"] is None]
    stored = scheme.nodes.filter(parent=None)
    assert sorted(d["code"] for d in dimensions) == sorted(stored.values_list("code", flat=True))
    children = {n["code"]: n["parent"] for n in body["nodes"] if n["parent"]}
    assert children and set(children.values()) <= {d["code"] for d in dimensions}
    assert [g["name"] for g in body["grades"]] == list(
        scheme.grades.order_by("order").values_list("name", flat=True)
    )
    missing = client.get("/api/v1/assessment_runs/999999/results/")
    assert missing.status_code == 404
    assert error(missing)["message"] == "没有该对象，或您无权查看。"
    assert client.get("/api/v1/assessment_runs/abc/").status_code == 404
