"""Validation rules: read safely, refused when wrong, and run at submission (errors block,
warnings need a comment)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plans.models import Indicator
from reporting.choices import State, Step
from reporting.models import Submission, SubmissionValue, ValidationRule
from reporting.rules import RuleError, evaluate, parse
from reporting.services import Refused, open_submission, save_values, take_step
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit

CODES = {"completed", "total", "occupancy", "output"}


def _check(expression, values, previous=None):
    return evaluate(parse(expression, CODES), values, (previous or {}).get)


def test_rules_compare_combine_and_look_back():
    values = {
        "completed": Decimal(80),
        "total": Decimal(100),
        "occupancy": Decimal("0.9"),
        "output": Decimal(5),
    }
    assert _check("completed <= total", values) is True
    assert _check("completed > total", values) is False
    assert _check("0 <= occupancy <= 1 and not completed > total", values) is True
    assert _check("completed / total >= 0.8", values) is True
    assert _check("output >= previous(output)", values, {"output": Decimal(6)}) is False
    assert _check("output >= previous(output)", values) is None  # no earlier period: not applied
    assert _check("completed <= total", {"completed": Decimal(1)}) is None  # a value missing
    assert _check("completed / total > 0", {"completed": Decimal(1), "total": Decimal(0)}) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "不能为空"),
        ("x" * 501, "不能超过 500 个字符"),
        ("completed <= (total", "无法读取"),
        ("profit > 0", "不是本报表的指标代码"),
        ("__import__('os').system('id')", "只能调用 previous"),
        ("completed.__class__ == 1", "不能使用“Attribute”"),
        ("total ** 99999 > 0", "不能使用“Pow”"),
        ("[completed][0] > 1", "不能使用“Subscript”"),
        ("completed == 'a'", "常量只能是数字"),
        ("completed + total", "须是一个判断"),
        ("lambda: 1", "不能使用“Lambda”"),
    ],
)
def test_a_wrong_or_hostile_rule_is_refused_with_a_message(expression, message):
    with pytest.raises(RuleError, match=message):
        parse(expression, CODES)


@pytest.fixture
def data_set(db):
    ds = make_data_set(
        (
            ("completed", "已建成面积", "area"),
            ("total", "总面积", "area"),
            ("output", "累计产值", "area"),
        )
    )
    ValidationRule.objects.create(
        data_set=ds,
        expression="completed <= total",
        severity="error",
        message="已建成面积不能大于总面积",
    )
    ValidationRule.objects.create(
        data_set=ds,
        expression="output >= previous(output)",
        severity="warning",
        message="累计产值比上期减少",
    )
    return ds


def test_an_admin_cannot_save_a_rule_naming_an_unknown_indicator(data_set):
    rule = ValidationRule(data_set=data_set, expression="profit > 0", severity="error", message="x")
    with pytest.raises(ValidationError, match="不是本报表的指标代码"):
        rule.full_clean()


def _submission(data_set, months_back=1):
    end = last_month_end()
    for _ in range(months_back - 1):
        end = end.replace(day=1) - dt.timedelta(days=1)
    return open_submission(data_set, Unit.objects.get(code="z-new-economy"), end)


def test_an_error_blocks_the_submission_and_nothing_changes(data_set, users):
    s = save_values(
        _submission(data_set),
        {"completed": "120", "total": "100"},
        user=users["xinjingji"],
        version=0,
    )
    with pytest.raises(Refused, match="未通过校验，不能提交：已建成面积不能大于总面积"):
        take_step(s, Step.SUBMIT, user=users["xinjingji"], version=s.version)
    assert Submission.objects.get(pk=s.pk).state == State.DRAFT


def test_a_warning_needs_a_comment_against_the_last_approved_period(data_set, users):
    earlier = _submission(data_set, months_back=2)
    earlier.state = State.CITY_APPROVED
    earlier.save()
    SubmissionValue.objects.create(
        submission=earlier, indicator=Indicator.objects.get(code="output"), value=Decimal(500)
    )
    s = save_values(_submission(data_set), {"output": "400"}, user=users["xinjingji"], version=0)
    with pytest.raises(Refused, match="请在意见中说明以下提示后再提交：累计产值比上期减少"):
        take_step(s, Step.SUBMIT, user=users["xinjingji"], version=s.version)
    s = take_step(
        s, Step.SUBMIT, user=users["xinjingji"], version=s.version, comment="统计口径调整"
    )
    assert s.state == State.SUBMITTED and s.events.last().comment == "统计口径调整"


def test_the_entry_page_shows_what_the_rules_say_before_submitting(login, data_set, users):
    s = save_values(
        _submission(data_set),
        {"completed": "120", "total": "100"},
        user=users["xinjingji"],
        version=0,
    )
    body = login("xinjingji").get(f"/reporting/{s.pk}/").content.decode()
    assert "错误：已建成面积不能大于总面积" in body
