"""Public service projects under the configurable category → item taxonomy."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from carriers.models import ServiceCategory, ServiceItem, ServiceProject
from territory.models import Unit


@pytest.fixture
def school(db):
    education = ServiceCategory.objects.get(code="education")
    return ServiceItem.objects.create(category=education, code="t-school", name="中小学")


def _upload(client, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    file = io.BytesIO(buffer.getvalue())
    file.name = "公服.xlsx"
    return client.post(reverse("service_import"), {"file": file})


def test_the_categories_the_plan_names_ship_with_their_source(db):
    names = set(ServiceCategory.objects.filter(is_demo=False).values_list("name", flat=True))
    assert names == {"教育", "医疗", "文化"}
    assert all("8类18项" in c.source for c in ServiceCategory.objects.filter(is_demo=False))


def test_the_list_says_how_much_of_the_taxonomy_is_configured(login):
    body = login("viewer").get(reverse("service_list")).content.decode()
    categories, items = ServiceCategory.objects.count(), ServiceItem.objects.count()
    assert f"计划确定8类18项；已配置 {categories} 类、{items} 项。" in body


def test_a_project_is_created_scoped_and_hidden_from_an_outsider(login, school):
    zone = Unit.objects.get(code="z-new-economy")
    response = login("xinjingji").post(
        reverse("service_create"),
        {
            "zone": zone.pk,
            "item": school.pk,
            "name": "活力区实验学校",
            "investment_yuan": "12000",  # 万元: 1.2亿元
            "developer": "",
            "planned_start": "",
            "actual_start": "2020-02-01",
            "planned_completion": "",
            "actual_completion": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    project = ServiceProject.objects.get(name="活力区实验学校")
    assert "活力区实验学校" in login("gaoxin").get(reverse("service_list")).content.decode()
    assert "活力区实验学校" not in login("jinjiang").get(reverse("service_list")).content.decode()
    assert login("jinjiang").get(reverse("service_detail", args=[project.pk])).status_code == 404
    assert login("viewer").post(reverse("service_delete", args=[project.pk])).status_code == 404


def test_the_category_filter_counts_by_category(login, school):
    zone = Unit.objects.get(code="z-new-economy")
    ServiceProject.objects.create(zone=zone, item=school, name="学校甲")
    education = ServiceCategory.objects.get(code="education")
    body = (
        login("xinjingji").get(reverse("service_list"), {"category": education.pk}).content.decode()
    )
    assert "学校甲" in body
    other = ServiceCategory.objects.exclude(pk=education.pk).first()
    assert (
        "学校甲"
        not in login("xinjingji")
        .get(reverse("service_list"), {"category": other.pk})
        .content.decode()
    )


def test_import_resolves_the_item_within_its_category_and_names_bad_rows(login, school):
    ServiceItem.objects.create(
        category=ServiceCategory.objects.get(code="culture"), code="t-school-2", name="中小学"
    )
    client = login("xinjingji")
    header = ["所在功能区", "项目名称", "类别", "项目类型", "总投资（亿元）", "实际开工日期"]
    good = _upload(
        client, [header, ["成都新经济活力区", "导入学校", "教育", "中小学", 1.2, "2020-03-01"]]
    )
    token = re.search(r"/services/import/([\w-]+)/commit", good.content.decode()).group(1)
    client.post(reverse("service_import_commit", args=[token]))
    project = ServiceProject.objects.get(name="导入学校")
    assert project.item == school and project.investment_yuan == Decimal(120_000_000)
    bad = _upload(
        client,
        [
            header,
            ["成都新经济活力区", "甲", None, "中小学", 1, None],
            ["成都新经济活力区", "乙", "医疗", "中小学", 1, None],
            ["成都新经济活力区", "丙", "教育", "中小学", -1, None],
        ],
    )
    body = bad.content.decode()
    assert "项目类型“中小学”在多个类别中都有，请填写“类别”列" in body
    assert "类别“医疗”中没有名为“中小学”的项目类型" in body
    assert "不能为负数" in body
    assert not ServiceProject.objects.filter(name__in=["甲", "乙", "丙"]).exists()
