"""Playwright driving Debian's Chromium (never a downloaded browser) against Django's live
server."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """Django's threaded live server, answering one request at a time.

    On SQLite the live server's threads share the test's in-memory connection; two pages
    fetched at once (a chart and its data) then run on one connection, and a savepoint opened
    while the other request still reads fails ("cannot open savepoint - SQL statements in
    progress"). Browsers keep several connections open, so the server stays threaded; only
    the application call, body included, is serialised."""

    def set_app(self, application: Any) -> None:
        lock = threading.Lock()

        def serialised(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()

        super().set_app(serialised)


LiveServerThread.server_class = OneRequestAtATimeServer


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run ./dev test, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    yield page
    context.close()
    # A Content-Security-Policy violation or a script error shows up here.
    assert not console_errors, console_errors


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in with the password, then the second factor: a code from the user's
    authenticator (set one up first, through the enrolment page, if they have none)."""
    from tests.accounts.totp import code_for_secret, fresh_code

    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/authenticator/" in page.url:
        secret = (page.locator("#authenticator-secret").text_content() or "").strip()
        page.get_by_label("Code from your authenticator app").fill(code_for_secret(secret))
        page.get_by_role("button", name="Confirm and continue").click()
    elif "/sign-in/code/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code from your authenticator app").fill(fresh_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")
