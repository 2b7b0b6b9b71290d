"""Quotas and limits hold exactly across two API processes sharing Redis and the store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

import service.accounts.users as accounts
from service.extensions import db
from service.store.models import Role
from tests.conftest import PASSWORD
from tests.workers.conftest import wait_for


def test_twenty_concurrent_uploads_with_two_left_accept_exactly_two(
    deployment_on_each_store, good_submission
):
    deployed = deployment_on_each_store
    with deployed.app.app_context():
        tenant = accounts.create_tenant("class-a")
        tenant.daily_quota = 2
        db.session.commit()
        accounts.create_user("ann", PASSWORD, tenant, Role.STUDENT)
    apis = [deployed.start_api(), deployed.start_api()]
    token = requests.post(
        f"{apis[0]}/login", json={"username": "ann", "password": PASSWORD}, timeout=10
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}

    def upload(n: int) -> requests.Response:
        data = good_submission + b"\n" * n  # 20 different files
        return requests.post(
            f"{apis[n % 2]}/jobs", headers=headers, files={"file": ("p.csv", data)}, timeout=60
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(upload, range(20)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [202] * 2 + [429] * 18
    for refused in (a for a in answers if a.status_code == 429):
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.headers["X-Quota-Remaining"] == "0"
    for api in apis:  # both processes read the same count from the store
        status = requests.get(f"{api}/quota", headers=headers, timeout=10).json()
        assert (status["used"], status["remaining"]) == (2, 0)


def test_per_student_rate_limit_is_shared_by_api_processes(deployment, good_submission):
    deployment.settings["jobs_rate_limit"] = "3 per minute"
    with deployment.app.app_context():
        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    apis = [deployment.start_api(), deployment.start_api()]
    token = requests.post(
        f"{apis[0]}/login", json={"username": "ann", "password": PASSWORD}, timeout=10
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answers = [
        requests.post(
            f"{apis[n % 2]}/jobs",
            headers=headers,
            files={"file": ("p.csv", b"Id,Probability\n" + b"\n" * n)},
            timeout=30,
        )  # a distinct file each time: the same one again answers its earlier job
        for n in range(5)
    ]
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]


def test_a_student_has_at_most_the_in_flight_limit_queued_across_api_processes(deployment, good_submission):
    """With no worker running, twenty parallel uploads leave two queued; the rest wait their turn."""
    deployment.settings["max_submissions_in_flight"] = 2
    with deployment.app.app_context():
        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    apis = [deployment.start_api(), deployment.start_api()]
    token = requests.post(
        f"{apis[0]}/login", json={"username": "ann", "password": PASSWORD}, timeout=10
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}

    def upload(n: int) -> requests.Response:
        data = good_submission + b"\n" * n  # distinct files, all valid
        return requests.post(
            f"{apis[n % 2]}/jobs", headers=headers, files={"file": ("p.csv", data)}, timeout=60
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(upload, range(20)))
    assert sorted(a.status_code for a in answers) == [202] * 2 + [429] * 18
    refused = next(a for a in answers if a.status_code == 429)
    assert "being graded" in refused.json()["detail"] and int(refused.headers["Retry-After"]) > 0
    status = requests.get(f"{apis[0]}/quota", headers=headers, timeout=10).json()
    assert status["used"] == 2  # a refused upload spends no slot

    deployment.start_worker()
    accepted = [a.json()["id"] for a in answers if a.status_code == 202]

    def all_finished():
        return all(
            requests.get(f"{apis[0]}/jobs/{i}", headers=headers, timeout=10).json()["status"] == "finished"
            for i in accepted
        )

    wait_for(all_finished, 30, message="both accepted submissions finished")
    assert upload(20).status_code == 202
