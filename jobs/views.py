"""The pages of background jobs: one job's progress (polled by htmx while it runs), and the
list of the user's jobs (every job, for a city administrator)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from . import selectors, services


def _safe(url: str, request) -> str:
    return url if url and url_has_allowed_host_and_scheme(url, {request.get_host()}) else ""


@login_required
def job_page(request, pk):
    job = selectors.job_for(request.user, pk)
    if job.is_open:
        services.take_back_lost(job=job)  # a lost worker shows here even when none is running
        job.refresh_from_db()
    result_url = _safe(job.result_url, request)
    if request.headers.get("HX-Request") and not job.is_open:
        response = HttpResponse()
        if job.status == "done" and result_url and not job.file_name:
            response["HX-Redirect"] = result_url
        else:
            response["HX-Refresh"] = "true"
        return response
    context = {
        "nav": "jobs",
        "job": job,
        "result_url": result_url,
        "unclaimed": selectors.waits_for_a_worker(job),
        "lease": services.lease().seconds,
    }
    if request.headers.get("HX-Request"):
        return render(request, "jobs/_progress.html", context)
    return render(request, "jobs/job.html", context)


@login_required
def job_file(request, pk):
    """The file a finished job made, to whoever may follow the job."""
    job = selectors.job_for(request.user, pk)
    if job.status != "done" or not job.file_name:
        raise Http404
    response = HttpResponse(bytes(job.file_content), content_type=job.file_type)
    response["Content-Disposition"] = content_disposition_header(True, job.file_name)
    return response


@login_required
def job_list(request):
    return render(
        request,
        "jobs/job_list.html",
        {"nav": "jobs", "jobs": selectors.recent_jobs(request.user)},
    )
