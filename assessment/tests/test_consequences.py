"""What grades bring: rewards for the top grade, a warning for the lowest, an adjustment when a
zone is in the lowest grade two years running; the city confirms or rejects each, once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Consequence, Run
from assessment.services import start


def _run(users, year=2020) -> Run:
    return start(year, user=users["admin"], samples=30)  # the task runs at once in tests


def test_the_top_grade_is_proposed_a_reward_and_the_lowest_a_warning(users):
    run = _run(users)
    proposals = {c.unit_id: c for c in run.consequences.all()}
    for result in run.results.all():
        found = proposals.get(result.unit_id)
        if result.grade == "优秀":
            assert found.kind == "reward" and "财政资金、土地指标、公服配套" in found.basis
        elif result.grade == "不达标":
            assert found.kind == "warning" and "首次考核不达标" in found.basis
        else:
            assert found is None
        if found:
            assert found.fragile is (not result.robust) and found.decision == "proposed"


def test_the_lowest_grade_two_years_running_is_proposed_for_adjustment(users):
    first = _run(users)
    failing = list(first.results.filter(grade="不达标").values_list("unit_id", flat=True))
    assert failing
    Run.objects.filter(pk=first.pk).update(year=2019, published_at=timezone.now())
    second = _run(users)
    adjusted = set(second.consequences.filter(kind="adjustment").values_list("unit_id", flat=True))
    still = set(second.results.filter(grade="不达标").values_list("unit_id", flat=True))
    assert adjusted == still & set(failing) and adjusted
    assert all(
        "连续两年考核不达标" in c.basis for c in second.consequences.filter(kind="adjustment")
    )


def _decide(client, run, consequence, **data):
    return client.post(
        reverse("assessment_consequences", args=[run.pk]),
        {"consequence": consequence.pk} | data,
        follow=True,
    )


def test_the_city_confirms_or_rejects_each_proposal_once(users, login):
    run = _run(users)
    first, second = run.consequences.all()[:2]
    admin = login("admin")
    page = _decide(admin, run, first, decision="confirmed").content.decode()
    assert f"已记录对{first.unit.name}的决定" in page
    first.refresh_from_db()
    assert first.decision == "confirmed" and first.decided_by.username == "admin"

    page = _decide(admin, run, second, decision="rejected").content.decode()
    assert "不予采纳时请写明理由" in page
    assert Consequence.objects.get(pk=second.pk).decision == "proposed"
    _decide(admin, run, second, decision="rejected", comment="已整改到位")
    assert Consequence.objects.get(pk=second.pk).comment == "已整改到位"

    page = _decide(admin, run, first, decision="rejected", comment="改主意").content.decode()
    assert "该建议已于" in page and "不能再改" in page
    assert Consequence.objects.get(pk=first.pk).decision == "confirmed"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "approve-all"}, "请选择“确认”或“不予采纳”"),
        ({"decision": "confirmed", "comment": "长" * 501}, "说明不能超过 500 字"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_changes(users, login, data, message):
    run = _run(users)
    proposal = run.consequences.first()
    page = _decide(login("admin"), run, proposal, **data).content.decode()
    assert message in page
    assert Consequence.objects.get(pk=proposal.pk).decision == "proposed"


def test_only_the_city_decides(users, login):
    run = _run(users)
    proposal = run.consequences.first()
    for who in ("gaoxin", "viewer", "xinjingji"):
        response = login(who).post(
            reverse("assessment_consequences", args=[run.pk]),
            {"consequence": proposal.pk, "decision": "confirmed"},
        )
        assert response.status_code == 403
    assert Consequence.objects.get(pk=proposal.pk).decision == "proposed"


def test_proposals_read_in_the_readers_language(users, login):
    run = _run(users)
    client = login("gaoxin")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("assessment_consequences", args=[run.pk])).content.decode()
    shown = run.consequences.filter(
        unit__path__startswith=users["gaoxin"].memberships.get().unit.path
    )
    assert shown.exists()  # the district has zones in the lowest or the top grade
    if shown.filter(kind="warning").exists():
        assert "Lowest grade for the first time: urged to improve" in page
    if shown.filter(kind="reward").exists():
        assert "Top grade: the plan&#x27;s rewards" in page
    assert "首次考核不达标" not in page and "政策奖励" not in page
