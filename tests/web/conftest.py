"""The real app under `flask run` and a headless Chromium driven by Selenium, for the browser tests.

They skip when Chromium, its driver or Selenium are missing, except in CI (CI set), where
they fail instead: CI must run them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import service_environment

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
)  # fmt: skip
WEB_PASSWORD = "a browser test password"
# Screenshots and the server's log: outside the project folder, which no test writes in.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or tempfile.gettempdir()) / "grader-test-artifacts" / "web"


def _missing_browser_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -r requirements-dev.txt)"
    if not shutil.which("chromium"):
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    if not shutil.which("chromedriver"):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


@pytest.fixture(scope="session")
def browser_available():
    reason = _missing_browser_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(f"browser tests need headless Chromium: {reason}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def seeded_app(browser_available, tmp_path_factory):
    """An app on the live server's store, for the tests to add users and scores directly."""
    import service.accounts.users as accounts
    from service import create_app
    from service.store.models import Role

    instance = tmp_path_factory.mktemp("web-instance")
    app = create_app({"instance_path": instance, "answer_key_path": PROJECT / "test2.csv"}, environment={})
    with app.app_context():
        for slug in ("web-a", "web-b"):
            tenant = accounts.create_tenant(slug)
            accounts.create_user(f"{slug}-teacher", WEB_PASSWORD, tenant, Role.TEACHER)
            for name in ("ann", "bob"):
                accounts.create_user(f"{slug}-{name}", WEB_PASSWORD, tenant, Role.STUDENT)
    return app


@pytest.fixture(scope="session")
def live_server(seeded_app):
    """`flask run` on a free port, on the seeded store, grading in-process (no Redis)."""
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = service_environment(instance_path=seeded_app.instance_path, answer_key_path=PROJECT / "test2.csv")
    env["FLASK_APP"] = "api.py"
    log = (ARTIFACTS / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"flask run exited with {server.returncode}; see {ARTIFACTS / 'server.log'}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"flask run did not answer within {timeout} s")


@pytest.fixture(scope="session")
def browser(browser_available):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


@pytest.fixture
def fresh_browser(browser):
    """The shared browser with no session left from an earlier test."""
    browser.delete_all_cookies()
    return browser


def screenshot(driver, name: str) -> Path:
    """Save the whole page as ARTIFACTS/NAME.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(height + 40, 4000)))
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    return path
