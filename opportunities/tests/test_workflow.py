"""An opportunity's review from draft to publication and withdrawal: who may do each step,
what the public sees at each point, and that a change after publishing is a new version
reviewed again while the published one stays public."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.refusals import Forbidden, Refusal
from opportunities.models import Opportunity, Step, Version
from opportunities.services import review, save_draft, submit, withdraw

from .conftest import content


def _published(client, opportunity) -> str | None:
    """The title the logged-out public reads on the opportunity's page, or None (404)."""
    client.logout()
    response = client.get(f"/open/opportunities/{opportunity.pk}/")
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return response.context["v"].title


def test_a_zones_opportunity_goes_through_district_and_city_and_a_revision_is_reviewed_again(
    zones, users, client
):
    draft = save_draft(user=users["xinjingji"], unit=zones["mine"], values=content())
    opportunity = draft.opportunity
    assert (draft.number, draft.status) == (1, "draft")
    assert _published(client, opportunity) is None
    submit(user=users["xinjingji"], version=draft)
    draft.refresh_from_db()
    assert (draft.status, draft.awaiting) == ("in_review", "district")
    with pytest.raises(Forbidden):  # another district's officer
        review(user=users["jinjiang"], version=draft, approve=True)
    with pytest.raises(Forbidden):  # the zone's own officer
        review(user=users["xinjingji"], version=draft, approve=True)
    review(user=users["gaoxin"], version=draft, approve=True)
    draft.refresh_from_db()
    assert (draft.status, draft.awaiting) == ("in_review", "city")
    assert _published(client, opportunity) is None
    review(user=users["admin"], version=draft, approve=True, note="同意发布")
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    assert _published(client, opportunity) == "人工智能应用场景征集"

    revision = save_draft(
        user=users["xinjingji"],
        opportunity=opportunity,
        values=content(title="人工智能场景（第二批）"),
    )
    assert (revision.number, revision.status) == (2, "draft")
    assert _published(client, opportunity) == "人工智能应用场景征集"  # the public keeps v1
    submit(user=users["xinjingji"], version=revision)
    with pytest.raises(Refusal, match="正在审核"):  # no change while in review
        save_draft(user=users["xinjingji"], opportunity=opportunity, values=content(title="再改"))
    review(user=users["gaoxin"], version=revision, approve=True)
    assert _published(client, opportunity) == "人工智能应用场景征集"
    review(user=users["admin"], version=revision, approve=True)
    assert _published(client, opportunity) == "人工智能场景（第二批）"
    assert list(opportunity.versions.values_list("number", "status")) == [
        (2, "published"),
        (1, "superseded"),
    ]
    assert list(Step.objects.filter(version=revision).values_list("action", "level")) == [
        ("revise", ""),
        ("submit", ""),
        ("approve", "district"),
        ("approve", "city"),
        ("publish", ""),
    ]

    with pytest.raises(Forbidden):
        withdraw(user=users["jinjiang"], opportunity=opportunity)
    withdraw(user=users["xinjingji"], opportunity=opportunity, note="需求已满足")
    assert _published(client, opportunity) is None
    assert Version.objects.get(pk=revision.pk).status == "withdrawn"


def test_a_return_needs_a_reason_and_the_returned_version_is_edited_in_place(zones, users):
    draft = save_draft(user=users["xinjingji"], unit=zones["mine"], values=content())
    submit(user=users["xinjingji"], version=draft)
    with pytest.raises(Refusal, match="需说明理由"):
        review(user=users["gaoxin"], version=draft, approve=False, note="  ")
    draft.refresh_from_db()
    assert draft.status == "in_review"
    review(user=users["gaoxin"], version=draft, approve=False, note="请补充场地面积")
    draft.refresh_from_db()
    assert (draft.status, draft.awaiting) == ("returned", "")
    again = save_draft(
        user=users["xinjingji"], opportunity=draft.opportunity, values=content(area_m2=2000)
    )
    assert again.pk == draft.pk and again.area_m2 == 2000
    with pytest.raises(Refusal, match="不在审核中"):  # a stale page's second decision
        review(user=users["gaoxin"], version=draft, approve=True)


def test_a_districts_own_opportunity_goes_to_the_city_only(db, users):
    district = users["gaoxin"].memberships.get().unit  # 高新区
    draft = save_draft(user=users["gaoxin"], unit=district, values=content())
    submit(user=users["gaoxin"], version=draft)
    draft.refresh_from_db()
    assert draft.awaiting == "city"
    with pytest.raises(Forbidden):
        review(user=users["gaoxin"], version=draft, approve=True)
    review(user=users["admin"], version=draft, approve=True)
    draft.refresh_from_db()
    assert draft.status == "published"


def test_those_who_may_not_issue_are_refused_and_nothing_is_written(zones, users):
    with pytest.raises(Forbidden):
        save_draft(user=users["viewer"], unit=zones["mine"], values=content())
    with pytest.raises(Forbidden):
        save_draft(user=users["bailuwan"], unit=zones["mine"], values=content())
    with pytest.raises(ValidationError):
        save_draft(user=users["xinjingji"], unit=zones["mine"], values=content(title=""))
    assert not Opportunity.objects.exists() and not Version.objects.exists()
