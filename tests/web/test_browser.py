"""The real pages in headless Chromium: sign in, upload, watch the job, chart, ROC curve, leaderboard,
and a teacher's own challenge from the form to a student's download.

Screenshots go to test-artifacts/web/. Everything is done with the keyboard where a
person could: typing, Tab and Enter (a file is picked through the file input).
"""

from __future__ import annotations

import pytest

from scoring import load_answer_key, score_submission
from service.results.curves import WITHHELD
from tests.routes.scored import add_scored
from tests.web.conftest import PROJECT, WEB_PASSWORD, screenshot
from tests.web.test_challenge_pages import TRAIN, diabetes_key

PREDICTIONS = PROJECT / "test2-predictions.csv"


@pytest.fixture(scope="module")
def webdriver_tools(browser_available):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    return ActionChains, By, Keys, WebDriverWait


def keys(driver, tools, *sequence):
    ActionChains = tools[0]
    ActionChains(driver).send_keys(*sequence).perform()


def wait(driver, tools, condition, timeout: float = 20):
    from selenium.common.exceptions import WebDriverException

    # A page that is being replaced (a form's redirect) answers with stale or missing
    # elements, or Chromium's "node does not belong to the document": keep polling until
    # the timeout, which still fails the test if the condition never holds.
    ignored = (WebDriverException,)
    return tools[3](driver, timeout, poll_frequency=0.1, ignored_exceptions=ignored).until(condition)


def sign_in(driver, tools, base: str, username: str) -> None:
    """Open the site, get sent to the sign-in form, and sign in with the keyboard only."""
    _, By, Keys, _ = tools
    driver.get(f"{base}/web/upload")
    wait(driver, tools, lambda d: "/web/signin" in d.current_url)
    # autofocus lands once the page has loaded, a moment after the URL changes
    wait(driver, tools, lambda d: d.switch_to.active_element.get_attribute("id") == "username")
    keys(driver, tools, username, Keys.TAB, WEB_PASSWORD, Keys.ENTER)
    wait(driver, tools, lambda d: "/web/upload" in d.current_url and "signin" not in d.current_url)
    assert driver.find_element(By.CSS_SELECTOR, ".who").text.startswith(username)


def sign_out(driver, tools) -> None:
    _, By, _, _ = tools
    driver.find_element(By.CSS_SELECTOR, ".signout button").click()
    wait(driver, tools, lambda d: "/web/signin" in d.current_url)


def test_student_uploads_and_sees_the_score_and_the_chart_and_the_teacher_the_roc_curve(
    fresh_browser, live_server, webdriver_tools
):
    driver, tools = fresh_browser, webdriver_tools
    _, By, Keys, _ = tools
    sign_in(driver, tools, live_server, "web-a-ann")
    screenshot(driver, "1-upload")

    file_input = driver.find_element(By.ID, "file")
    file_input.send_keys(str(PREDICTIONS))
    driver.execute_script("arguments[0].focus()", file_input)  # where a keyboard user is after choosing
    keys(driver, tools, Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "upload-button"
    keys(driver, tools, Keys.ENTER)
    wait(driver, tools, lambda d: "/web/jobs/" in d.current_url)
    wait(
        driver,
        tools,
        lambda d: d.find_element(By.ID, "job-status").text in ("finished", "rejected", "failed"),
    )
    assert driver.find_element(By.ID, "job-status").text == "finished"

    exact = score_submission(PREDICTIONS.read_bytes(), load_answer_key(PROJECT / "test2.csv")).public_score
    expected = repr(round(exact, 5))  # a student sees the challenge's 5 decimals, no more
    assert driver.find_element(By.ID, "public-score").text == expected
    assert "hidden until your teacher reveals it" in driver.find_element(By.ID, "private-score").text
    # Before the reveal a curve would teach hidden labels: the page says so instead of drawing it.
    withheld = wait(driver, tools, lambda d: d.find_element(By.ID, "roc-withheld").text)
    assert withheld == WITHHELD and not driver.find_elements(By.CSS_SELECTOR, "#roc-chart polyline")
    job_url = driver.current_url
    screenshot(driver, "2-job-finished")

    driver.find_element(By.LINK_TEXT, "My submissions").click()
    wait(driver, tools, lambda d: "/web/submissions" in d.current_url)
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart circle.dot.public")) == 1
    assert expected in driver.find_element(By.CSS_SELECTOR, "table").text
    screenshot(driver, "3-my-submissions")

    driver.find_element(By.LINK_TEXT, "Leaderboard").click()
    wait(driver, tools, lambda d: "/web/leaderboard" in d.current_url)
    mine = driver.find_element(By.CSS_SELECTOR, "#public-board tr.you")
    assert "web-a-ann" in mine.text and expected in mine.text
    assert not driver.find_elements(By.ID, "private-board")
    screenshot(driver, "4-leaderboard")

    sign_out(driver, tools)
    sign_in(driver, tools, live_server, "web-a-teacher")
    driver.get(job_url)
    curve = wait(
        driver, tools, lambda d: d.find_elements(By.CSS_SELECTOR, '#roc-chart polyline[data-part="public"]')
    )
    assert 20 < len(curve[0].get_attribute("points").split()) <= 200
    assert driver.find_elements(By.CSS_SELECTOR, '#roc-chart polyline[data-part="private"]')
    assert f"AUC {exact!r}" in driver.find_element(By.CSS_SELECTOR, "#roc-chart svg title").get_attribute(
        "textContent"
    )
    screenshot(driver, "4b-teacher-sees-the-curve")


def test_a_bad_file_is_explained_without_leaving_the_page(
    fresh_browser, live_server, webdriver_tools, tmp_path
):
    driver, tools = fresh_browser, webdriver_tools
    _, By, _, _ = tools
    sign_in(driver, tools, live_server, "web-a-bob")
    spreadsheet = tmp_path / "scores.csv"
    spreadsheet.write_bytes(b"PK\x03\x04 not a csv \x00\x00")
    driver.find_element(By.ID, "file").send_keys(str(spreadsheet))
    driver.find_element(By.ID, "upload-button").click()
    error = wait(
        driver,
        tools,
        lambda d: (
            d.find_element(By.ID, "upload-error")
            if d.find_element(By.ID, "upload-error").is_displayed()
            else None
        ),
    )
    assert "binary data" in error.text
    screenshot(driver, "upload-refused")
    assert driver.switch_to.active_element.get_attribute("id") == "upload-error"  # read out at once
    assert "/web/upload" in driver.current_url


def test_private_leaderboard_appears_for_students_after_the_teacher_reveals_it(
    fresh_browser, live_server, webdriver_tools, seeded_app
):
    driver, tools = fresh_browser, webdriver_tools
    _, By, Keys, _ = tools
    add_scored(seeded_app, "web-b-ann", 0.80, 0.70, minute=1)
    add_scored(seeded_app, "web-b-bob", 0.78, 0.76, minute=2)

    sign_in(driver, tools, live_server, "web-b-ann")
    driver.get(f"{live_server}/web/leaderboard")
    assert not driver.find_elements(By.ID, "private-board")
    assert ">0.7<" not in driver.page_source  # the private score, hidden
    sign_out(driver, tools)

    sign_in(driver, tools, live_server, "web-b-teacher")
    driver.get(f"{live_server}/web/teacher")
    assert driver.find_element(By.ID, "export-csv").get_attribute("href").endswith("/admin/scores?format=csv")
    reveal = driver.find_element(By.CSS_SELECTOR, "button[id^='reveal-']")
    driver.execute_script("arguments[0].focus()", reveal)
    keys(driver, tools, Keys.ENTER)
    wait(driver, tools, lambda d: "revealed" in d.find_element(By.CSS_SELECTOR, "[id^='reveal-state-']").text)
    screenshot(driver, "5-teacher")
    sign_out(driver, tools)

    sign_in(driver, tools, live_server, "web-b-ann")
    driver.get(f"{live_server}/web/leaderboard")
    rows = driver.find_elements(By.CSS_SELECTOR, "#private-board tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text.split()[0] for row in rows] == [
        "web-b-bob",
        "web-b-ann",
    ]
    mine = driver.find_element(By.CSS_SELECTOR, "#private-board tr.you").text
    assert "0.7" in mine.split() and "-0.1" in mine.split() and "▼ 1" in mine
    assert "#2" in driver.find_element(By.ID, "my-standing").text
    screenshot(driver, "6-leaderboard-revealed")


def test_every_control_is_reached_with_tab_and_shows_its_focus(fresh_browser, live_server, webdriver_tools):
    driver, tools = fresh_browser, webdriver_tools
    _, By, Keys, _ = tools
    sign_in(driver, tools, live_server, "web-a-bob")
    driver.get(f"{live_server}/web/upload")  # focus starts at the top of the page
    reached = []
    for _ in range(11):  # every control of the page, the last one included
        keys(driver, tools, Keys.TAB)
        element = driver.switch_to.active_element
        assert element.tag_name != "body", f"focus left the page after {reached}"
        outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", element)
        reached.append((element.get_attribute("id") or element.text.strip(), outline))
    names = [name for name, _ in reached]
    for expected in (
        "Skip to content",
        "Challenges",
        "Upload",
        "My submissions",
        "Leaderboard",
        "Sign out",
        "challenge-link",
        "file",
        "upload-button",
    ):
        assert expected in names, names
    assert all(outline == "solid" for _, outline in reached), reached


def test_a_teacher_makes_a_challenge_and_a_student_downloads_its_training_file(
    fresh_browser, live_server, webdriver_tools, seeded_app, tmp_path
):
    from selenium.webdriver.support.ui import Select

    import service.accounts.users as accounts
    from service.store.models import Role

    driver, tools = fresh_browser, webdriver_tools
    _, By, _, _ = tools
    with seeded_app.app_context():  # a class of its own: the other tests' classes keep one challenge
        tenant = accounts.create_tenant("web-c")
        accounts.create_user("web-c-teacher", WEB_PASSWORD, tenant, Role.TEACHER)
        accounts.create_user("web-c-ann", WEB_PASSWORD, tenant, Role.STUDENT)
    key, train = tmp_path / "diabetes-key.csv", tmp_path / "train.csv"
    key.write_bytes(diabetes_key())
    train.write_bytes(TRAIN)

    sign_in(driver, tools, live_server, "web-c-teacher")
    driver.get(f"{live_server}/web/teacher")
    driver.find_element(By.ID, "new-slug").send_keys("diabetes")
    driver.find_element(By.ID, "new-title").send_keys("Diabetes progression")
    driver.find_element(By.ID, "new-description").send_keys("Predict the **progression**.\n\nRMSE decides.")
    Select(driver.find_element(By.ID, "new-metric")).select_by_value("rmse")
    driver.find_element(By.ID, "new-answer-key").send_keys(str(key))
    driver.find_element(By.ID, "new-files").send_keys(str(train))
    driver.find_element(By.ID, "create-challenge").click()
    wait(driver, tools, lambda d: "#challenge-" in d.current_url)
    challenge_id = driver.current_url.rsplit("-", 1)[1]
    card = driver.find_element(By.ID, f"challenge-{challenge_id}").text
    assert "Diabetes progression" in card and "RMSE, lower is better" in card and "train.csv" in card
    screenshot(driver, "7-challenge-created")
    sign_out(driver, tools)

    sign_in(driver, tools, live_server, "web-c-ann")
    driver.find_element(By.LINK_TEXT, "Challenges").click()
    wait(driver, tools, lambda d: d.current_url.endswith("/web/challenges"))
    driver.find_element(By.LINK_TEXT, "Diabetes progression").click()
    wait(driver, tools, lambda d: d.current_url.endswith(f"/web/challenges/{challenge_id}"))
    assert driver.find_element(By.CSS_SELECTOR, "#description strong").text == "progression"
    assert driver.find_element(By.ID, "metric").text == "RMSE: lower is better"
    assert driver.find_element(By.ID, "submission-header").text == "Id,progression"
    screenshot(driver, "8-challenge-page")

    link = driver.find_element(By.LINK_TEXT, "train.csv").get_attribute("href")
    assert link == f"{live_server}/challenges/{challenge_id}/files/train.csv"
    fetched = driver.execute_async_script(  # the download as the browser makes it: its own cookie
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'})"
        ".then(r => r.text().then(t => done([r.status, r.headers.get('Content-Disposition'), t])))"
        ".catch(e => done([0, null, String(e)]));",
        link,
    )
    assert fetched == [200, 'attachment; filename="train.csv"', TRAIN.decode()]

    driver.find_element(By.ID, "leaderboard-link").click()
    wait(driver, tools, lambda d: "/web/leaderboard?challenge=diabetes" in d.current_url)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Leaderboard · Diabetes progression"
    assert "is scored by RMSE: lower is better" in driver.find_element(By.ID, "challenge-about").text
    assert driver.find_element(By.ID, "challenge-pick")  # the class has the practice challenge too
    screenshot(driver, "9-challenge-leaderboard")
