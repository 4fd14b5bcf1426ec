"""One scoping function decides what each user sees: a membership reaches its unit's subtree;
an outsider sees nothing."""

from django.contrib.auth.models import AnonymousUser

from accounts.choices import Action
from accounts.scoping import restrict, visible_units
from plans.models import Target
from territory.models import Unit


def _codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_a_city_viewer_sees_every_unit_of_the_city_but_changes_nothing(users):
    viewer = users["viewer"]
    city = Unit.objects.get(code="510100")
    assert _codes(visible_units(viewer)) == _codes(Unit.objects.subtree_of(city))
    assert not visible_units(viewer, Action.CHANGE).exists()


def test_a_district_officer_reaches_the_district_and_its_zones_only(users):
    gaoxin = users["gaoxin"]
    seen = _codes(visible_units(gaoxin))
    assert {"hi-tech-zone", "z-new-economy", "z-electronics", "z-biotown", "z-jiaozi-park"} <= seen
    assert "510104" not in seen and "z-bailuwan" not in seen and "510100" not in seen


def test_a_zone_spanning_two_districts_is_seen_from_both(users):
    # 交子公园金融商务区 belongs to 高新区 and also spans 锦江区.
    assert "z-jiaozi-park" in _codes(visible_units(users["jinjiang"]))
    # ...but only its primary district's officer may change it.
    assert "z-jiaozi-park" not in _codes(visible_units(users["jinjiang"], Action.CHANGE))
    assert "z-jiaozi-park" in _codes(visible_units(users["gaoxin"], Action.CHANGE))


def test_a_zone_officer_sees_the_zone_alone(users):
    assert _codes(visible_units(users["xinjingji"])) == {"z-new-economy"}
    assert _codes(visible_units(users["bailuwan"])) == {"z-bailuwan"}


def test_an_anonymous_visitor_and_an_inactive_user_see_nothing(users):
    assert not visible_units(AnonymousUser()).exists()
    officer = users["gaoxin"]
    officer.is_active = False
    assert not visible_units(officer).exists()


def test_restrict_follows_a_relation_to_the_unit(users):
    targets = restrict(Target.objects.all(), users["gaoxin"], via="unit")
    # 高新区's own sci-tech share, and the scenario target of 成都新经济活力区 inside it.
    assert _codes(targets) == {"scitech-hitech", "scenario-new-economy"}
    assert (
        not restrict(Target.objects.all(), users["bailuwan"], via="unit")
        .exclude(unit__code="z-bailuwan")
        .exists()
    )
    assert restrict(Target.objects.all(), users["admin"]).count() == Target.objects.count()
