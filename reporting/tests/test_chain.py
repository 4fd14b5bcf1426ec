"""The approval chain of a submission: zone → district → city, returns with a comment, locks,
unlocks, stale saves refused, and approved values counted by the plan's progress."""

import datetime as dt
from decimal import Decimal

import pytest

from plans.models import ReportedValue
from reporting.choices import State, Step
from reporting.models import Event, Submission
from reporting.services import (
    Refused,
    StaleVersion,
    open_submission,
    period_of,
    save_values,
    take_step,
)
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit


@pytest.fixture
def data_set(db):
    return make_data_set((("occupancy", "入驻率", "ratio"), ("output", "产值", "ratio")))


@pytest.fixture
def submission(data_set):
    zone = Unit.objects.get(code="z-new-economy")
    return open_submission(data_set, zone, last_month_end())


def test_periods_are_whole_months_quarters_and_years():
    assert period_of("month", dt.date(2020, 2, 10)) == (dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    assert period_of("quarter", dt.date(2020, 11, 3)) == (
        dt.date(2020, 10, 1),
        dt.date(2020, 12, 31),
    )
    assert period_of("year", dt.date(2020, 6, 1)) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))


def test_the_whole_chain_counts_the_values_only_once_the_city_approves(submission, users):
    s = save_values(
        submission, {"occupancy": "85%", "output": "12.5万"}, user=users["xinjingji"], version=0
    )
    s = take_step(s, Step.SUBMIT, user=users["xinjingji"], version=s.version)
    s = take_step(
        s, Step.RETURN, user=users["gaoxin"], version=s.version, comment="入驻率偏高，请核实"
    )
    assert s.state == State.RETURNED
    s = save_values(s, {"occupancy": "0.8"}, user=users["xinjingji"], version=s.version)
    s = take_step(s, Step.SUBMIT, user=users["xinjingji"], version=s.version)
    s = take_step(s, Step.DISTRICT_APPROVE, user=users["gaoxin"], version=s.version)
    assert not ReportedValue.objects.filter(unit=s.unit).exists()  # not yet: the city decides
    s = take_step(s, Step.CITY_APPROVE, user=users["admin"], version=s.version)
    assert s.state == State.CITY_APPROVED
    counted = dict(
        ReportedValue.objects.filter(unit=s.unit).values_list("indicator__code", "value")
    )
    assert counted == {"occupancy": Decimal("0.8"), "output": Decimal(125_000)}
    steps = list(s.events.values_list("step", "user__username", "comment"))
    assert ("return", "gaoxin", "入驻率偏高，请核实") in steps and steps[-1] == (
        "city_approve",
        "admin",
        "",
    )
    history = s.values.get(indicator__code="occupancy").history.order_by("history_date")
    assert [h.value for h in history] == [Decimal("0.85"), Decimal("0.8")]
    assert {h.history_user.username for h in history} == {"xinjingji"}  # who changed it


def test_approved_data_is_locked_and_unlocked_by_the_city_on_request(submission, users):
    s = take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
    s = take_step(s, Step.DISTRICT_APPROVE, user=users["gaoxin"], version=s.version)
    s = take_step(s, Step.CITY_APPROVE, user=users["admin"], version=s.version)
    with pytest.raises(Refused, match="不能修改"):
        save_values(s, {"output": "1"}, user=users["xinjingji"], version=s.version)
    with pytest.raises(Refused, match="须说明原因"):
        take_step(s, Step.REQUEST_UNLOCK, user=users["xinjingji"], version=s.version)
    s = take_step(
        s, Step.REQUEST_UNLOCK, user=users["xinjingji"], version=s.version, comment="产值漏报"
    )
    assert s.unlock_requested
    with pytest.raises(Refused, match="只有市级管理员"):
        take_step(s, Step.UNLOCK, user=users["gaoxin"], version=s.version)
    s = take_step(s, Step.UNLOCK, user=users["admin"], version=s.version, comment="同意")
    s = save_values(s, {"output": "2"}, user=users["xinjingji"], version=s.version)
    assert s.state == State.RETURNED and s.values.get(indicator__code="output").value == 2


@pytest.mark.parametrize(
    ("step", "who", "message"),
    [
        (Step.DISTRICT_APPROVE, "xinjingji", "无权"),  # a zone officer forging an approval
        (Step.DISTRICT_APPROVE, "jinjiang", "无权"),  # another district's officer
        (Step.CITY_APPROVE, "gaoxin", "无权"),  # a district officer approving for the city
        (Step.CITY_APPROVE, "admin", "不能执行此操作"),  # skipping the district
        (Step.RETURN, "viewer", "无权退回"),
        ("approve_everything", "admin", "未知的操作"),
    ],
)
def test_a_forged_or_out_of_order_step_is_refused_and_nothing_changes(
    submission, users, step, who, message
):
    s = take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
    with pytest.raises(Refused, match=message):
        take_step(s, step, user=users[who], version=s.version)
    s.refresh_from_db()
    assert s.state == State.SUBMITTED and s.events.count() == 1


def test_a_second_save_from_a_stale_page_is_refused_and_the_first_is_kept(submission, users):
    save_values(submission, {"output": "100"}, user=users["xinjingji"], version=0)
    with pytest.raises(StaleVersion, match="已被他人修改"):  # a type the page tells apart
        save_values(submission, {"output": "200"}, user=users["admin"], version=0)
    assert submission.values.get(indicator__code="output").value == 100


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"output": "一百"}, "不是数字"),
        ({"output": "1e400"}, "数值过大"),
        ({"output": "9" * 20}, "数值过大"),
        ({"output": "5", "occupancy": "NaN"}, "不是数字"),
        ({"profit": "5"}, "报表中没有指标：profit"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(submission, users, values, message):
    with pytest.raises(Refused, match=message):
        save_values(submission, values, user=users["xinjingji"], version=0)
    submission.refresh_from_db()
    assert not submission.values.exists() and submission.version == 0
    assert not Event.objects.exists()


def test_outsiders_cannot_save_and_returns_need_a_comment(submission, users):
    for who in ("bailuwan", "viewer", "jinjiang"):
        with pytest.raises(Refused, match="无权填写"):
            save_values(submission, {"output": "1"}, user=users[who], version=0)
    s = take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
    with pytest.raises(Refused, match="须填写意见"):
        take_step(s, Step.RETURN, user=users["gaoxin"], version=s.version, comment="  ")


def test_a_period_not_yet_open_or_past_its_lock_is_refused(data_set, users):
    zone = Unit.objects.get(code="z-new-economy")
    with pytest.raises(Refused, match="尚未开始"):
        open_submission(data_set, zone, dt.date(2020, 8, 31), today=dt.date(2020, 7, 5))
    with pytest.raises(Refused, match="不是报表期的最后一天（应为 2020-06-30）"):
        open_submission(data_set, zone, dt.date(2020, 6, 15), today=dt.date(2020, 7, 5))
    with pytest.raises(Refused, match="不在“功能区月报”的填报单位中"):
        open_submission(data_set, Unit.objects.get(code="z-bailuwan"), dt.date(2020, 6, 30))
    old = open_submission(data_set, zone, dt.date(2020, 1, 31))  # today is long past its lock
    with pytest.raises(Refused, match="已过锁定期"):
        save_values(old, {"output": "1"}, user=users["xinjingji"], version=0)
    assert not Submission.objects.get(pk=old.pk).values.exists()


def test_an_oversized_comment_is_refused_and_nothing_changes(submission, users):
    s = take_step(submission, Step.SUBMIT, user=users["xinjingji"], version=0)
    with pytest.raises(Refused, match="意见不能超过 2000 字"):
        take_step(s, Step.RETURN, user=users["gaoxin"], version=s.version, comment="改" * 2001)
    s.refresh_from_db()
    assert s.state == State.SUBMITTED and s.events.count() == 1
