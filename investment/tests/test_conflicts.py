"""Attraction conflicts (docs/conflicts.md): found by credit code or by names that match after
normalisation, held by the zone of first contact until the city decides, and counted once in
every total above the zones, whatever the city decides. Counts by hand at every level of:

    测试市 (t-city)
    ├── 甲区 (t-d1): 甲一 (t-za), 甲二 (t-zb)
    └── 乙区 (t-d2): 乙一 (t-zc)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.refusals import Forbidden
from investment.matching import normalise_name, similar_pairs
from investment.models import Conflict, ConflictMember, Enterprise, InvestmentProject
from investment.services import ConflictRefused, decide_conflict, detect_conflicts
from plans.models import Indicator
from plans.progress import Engine
from plans.tests.trees import small_tree

END = dt.date(2020, 12, 31)
YI = Decimal(100_000_000)
D = dt.date


def _enterprise(code_tail: str, name: str) -> Enterprise:
    from investment.creditcode import check_character

    first17 = "91510100MA6CU" + code_tail
    return Enterprise.objects.create(credit_code=first17 + check_character(first17), name=name)


def _project(zone, name, enterprise, **values):
    values.setdefault("tier", "top500")
    values.setdefault("signed_on", D(2020, 5, 1))
    return InvestmentProject.objects.create(zone=zone, name=name, enterprise=enterprise, **values)


def _value(plan, code, unit, day=END) -> Decimal:
    return Engine(plan).indicator_value(Indicator.objects.get(code=code), unit.pk, day)


def _counts(t, code="high_tier_projects_introduced"):
    return [_value(t.plan, code, u) for u in (t.za, t.zb, t.d1, t.zc, t.d2, t.city)]


@pytest.fixture
def t(db):
    """One enterprise (蓉欧智能) pursued by 甲一 (lead 2020-01-10) and 乙一 (lead 2020-02-01);
    a second enterprise recorded twice under names that differ only in legal form and
    brackets, pursued by 甲二 (lead 2020-03-01) and 乙一 (negotiating 2020-01-20); a third
    only in 甲一. The demo's projects are taken away: they pursue the demo enterprises from
    many zones at once."""
    InvestmentProject.objects.filter(is_demo=True).delete()
    tree = small_tree()
    rongou = _enterprise("0001", "成都蓉欧智能科技有限公司")
    tree.p_za = _project(
        tree.za, "蓉欧甲一", rongou, lead_on=D(2020, 1, 10), investment_yuan=10 * YI
    )
    tree.p_zc = _project(
        tree.zc, "蓉欧乙一", rongou, lead_on=D(2020, 2, 1), investment_yuan=10 * YI
    )
    tianfu = _enterprise("0002", "天府芯材股份有限公司")
    tianfu2 = _enterprise("0003", "天府芯材（成都）有限公司")
    tree.q_zb = _project(tree.zb, "芯材甲二", tianfu, lead_on=D(2020, 3, 1), investment_yuan=4 * YI)
    tree.q_zc = _project(
        tree.zc, "芯材乙一", tianfu2, negotiating_on=D(2020, 1, 20), investment_yuan=4 * YI
    )
    _project(tree.za, "独家项目", _enterprise("0004", "锦城光电有限公司"))
    return tree


def test_names_are_normalised_before_they_are_compared():
    assert normalise_name("天府芯材（成都）有限公司") == "天府芯材"
    assert normalise_name("天府芯材股份有限公司") == "天府芯材"
    assert normalise_name("ＡＢＣ 科技集团有限责任公司") == "abc科技"
    assert normalise_name("【演示】蓉欧-智能[西部]科技公司") == "蓉欧智能科技"
    names = {1: "蓉欧智能科技", 2: "蓉欧智能科枝", 3: "锦城光电", 4: "天府芯材"}
    assert [(a, b) for a, b, _s in similar_pairs(names, threshold=80)] == [(1, 2)]
    assert list(similar_pairs(names, threshold=90)) == []  # 5 of 6 characters: 83.3


def test_conflicts_are_found_by_code_and_by_name_and_held_by_first_contact(t):
    assert detect_conflicts() == {"opened": 2, "reopened": 0, "updated": 0, "cleared": 0}
    by_code = Conflict.objects.get(basis="same_enterprise")
    assert by_code.holder_zone == t.za  # 甲一's lead came first
    assert dict(by_code.members.values_list("project__name", "share")) == {
        "蓉欧甲一": 1,
        "蓉欧乙一": 0,
    }
    by_name = Conflict.objects.get(basis="similar_name")
    assert by_name.holder_zone == t.zc  # negotiating on 01-20 is before 甲二's lead on 03-01
    assert by_name.similarity == 100
    # Run again on the same registry: nothing is written.
    assert detect_conflicts() == {"opened": 0, "reopened": 0, "updated": 0, "cleared": 0}
    assert Conflict.history.count() == 2


def test_every_project_counts_once_above_the_zones_at_every_level(t):
    # Before any search, the same enterprise counts once above the zones, but the two
    # records of 天府芯材 twice.
    assert _counts(t) == [2, 1, 3, 2, 2, 4]
    detect_conflicts()
    # Held by first contact: 蓉欧 is 甲一's, 天府芯材 乙一's.
    assert _counts(t) == [2, 0, 2, 1, 1, 3]
    assert _counts(t, "signed_projects") == [2, 0, 2, 1, 1, 3]
    assert _counts(t, "contracted_capital") == [10 * YI, 0, 10 * YI, 4 * YI, 4 * YI, 14 * YI]


def test_the_city_reassigns_shares_or_separates_and_the_sums_follow(t, users):
    detect_conflicts()
    admin = users["admin"]
    rongou = Conflict.objects.get(basis="same_enterprise")
    decide_conflict(user=admin, conflict=rongou, decision="reassign", holder_zone_id=t.zc.pk)
    assert _counts(t) == [1, 0, 1, 2, 2, 3]
    decide_conflict(
        user=admin,
        conflict=rongou,
        decision="joint",
        shares={t.za.pk: Decimal("0.6"), t.zc.pk: Decimal("0.4")},
        note="两地共同招引",
    )
    assert _counts(t) == [Decimal("1.6"), 0, Decimal("1.6"), Decimal("1.4"), Decimal("1.4"), 3]
    assert _counts(t, "contracted_capital")[-1] == 14 * YI  # 6 + 4 + 4
    decide_conflict(user=admin, conflict=rongou, decision="separate")
    assert _counts(t) == [2, 0, 2, 2, 2, 4]  # two investments of one enterprise
    rongou.refresh_from_db()
    assert (rongou.status, rongou.decided_by, rongou.note) == ("separate", admin, "")


def test_a_past_day_keeps_its_counts_when_a_zone_moves_later(t):
    from territory.services import record_change

    detect_conflicts()
    before = _counts(t)
    record_change(unit=t.zb, on=D(2021, 3, 1), parent=t.d2)
    assert _counts(t) == before


EACH = "请为冲突涉及的每个功能区填写份额，且只为它们填写。"
CHOOSE = "请从冲突涉及的功能区中选择持有项目的功能区。"


def _shares(za, zc):
    return lambda t: {"shares": {t.za.pk: Decimal(za), t.zc.pk: Decimal(zc)}}


@pytest.mark.parametrize(
    "decision, extra, message",
    [
        ("joint", lambda t: {"shares": {}}, EACH),
        ("joint", lambda t: {"shares": None}, EACH),
        ("joint", lambda t: {"shares": {t.za.pk: Decimal(1)}}, EACH),
        # a zone outside the conflict
        ("joint", lambda t: {"shares": {t.za.pk: Decimal("0.5"), t.zb.pk: Decimal("0.5")}}, EACH),
        ("joint", _shares("0.6", "0.5"), "各功能区份额合计为 110%，应为 100%。"),
        ("joint", _shares("1", "0"), "每个功能区的份额应大于 0% 且不超过 100%。"),
        ("joint", _shares("1.5", "-0.5"), "每个功能区的份额应大于 0% 且不超过 100%。"),
        ("joint", _shares("0.33333", "0.66667"), "份额最多保留到百分之零点零一。"),
        ("reassign", lambda t: {"holder_zone_id": None}, CHOOSE),
        ("reassign", lambda t: {"holder_zone_id": t.zb.pk}, CHOOSE),
        ("reassign", lambda t: {"holder_zone_id": 10**12}, CHOOSE),
        ("merge", lambda t: {}, "未知的决定 merge"),
        ("<script>", lambda t: {}, "未知的决定 <script>"),
        ("confirm", lambda t: {"note": "长" * 501}, "说明最多 500 个字符。"),
    ],
)
def test_a_decision_that_does_not_fit_is_refused_and_nothing_changes(
    t, users, decision, extra, message
):
    detect_conflicts()
    conflict = Conflict.objects.get(basis="same_enterprise")
    before = list(ConflictMember.objects.order_by("pk").values_list("project_id", "share"))
    with pytest.raises(ConflictRefused) as refused:
        decide_conflict(user=users["admin"], conflict=conflict, decision=decision, **extra(t))
    assert str(refused.value) == message
    conflict.refresh_from_db()
    assert conflict.status == "open" and conflict.decided_by is None
    assert list(ConflictMember.objects.order_by("pk").values_list("project_id", "share")) == before


def test_only_the_citys_administrators_decide(t, users):
    detect_conflicts()
    conflict = Conflict.objects.get(basis="same_enterprise")
    for name in ("viewer", "gaoxin", "xinjingji"):
        with pytest.raises(Forbidden):
            decide_conflict(user=users[name], conflict=conflict, decision="separate")
    conflict.refresh_from_db()
    assert conflict.status == "open"


def test_a_decided_conflict_opens_again_when_its_projects_change_and_clears_when_gone(t, users):
    detect_conflicts()
    conflict = Conflict.objects.get(basis="same_enterprise")
    decide_conflict(user=users["admin"], conflict=conflict, decision="separate")
    _project(t.zb, "蓉欧甲二", t.p_za.enterprise, lead_on=D(2020, 6, 1))
    assert detect_conflicts()["reopened"] == 1
    conflict.refresh_from_db()
    assert conflict.status == "open" and conflict.members.count() == 3
    assert conflict.note == "城市决定之后其项目有变，须重新决定。"
    assert conflict.holder_zone == t.za
    InvestmentProject.objects.filter(enterprise=t.p_za.enterprise).exclude(zone=t.za).delete()
    assert detect_conflicts()["cleared"] == 1
    conflict.refresh_from_db()
    assert conflict.status == "cleared" and not conflict.members.exists()
    assert _counts(t) == [2, 0, 2, 1, 1, 3]  # 甲一 keeps 蓉欧 and 独家; 天府芯材 is 乙一's


def test_the_city_sees_and_resolves_a_conflict_in_its_pages(t, login):
    detect_conflicts()
    conflict = Conflict.objects.get(basis="same_enterprise")
    client = login("admin")
    page = client.get(reverse("conflict_list")).content.decode()
    assert "2 起待市级决定" in page and "蓉欧甲一" in page and "蓉欧乙一" in page
    detail = client.get(reverse("conflict_detail", args=[conflict.pk])).content.decode()
    assert "首谈" in detail and "100.0%" in detail and "0.0%" in detail
    refused = client.post(
        reverse("conflict_detail", args=[conflict.pk]),
        {"decision": "joint", f"share_{t.za.pk}": "70", f"share_{t.zc.pk}": "20"},
    )
    assert refused.status_code == 400
    assert "各功能区份额合计为 90%，应为 100%。" in refused.content.decode()
    assert set(conflict.members.values_list("share", flat=True)) == {0, 1}
    done = client.post(
        reverse("conflict_detail", args=[conflict.pk]),
        {"decision": "joint", f"share_{t.za.pk}": "70", f"share_{t.zc.pk}": "30", "note": "共招"},
        follow=True,
    )
    assert "已记录决定" in done.content.decode()
    assert dict(conflict.members.values_list("project__zone__code", "share")) == {
        "t-za": Decimal("0.7"),
        "t-zc": Decimal("0.3"),
    }


def test_officers_see_their_zones_conflicts_and_never_decide(t, login, users):
    from accounts.models import Membership

    detect_conflicts()
    conflict = Conflict.objects.get(basis="same_enterprise")
    officer = users["xinjingji"]
    Membership.objects.create(user=officer, unit=t.zc, role="zone_officer")
    client = login("xinjingji")
    assert client.get(reverse("conflict_detail", args=[conflict.pk])).status_code == 200
    assert (
        "decide-form"
        not in client.get(reverse("conflict_detail", args=[conflict.pk])).content.decode()
    )
    assert (
        client.post(
            reverse("conflict_detail", args=[conflict.pk]), {"decision": "separate"}
        ).status_code
        == 403
    )
    assert client.post(reverse("conflict_search")).status_code == 403
    other = login("bailuwan")
    assert other.get(reverse("conflict_detail", args=[conflict.pk])).status_code == 404
    conflict.refresh_from_db()
    assert conflict.status == "open"
