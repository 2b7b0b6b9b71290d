"""A class run from the browser: a teacher makes a class and copies its invite link, a student joins
by it and uploads, the teacher finds them on the roster and their upload on the submissions page;
an assistant sees both and gets no form that changes a challenge. A screenshot at every step."""

from __future__ import annotations

import pytest

import service.accounts.users as accounts
from service.extensions import db
from service.store.models import Role, Tenant
from tests.web.conftest import PROJECT, WEB_PASSWORD, screenshot
from tests.web.test_browser import sign_out, wait

PREDICTIONS = PROJECT / "test2-predictions.csv"
STUDENT_PASSWORD = "joined by the link"


@pytest.fixture(scope="module")
def tools(browser_available):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    return None, By, None, WebDriverWait


def sign_in_as(driver, tools, base, username, password=WEB_PASSWORD, class_slug=""):
    By = tools[1]
    driver.get(f"{base}/web/signin")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "class").send_keys(class_slug)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, tools, lambda d: "/web/signin" not in d.current_url)


def submit_form(driver, tools, form_id):
    tools[1]  # noqa: B018
    driver.find_element(tools[1].CSS_SELECTOR, f"#{form_id} button[type=submit]").click()


def test_a_teacher_runs_a_class_from_the_browser(fresh_browser, live_server, tools, seeded_app):
    driver, By = fresh_browser, tools[1]
    step = iter(range(1, 100))
    shot = lambda name: screenshot(driver, f"class-{next(step):02d}-{name}")  # noqa: E731

    sign_in_as(driver, tools, live_server, "web-a-teacher")
    driver.find_element(By.LINK_TEXT, "Classes").click()
    wait(driver, tools, lambda d: d.find_elements(By.ID, "new-class"))
    driver.find_element(By.ID, "class-slug").send_keys("web-gamma")
    driver.find_element(By.ID, "class-title").send_keys("Gamma, by the web")
    submit_form(driver, tools, "new-class")
    wait(driver, tools, lambda d: "Class web-gamma made" in d.find_element(By.CSS_SELECTOR, "p.notice").text)
    assert "web-gamma" in driver.find_element(By.CSS_SELECTOR, ".who").text
    shot("class-made")
    [gamma_row] = [row for row in driver.find_elements(By.CSS_SELECTOR, "tr") if "(web-gamma)" in row.text]
    join_url = gamma_row.find_element(By.CSS_SELECTOR, "code.join-url").text  # every class has its own
    assert "/web/join/" in join_url

    sign_out(driver, tools)
    driver.get(join_url)
    wait(driver, tools, lambda d: d.find_elements(By.ID, "join-form"))
    assert "Gamma, by the web" in driver.find_element(By.TAG_NAME, "h1").text
    driver.find_element(By.ID, "username").send_keys("gamma-kid")
    driver.find_element(By.ID, "password").send_keys(STUDENT_PASSWORD)
    shot("join-form")
    submit_form(driver, tools, "join-form")
    wait(driver, tools, lambda d: "/web/upload" in d.current_url)
    assert "Welcome to Gamma, by the web" in driver.find_element(By.CSS_SELECTOR, "p.notice").text
    driver.find_element(By.ID, "file").send_keys(str(PREDICTIONS))
    driver.find_element(By.ID, "upload-button").click()
    wait(
        driver,
        tools,
        lambda d: d.find_element(By.ID, "job-status").text in ("finished", "rejected", "failed"),
    )
    assert driver.find_element(By.ID, "job-status").text == "finished"
    shot("student-uploaded")

    sign_out(driver, tools)
    sign_in_as(driver, tools, live_server, "web-a-teacher")  # lands in the first class, web-a
    switcher = driver.find_element(By.ID, "switch-class")
    from selenium.webdriver.support.ui import Select

    Select(switcher).select_by_value("web-gamma")
    driver.find_element(By.CSS_SELECTOR, ".class-switcher button").click()
    wait(
        driver,
        tools,
        lambda d: "You are now working in web-gamma" in d.find_element(By.CSS_SELECTOR, "p.notice").text,
    )
    driver.find_element(By.LINK_TEXT, "Roster").click()
    row = wait(driver, tools, lambda d: d.find_element(By.CSS_SELECTOR, 'tr[data-username="gamma-kid"]'))
    assert "student" in row.text and row.find_element(By.CSS_SELECTOR, ".member-status").text == "active"
    shot("roster")
    row.find_element(By.CSS_SELECTOR, 'button[value="reset-password"]').click()
    new_password = wait(
        driver,
        tools,
        lambda d: d.find_element(By.CSS_SELECTOR, 'code.new-password[data-username="gamma-kid"]'),
    ).text
    assert len(new_password) >= 8 and "password was reset" in driver.find_element(By.ID, "roster-notice").text
    shot("password-reset")

    driver.find_element(By.LINK_TEXT, "Submissions").click()
    wait(driver, tools, lambda d: d.find_elements(By.ID, "submission-filters"))
    from selenium.webdriver.support.ui import Select as Pick

    Pick(driver.find_element(By.ID, "filter-student")).select_by_visible_text("gamma-kid")
    submit_form(driver, tools, "submission-filters")
    wait(driver, tools, lambda d: "student=" in d.current_url)
    rows = driver.find_elements(By.CSS_SELECTOR, "#class-submissions tbody tr")
    assert len(rows) == 1 and rows[0].find_element(By.CSS_SELECTOR, ".student").text == "gamma-kid"
    assert "finished" in rows[0].text and "test2-predictions.csv" in rows[0].text
    shot("submissions-filtered")

    sign_out(driver, tools)  # the student's old password no longer works; the new one does
    sign_in_as(driver, tools, live_server, "gamma-kid", new_password)
    assert "gamma-kid" in driver.find_element(By.CSS_SELECTOR, ".who").text

    with seeded_app.app_context():
        gamma = db.session.query(Tenant).filter_by(slug="web-gamma").one()
        accounts.create_user("gamma-assistant", WEB_PASSWORD, gamma, Role.ASSISTANT)
    sign_out(driver, tools)
    sign_in_as(driver, tools, live_server, "gamma-assistant")
    driver.find_element(By.LINK_TEXT, "Roster").click()
    wait(driver, tools, lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-username="gamma-kid"]'))
    assert not driver.find_elements(By.ID, "new-join-link")
    driver.find_element(By.LINK_TEXT, "Submissions").click()
    wait(driver, tools, lambda d: "gamma-kid" in d.find_element(By.ID, "class-submissions").text)
    driver.find_element(By.LINK_TEXT, "Class").click()
    wait(driver, tools, lambda d: d.find_elements(By.CSS_SELECTOR, "section[id^=challenge-]"))
    shot("assistant-class-page")
    assert not driver.find_elements(By.CSS_SELECTOR, "main form[method=post]")
    assert not driver.find_elements(By.ID, "new-challenge")
