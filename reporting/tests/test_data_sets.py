"""Defining data sets on their own pages (city administrators): indicators chosen or new,
units, period, due and lock days, and rules checked against the indicators; all or nothing."""

import re

import pytest
from django.urls import reverse

from plans.models import Indicator
from reporting.models import DataSet, Submission, SubmissionValue, ValidationRule
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit


def _form(**changes):
    data = {
        "code": "quarterly",
        "name": "功能区季报",
        "name_en": "Zone quarterly",
        "period_type": "quarter",
        "due_days": "15",
        "lock_days": "45",
        "units": [str(Unit.objects.get(code="z-new-economy").pk)],
        "new_indicators": "completed_area, 竣工面积, area\ntotal_area，总建筑面积，area",
        "rules-TOTAL_FORMS": "3",
        "rules-INITIAL_FORMS": "0",
        "rules-0-expression": "completed_area <= total_area",
        "rules-0-severity": "error",
        "rules-0-message": "竣工面积不能大于总建筑面积",
        "rules-1-severity": "warning",
        "rules-2-severity": "warning",
    }
    data.update(changes)
    return data


def test_an_administrator_defines_a_data_set_with_new_indicators_and_a_rule(login):
    admin = login("admin")
    response = admin.post(reverse("data_set_create"), _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    data_set = DataSet.objects.get(code="quarterly")
    assert sorted(data_set.indicators.values_list("code", flat=True)) == [
        "completed_area",
        "total_area",
    ]
    assert Indicator.objects.get(code="total_area").kind == "reported"
    rule = ValidationRule.objects.get(data_set=data_set)
    assert (rule.expression, rule.severity) == ("completed_area <= total_area", "error")
    listing = admin.get(reverse("data_set_list")).content.decode()
    assert "功能区季报" in listing
    page = admin.get(reverse("data_set_edit", args=[data_set.pk])).content.decode()
    assert "completed_area &lt;= total_area" in page
    for indicator in data_set.indicators.all():  # what it has is shown chosen, not lost on save
        assert re.search(rf'value="{indicator.pk}"[^>]*checked', page)
    zone = Unit.objects.get(code="z-new-economy")
    assert re.search(rf'<option value="{zone.pk}" selected>', page)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "Bad Code"}, "代码须以小写字母开头"),
        ({"lock_days": "5"}, "锁定天数不能少于截止天数"),
        ({"new_indicators": "x1, 名称"}, "第 1 行应为“代码, 名称, 计量”三项"),
        ({"new_indicators": "x1, 名称, litres"}, "计量应为"),
        ({"new_indicators": "output, 产值, money"}, "指标代码“output”已存在"),
        ({"new_indicators": "", "rules-0-expression": ""}, "至少需要一项指标"),
        (
            {"rules-0-expression": "completed_area <= floor_area"},
            "规则中的“floor_area”不是本报表的指标代码",
        ),
        (
            {"rules-0-expression": "__import__('os').system('x')"},
            "规则中只能调用 previous(指标代码)",
        ),
        ({"rules-0-message": ""}, "请填写规则不满足时给填报人看的提示"),
        ({"new_indicators": "a" * 5001}, "确保该变量包含不超过 5000 字符 (目前字符数 5001)。"),
        ({"units": []}, "这个字段是必填项"),
        ({"due_days": "-1"}, "确保该值大于或等于0。"),
        ({"starts_on": "2026-13-45"}, "输入一个有效的日期。"),
    ],
    ids=[
        "code",
        "lock",
        "columns",
        "measure",
        "exists",
        "none",
        "unknown-code",
        "hostile",
        "message",
        "oversized",
        "units",
        "negative",
        "start date",
    ],
)
def test_a_bad_definition_is_refused_with_a_message_and_nothing_is_written(login, changes, message):
    make_data_set()  # "output" exists
    before = (DataSet.objects.count(), Indicator.objects.count(), ValidationRule.objects.count())
    response = login("admin").post(reverse("data_set_create"), _form(**changes))
    page = response.content.decode()
    assert response.status_code == 400 and message in page, page[
        page.find("invalid-feedback") - 300 :
    ][:900]
    assert "未保存：请更正下面标出的内容" in page
    after = (DataSet.objects.count(), Indicator.objects.count(), ValidationRule.objects.count())
    assert after == before


def test_an_indicator_already_reported_cannot_be_removed(login, users):
    data_set = make_data_set(indicators=(("output", "产值", "money"), ("jobs", "就业", "count")))
    submission = Submission.objects.create(
        data_set=data_set,
        unit=Unit.objects.get(code="z-new-economy"),
        period_start=last_month_end().replace(day=1),
        period_end=last_month_end(),
    )
    SubmissionValue.objects.create(
        submission=submission, indicator=Indicator.objects.get(code="output"), value=5
    )
    keep_jobs_only = _form(
        code="monthly",
        name="功能区月报",
        period_type="month",
        indicators=[str(Indicator.objects.get(code="jobs").pk)],
        new_indicators="",
        **{"rules-0-expression": ""},
    )
    response = login("admin").post(reverse("data_set_edit", args=[data_set.pk]), keep_jobs_only)
    assert (
        response.status_code == 400
        and "已有报表填报了“产值”，不能移除该指标" in response.content.decode()
    )
    assert data_set.indicators.filter(code="output").exists()


@pytest.mark.parametrize("who", ["gaoxin", "xinjingji", "viewer"])
def test_only_a_city_administrator_defines_data_sets(login, who):
    client = login(who)
    assert client.get(reverse("data_set_list")).status_code == 403
    assert client.post(reverse("data_set_create"), _form()).status_code == 403
    assert not DataSet.objects.filter(code="quarterly").exists()
