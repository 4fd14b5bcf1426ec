from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official
    whose browser is set to English would get English pages. Here the language is the one
    chosen with the switch (a cookie), else LANGUAGE_CODE (zh-hans). The API (/api/) follows
    Accept-Language instead, defaulting to Chinese as well: a program has no switch to click.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            language = self.accepted(request.headers.get("Accept-Language", ""))
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ["Accept-Language"])
        translation.deactivate()
        return response

    def accepted(self, header: str) -> str:
        """The API's language: the first of Accept-Language this site speaks, else Chinese."""
        for code, _quality in parse_accept_lang_header(header[:500]):
            try:
                return translation.get_supported_language_variant(code.lower())
            except LookupError:
                continue
        return settings.LANGUAGE_CODE


class ErrorPagesMiddleware:
    """A page that is not found is shown in the site's layout and the reader's language, with
    DEBUG on too: Django then answers with its own English page, which lists every address of
    the site. The API keeps its JSON errors; templates/404.html, 403.html and 500.html are what
    Django renders with DEBUG off (a 403 and a 400 use them with DEBUG on already)."""

    TECHNICAL = b"<code>DEBUG = True</code>"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(API_PREFIX)
            and not response.streaming
            and self.TECHNICAL in response.content
        ):
            from django.shortcuts import render

            return render(request, "404.html", status=404)
        return response
