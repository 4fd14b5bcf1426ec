"""Fixtures of the project-wide tests (the root conftest.py has the shared data and users)."""

from __future__ import annotations

import pytest

from accounts.services import issue_token

from .apiclient import Api


@pytest.fixture
def api(users):
    def _api(username: str, *, write: bool = True, language: str | None = None) -> Api:
        _token, key = issue_token(
            user=users[username],
            name=f"test-{username}-{write}-{language}",
            days=30,
            can_write=write,
        )
        return Api(key, language)

    return _api
