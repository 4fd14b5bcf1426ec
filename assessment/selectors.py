"""Reads of the assessment that other pages share: what has been published to everyone."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Run, ZoneResult


def latest_published_run() -> Run | None:
    """The run of the latest year with published results (its latest publication)."""
    return Run.objects.filter(published_at__isnull=False).order_by("-year", "-published_at").first()


def published_results(run: Run | None) -> QuerySet[ZoneResult]:
    """The zones' results of a published run, by rank (none without a run)."""
    if run is None or run.published_at is None:
        return ZoneResult.objects.none()
    return run.results.select_related("unit", "unit__parent").order_by("rank", "unit__code")
