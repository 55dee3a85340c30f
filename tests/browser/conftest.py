"""One Chromium for every page of the browser tests, or a clear skip where there is none."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser import harness

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    lacking = harness.missing()
    if lacking:
        reason = "the browser tests need " + "; ".join(lacking)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (in CI they must run, not skip)", pytrace=False)
        pytest.skip(reason)
    with harness.chromium() as chromium:
        yield chromium
