"""A program holding an API token, for the API's tests: JSON in, JSON out, through the whole
Django stack (django.test.Client), and the one error shape read back."""

from __future__ import annotations

import json

from django.test import Client


class Api:
    """A program holding a token: JSON in, JSON out, through the whole Django stack."""

    def __init__(self, key: str | None, language: str | None = None):
        self.client = Client()
        self.headers = {}
        if key:
            self.headers["Authorization"] = f"Token {key}"
        if language:
            self.headers["Accept-Language"] = language

    def call(self, method: str, url: str, body=None, *, raw=None, content_type=None, **headers):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"headers": {**self.headers, **headers}}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = content_type or "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url, **headers):
        return self.call("get", url, **headers)

    def post(self, url, body=None, **kwargs):
        return self.call("post", url, body, **kwargs)

    def patch(self, url, body=None, **kwargs):
        return self.call("patch", url, body, **kwargs)

    def delete(self, url, **kwargs):
        return self.call("delete", url, **kwargs)


def error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]
