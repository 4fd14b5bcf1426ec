"""Public pages served from the cache: what anyone logged out reads (the portal's lists, its
feed and JSON) is rendered once per version of the data and then served to every reader.

A page is kept under the data version of `plans.cache` (moved on by every write of a watched
model, so a publication or a withdrawal shows at once in every process), the language, the
day (an opportunity closes when its deadline passes) and its whole address with the query.
Only a logged-out GET answered 200 is kept; a logged-in user, a form's POST and a reader
with a message waiting are always served fresh. The CSRF token of the page's forms (the
language switch) is not kept: each reader gets their own in its place.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import OrderedDict

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .cache import cached_under, key_for

#: Pages this process served lately, by full key (which holds the data version, so a page
#: under it is never stale): a hit costs no fetch from a shared cache.
LOCAL_PAGES = 256
_local: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_PLACE = b'name="csrfmiddlewaretoken" value="@@csrf@@"'


def forget_local() -> None:
    """Empty this process's pages (tests, whose rolled-back data reuses version numbers)."""
    _local.clear()


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def public_page(view):
    """Serve `view` to logged-out readers from the cache (the module's docstring)."""

    @functools.wraps(view)
    def serve(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        address = f"{get_language()}|{timezone.localdate()}|{request.build_absolute_uri()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        fresh = []

        def render():
            response = view(request, *args, **kwargs)
            fresh.append(response)
            if response.status_code != 200 or response.streaming:
                return None  # an error, a redirect: served as it is, never kept
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return (_TOKEN.sub(_PLACE, response.content), response["Content-Type"])

        full_key = key_for(f"page:{digest}")
        kept = _local.get(full_key)
        if kept is None:
            kept = cached_under(full_key, render, local=False)
            if kept is not None:
                _local[full_key] = kept
                while len(_local) > LOCAL_PAGES:
                    _local.popitem(last=False)
            if fresh:
                return fresh[-1]  # this reader's page was rendered for them
            if kept is None:
                return view(request, *args, **kwargs)
        content, content_type = kept
        if _PLACE in content:
            token = get_token(request).encode()
            content = content.replace(_PLACE, b'name="csrfmiddlewaretoken" value="' + token + b'"')
        return HttpResponse(content, content_type=content_type)

    return serve
