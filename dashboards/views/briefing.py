"""The monthly briefing (工作简报) as .docx or .xlsx; the whole city's is made by a job."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from carriers.models import Carrier
from dashboards.briefing import CONTENT_TYPES, briefing_docx, briefing_xlsx
from dashboards.tasks import start_briefing
from plans.measures import zones_of
from territory.choices import UnitKind
from territory.models import Unit

from .common import as_of, chosen_plan, cockpit_unit, progress_data


def _briefing(request, code: str | None, kind: str):
    if kind not in ("docx", "xlsx"):
        raise Http404("The briefing is a .docx or an .xlsx.")
    plan = chosen_plan(request)
    unit = cockpit_unit(request, code)
    if not isinstance(unit, Unit):
        return unit
    day, _warning = as_of(request, plan)
    if unit.kind == UnitKind.CITY:
        # The whole city's briefing is long work: a job makes the file, its page offers it.
        job = start_briefing(user=request.user, plan=plan, unit=unit, day=day, kind=kind)
        return redirect("job", pk=job.pk)
    filename, content_type, content = briefing_file(plan, unit, day, kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def briefing_file(plan, unit, day, kind: str) -> tuple[str, str, bytes]:
    """The monthly briefing of `unit` on `day` as (file name, content type, content): approved
    figures only."""
    data = progress_data(plan, unit, day)
    demo = (
        Unit.objects.subtree_of(unit).filter(is_demo=True).exists()
        or Carrier.objects.filter(zone__in=zones_of(unit, day), is_demo=True).exists()
    )
    filename = f"工作简报-{unit.name}-{day:%Y年%m月}.{kind}"
    if kind == "docx":
        return (
            filename,
            CONTENT_TYPES[kind],
            briefing_docx(
                plan=plan,
                unit=unit,
                day=day,
                sections=data["sections"],
                attention=data["attention"],
                counts=data["counts"],
                demo=demo,
            ),
        )
    return (
        filename,
        CONTENT_TYPES[kind],
        briefing_xlsx(
            plan=plan,
            unit=unit,
            day=day,
            sections=data["sections"],
            attention=data["attention"],
            demo=demo,
        ),
    )


@login_required
def briefing(request, kind: str, code: str | None = None):
    """The monthly briefing (工作简报) for the cockpit's unit and day, as .docx or .xlsx."""
    return _briefing(request, code, kind)
