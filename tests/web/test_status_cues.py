"""Status cues a person can trust, each seen in headless Chromium: late marks, the same file again,
where a student lands, notices after every save, six significant digits for staff, Markdown
tables, uploads left today, the gradebook without the practice challenge, and no student links
on teachers' pages. Each test works in a class of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest

import service.accounts.users as accounts
from service.challenges.authoring import ChallengeDraft, Upload, create_challenge
from service.extensions import db
from service.store.models import Challenge, Role, Tenant, utcnow
from tests.routes.scored import add_scored
from tests.web.conftest import PROJECT, WEB_PASSWORD, screenshot
from tests.web.test_browser import wait
from tests.web.test_challenge_pages import diabetes_key

PREDICTIONS = PROJECT / "test2-predictions.csv"
TABLE = "| metric | better |\n|---|---|\n| RMSE | lower |\n\n<b>raw</b>"


@pytest.fixture(scope="module")
def tools(browser_available):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    return None, By, None, WebDriverWait


def make_class(app, slug: str, teacher_challenge: bool = False, **challenge) -> None:
    """Class `slug` with `slug-teacher`, `slug-ann` and `slug-bob`; a teacher's challenge if asked."""
    with app.app_context():
        tenant = accounts.create_tenant(slug)
        accounts.create_user(f"{slug}-teacher", WEB_PASSWORD, tenant, Role.TEACHER)
        for name in ("ann", "bob"):
            accounts.create_user(f"{slug}-{name}", WEB_PASSWORD, tenant, Role.STUDENT)
        if teacher_challenge:
            draft = ChallengeDraft(slug="diabetes", title="Diabetes", metric="rmse",
                                   answer_key=Upload("key.csv", diabetes_key()), **challenge)  # fmt: skip
            create_challenge(tenant, draft, 10_000_000)


def practice_of(app, slug: str) -> Challenge:
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
    return db.session.scalar(
        db.select(Challenge).where(Challenge.tenant_id == tenant.id, Challenge.slug == "gmsc")
    )


def sign_in_as(driver, tools, base, username):
    By = tools[1]
    driver.delete_all_cookies()
    driver.get(f"{base}/web/signin")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(WEB_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, tools, lambda d: "/web/signin" not in d.current_url)


def upload_and_wait(driver, tools, base) -> str:
    By = tools[1]
    driver.get(f"{base}/web/upload")
    driver.find_element(By.ID, "file").send_keys(str(PREDICTIONS))
    driver.find_element(By.ID, "upload-button").click()
    wait(driver, tools, lambda d: "/web/jobs/" in d.current_url)
    wait(
        driver,
        tools,
        lambda d: d.find_element(By.ID, "job-status").text in ("finished", "rejected", "failed"),
    )
    return driver.current_url


def test_a_late_upload_is_marked_on_its_page_in_my_submissions_and_in_the_chart(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-late")
    with seeded_app.app_context():
        practice_of(seeded_app, "cue-late").deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
    sign_in_as(driver, tools, live_server, "cue-late-ann")
    upload_and_wait(driver, tools, live_server)
    assert "Late" in driver.find_element(By.ID, "late-mark").text
    screenshot(driver, "cue-late-job")
    driver.find_element(By.LINK_TEXT, "My submissions").click()
    wait(driver, tools, lambda d: "/web/submissions" in d.current_url)
    assert driver.find_element(By.CSS_SELECTOR, "table .late-mark").text == "late"
    late_point = driver.find_element(By.CSS_SELECTOR, "svg.chart circle.dot.late")
    assert "late" in late_point.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    screenshot(driver, "cue-late-submissions")


def test_the_same_file_again_lands_on_the_earlier_result_and_says_so(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-again")
    sign_in_as(driver, tools, live_server, "cue-again-ann")
    first = upload_and_wait(driver, tools, live_server)
    assert not driver.find_elements(By.ID, "resent-note")
    again = upload_and_wait(driver, tools, live_server)
    assert again.split("?")[0] == first
    assert "sent this exact file before" in driver.find_element(By.ID, "resent-note").text
    screenshot(driver, "cue-same-file")


def test_a_student_lands_on_the_newest_open_challenge_and_the_class_page_lists_it_first(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-land", teacher_challenge=True)
    sign_in_as(driver, tools, live_server, "cue-land-ann")
    assert "/web/upload?challenge=diabetes" in driver.current_url
    assert driver.find_element(By.ID, "challenge-link").text == "Diabetes"
    screenshot(driver, "cue-landing")
    sign_in_as(driver, tools, live_server, "cue-land-teacher")
    titles = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "section[id^=challenge-] h2")]
    assert titles[0].startswith("Diabetes") and titles[-1].startswith("Give Me Some Credit")


def test_every_save_shows_a_notice_of_what_changed(fresh_browser, live_server, tools, seeded_app):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-save")
    with seeded_app.app_context():
        challenge_id = practice_of(seeded_app, "cue-save").id
    sign_in_as(driver, tools, live_server, "cue-save-teacher")

    def notice(expected: str) -> str:
        return wait(driver, tools, lambda d: expected in d.find_element(By.CSS_SELECTOR, "p.notice").text)

    driver.find_element(By.ID, f"reveal-{challenge_id}").click()
    assert notice("private scores revealed")
    deadline = driver.find_element(By.ID, f"deadline-{challenge_id}")
    driver.execute_script("arguments[0].value = '2030-06-30T23:59'", deadline)
    driver.find_element(By.CSS_SELECTOR, f'#challenge-{challenge_id} button[value="deadline"]').click()
    assert notice("deadline set to 2030-06-30 23:59 UTC")
    driver.execute_script(
        "arguments[0].open = true",
        driver.find_elements(By.CSS_SELECTOR, f"#challenge-{challenge_id} details")[1],
    )
    driver.find_element(By.ID, f"feedback-{challenge_id}").click()
    assert notice("students now see 5 decimals")
    screenshot(driver, "cue-notice-feedback")
    driver.find_element(By.LINK_TEXT, "Roster").click()
    row = wait(driver, tools, lambda d: d.find_element(By.CSS_SELECTOR, 'tr[data-username="cue-save-bob"]'))
    row.find_element(By.CSS_SELECTOR, 'button[value="disable"]').click()
    assert notice("cue-save-bob disabled")
    driver.find_element(By.CSS_SELECTOR, ".signout button").click()
    wait(driver, tools, lambda d: "/web/signin" in d.current_url)
    assert notice("You are signed out")


def test_staff_pages_write_scores_in_six_significant_digits_with_the_exact_value_on_hover(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-digits")
    exact = -0.017857142857142905
    job_id = add_scored(seeded_app, "cue-digits-ann", exact, 0.5)
    sign_in_as(driver, tools, live_server, "cue-digits-teacher")
    driver.get(f"{live_server}/web/leaderboard")
    cell = driver.find_element(By.CSS_SELECTOR, "#public-board span.exact")
    assert cell.text == "-0.0178571" and cell.get_attribute("title") == repr(exact)
    assert repr(exact) not in driver.find_element(By.TAG_NAME, "main").text
    driver.get(f"{live_server}/web/jobs/{job_id}")
    wait(driver, tools, lambda d: d.find_element(By.ID, "job-status").text == "finished")
    assert driver.find_element(By.ID, "public-score").text == "-0.0178571"
    screenshot(driver, "cue-six-digits")


def test_a_score_that_arrives_while_staff_watch_the_job_page_is_written_in_six_digits_too(
    fresh_browser, live_server, tools, seeded_app
):
    from service.grading import lifecycle

    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-watch")
    job_id = add_scored(seeded_app, "cue-watch-ann", None, None, status="queued")
    sign_in_as(driver, tools, live_server, "cue-watch-teacher")
    driver.get(f"{live_server}/web/jobs/{job_id}")
    assert driver.find_element(By.ID, "job-status").text == "queued"
    with seeded_app.app_context():
        lifecycle.finish(job_id, -0.017857142857142905, 0.5)  # as a worker would, while the page polls
    wait(driver, tools, lambda d: d.find_element(By.ID, "job-status").text == "finished")
    assert driver.find_element(By.ID, "public-score").text == "-0.0178571"


def test_markdown_tables_render_and_raw_html_stays_text(fresh_browser, live_server, tools, seeded_app):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-table", teacher_challenge=True, description=TABLE)
    sign_in_as(driver, tools, live_server, "cue-table-ann")
    driver.get(f"{live_server}/web/challenges/diabetes")  # by its slug
    cells = driver.find_elements(By.CSS_SELECTOR, "main table td")
    assert [c.text for c in cells] == ["RMSE", "lower"]
    assert (
        not driver.find_elements(By.CSS_SELECTOR, "main b")
        and "<b>raw</b>" in driver.find_element(By.TAG_NAME, "main").text
    )
    screenshot(driver, "cue-markdown-table")


def test_the_upload_page_shows_the_uploads_left_today_and_when_they_come_back(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-quota")
    with seeded_app.app_context():
        practice_of(seeded_app, "cue-quota").daily_quota = 3
        db.session.commit()
    sign_in_as(driver, tools, live_server, "cue-quota-ann")
    upload_and_wait(driver, tools, live_server)
    driver.get(f"{live_server}/web/upload")
    line = driver.find_element(By.ID, "uploads-left").text
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%d 00:00:00 UTC")
    assert line == f"Uploads left today: 2 of 3; used ones come back at {tomorrow}."
    screenshot(driver, "cue-uploads-left")


def test_the_gradebook_leaves_out_the_practice_challenge_and_counts_scored_submissions(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-grades", teacher_challenge=True)
    sign_in_as(driver, tools, live_server, "cue-grades-teacher")
    href = driver.find_element(By.ID, "export-gradebook").get_attribute("href")
    fetch = "return fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text())"
    rows = driver.execute_script(fetch, href).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("student,email,challenge,submissions")
    assert {row.split(",")[2] for row in rows[1:]} == {"diabetes"}  # no practice rows
    with_practice = driver.execute_script(fetch, href + "&practice=true").splitlines()
    assert "gmsc" in {row.split(",")[2] for row in with_practice[1:]}


def test_teacher_pages_show_no_student_links_and_a_student_reads_their_score_in_the_leaderboard_line(
    fresh_browser, live_server, tools, seeded_app
):
    driver, By = fresh_browser, tools[1]
    make_class(seeded_app, "cue-links")
    add_scored(seeded_app, "cue-links-ann", 0.81, 0.7)
    add_scored(seeded_app, "cue-links-bob", 0.9, 0.7, minute=1)
    sign_in_as(driver, tools, live_server, "cue-links-teacher")
    nav = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]
    assert "Upload" not in nav and "My submissions" not in nav and "Roster" in nav
    sign_in_as(driver, tools, live_server, "cue-links-ann")
    driver.get(f"{live_server}/web/leaderboard")
    assert driver.find_element(By.ID, "my-standing").text.startswith("You are #2 of 2: 0.81")
    screenshot(driver, "cue-leaderboard-line")
