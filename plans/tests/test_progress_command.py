"""`manage.py progress`: every target for scripts, computed by the cockpit's selector; bad
arguments get a message and nothing else."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from carriers.models import Carrier
from plans.models import Plan
from territory.models import Unit

KEYS = {"target", "unit", "value", "target_value", "status", "basis"}
STATUSES = {"met", "on_track", "at_risk", "behind", "missed", "no_data"}


def _run(*args) -> str:
    out = io.StringIO()
    call_command("progress", *args, stdout=out)
    return out.getvalue()


def _json(*args) -> list[dict]:
    return json.loads(_run(*args, "--format", "json").strip().splitlines()[-1])


def test_every_target_of_the_plan_is_printed_with_a_status_and_a_basis(db):
    items = _json("--plan", "cd-2020", "--day", "2020-12-31")
    assert len(items) == Plan.objects.get(code="cd-2020").targets.count() == 63
    for item in items:
        assert KEYS <= set(item), item
        assert item["status"] in STATUSES, item
        assert item["basis"], item


def test_a_figure_is_in_base_units_and_computed_by_hand(db):
    Carrier.objects.filter(
        zone__path__startswith=Unit.objects.get(code="hi-tech-zone").path
    ).delete()
    zone = Unit.objects.get(code="z-new-economy")
    for name, m2 in (("甲", 300_000), ("乙", 250_000)):
        Carrier.objects.create(
            zone=zone,
            kind="scitech_space",
            name=name,
            floor_area_m2=m2,
            actual_start=dt.date(2020, 3, 1),
        )
    items = _json("--day", "2020-12-31", "--unit", "hi-tech-zone")
    hitech = next(i for i in items if i["target"] == "scitech-hitech")
    assert hitech["unit"] == "hi-tech-zone"
    assert hitech["value"] == "550000" and hitech["target_value"] == "1000000"
    assert hitech["status"] == "missed"  # 55万 of 100万 at the deadline
    assert hitech["basis"].endswith("：55 万平方米 / 100 万平方米")
    # --unit keeps the targets set on the unit and below it
    units = {i["unit"] for i in items}
    assert "510100" not in units and "hi-tech-zone" in units


def test_the_table_names_each_target_and_its_status_in_chinese(db):
    output = _run("--day", "2020-06-30")
    assert output.splitlines()[0] == "cd-2020 · 2020-06-30"
    assert "scitech-city" in output and any(
        word in output for word in ("进度正常", "存在风险", "进度滞后", "已达成")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--plan", "nowhere"), "没有代码为 nowhere 的计划（已载入：cd-2020）。"),
        (("--day", "2020-02-30"), "日期 2020-02-30 不是 YYYY-MM-DD 格式的有效日期。"),
        (("--day", "yesterday"), "日期 yesterday 不是 YYYY-MM-DD 格式的有效日期。"),
        (("--unit", "x" * 10_000), "没有代码为 " + "x" * 64 + " 的单位。"),
        (
            ("--plan", "'; DROP TABLE plans_plan; --"),
            "没有代码为 '; DROP TABLE plans_plan; -- 的计划",
        ),
    ],
    ids=["unknown plan", "no such day", "not a date", "oversized unit", "hostile plan"],
)
def test_bad_arguments_get_a_message(db, args, message):
    with pytest.raises(CommandError) as exc:
        _run(*args)
    assert message in str(exc.value)
    assert Plan.objects.filter(code="cd-2020").exists()
