"""A teacher's own challenge over HTTP alone: the key, the files, students' scores equal sklearn's."""

import io

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.metrics import f1_score, log_loss, mean_squared_error

from tests.conftest import login, wait_until_done


def key_csv(ids, targets, target: str) -> bytes:
    return (f"Id,{target}\n" + "".join(f"{i},{t}\n" for i, t in zip(ids, targets))).encode()


def create(client, headers, slug: str, metric: str, key: bytes, files=(), **fields):
    data = {"slug": slug, "title": slug.title(), "metric": metric, "answer_key": (io.BytesIO(key), "key.csv"),
            "files": [(io.BytesIO(content), name) for name, content in files], **fields}  # fmt: skip
    return client.post("/admin/challenges", headers=headers, data=data)


def predictions_csv(column: str, ids, values) -> bytes:
    return (f"Id,{column}\n" + "".join(f"{i},{v}\n" for i, v in zip(ids, values))).encode()


def upload(client, headers, slug: str, data: bytes) -> dict:
    response = client.post(
        "/jobs", headers=headers, data={"file": (io.BytesIO(data), "p.csv"), "challenge": slug}
    )
    assert response.status_code == 202, response.get_json()
    return wait_until_done(client, headers, response.headers["Location"])


@pytest.fixture
def teacher(client, two_classes):
    return login(client, "teacher-a")


@pytest.fixture
def student(client, two_classes):
    return login(client, "student-a")


def split_of(ids, seed: int = 5, fraction: float = 0.3):
    rng = np.random.default_rng(seed)
    return np.where(rng.random(len(ids)) < fraction, "Public", "Private")


def test_a_regression_challenge_scores_rmse_as_sklearn_and_ranks_the_lower_first(client, teacher, student,
                                                                                make_user):  # fmt: skip
    diabetes = load_diabetes()
    ids, target = np.arange(1, len(diabetes.target) + 1), diabetes.target
    usage = split_of(ids)
    key = (
        "Id,progression,Usage\n" + "".join(f"{i},{t},{u}\n" for i, t, u in zip(ids, target, usage))
    ).encode()
    train = b"age,bmi,progression\n0.03,0.06,151\n"
    made = create(client, teacher, "diabetes", "rmse", key, files=[("train.csv", train)],
                  description="Predict **progression**.")  # fmt: skip
    assert made.status_code == 201, made.get_json()
    challenge = made.get_json()
    assert (challenge["metric"], challenge["greater_is_better"], challenge["prediction_column"]) == (
        "rmse", False, "progression")  # fmt: skip
    assert challenge["rows"] == {
        "public": int((usage == "Public").sum()),
        "private": int((usage == "Private").sum()),
    }

    listed = client.get(f"/challenges/{challenge['id']}", headers=student).get_json()
    assert client.get("/challenges/diabetes", headers=student).get_json()["id"] == challenge["id"]
    [file] = listed["files"]
    assert client.get(file["url"], headers=student).data == train
    assert client.get("/challenges/diabetes/files/train.csv", headers=student).data == train  # by its slug
    sample = client.get(listed["sample_submission"], headers=student)
    assert client.get("/challenges/diabetes/sample-submission.csv", headers=student).data == sample.data
    assert sample.data.decode().splitlines()[:2] == ["Id,progression", "1,0.5"]
    assert upload(client, student, "diabetes", sample.data)["status"] == "finished"  # the sample is valid

    rng = np.random.default_rng(3)
    good, poor = target + rng.normal(0, 20, len(ids)), target + rng.normal(0, 60, len(ids))
    make_user("student-c", "student", "class-a")
    other = login(client, "student-c")
    job = upload(client, student, "diabetes", predictions_csv("progression", ids, good.tolist()))
    upload(client, other, "diabetes", predictions_csv("progression", ids, poor.tolist()))
    public = usage == "Public"
    teacher_view = client.get(f"/jobs/{job['id']}", headers=teacher).get_json()
    assert abs(teacher_view["public_score"] - mean_squared_error(target[public], good[public]) ** 0.5) <= 1e-9
    assert job["public_score"] == round(teacher_view["public_score"], 5)  # the student sees 5 decimals
    assert (
        abs(teacher_view["private_score"] - mean_squared_error(target[~public], good[~public]) ** 0.5) <= 1e-9
    )
    board = client.get("/leaderboard?challenge=diabetes", headers=student).get_json()
    assert [row["student"] for row in board["public"]] == ["student-a", "student-c"]
    assert board["public"][0]["score"] < board["public"][1]["score"]
    history = {h["challenge"]: h for h in client.get("/scores", headers=student).get_json()}
    assert history["diabetes"]["best_public_score"] == board["public"][0]["score"]  # the lowest, not the last


def test_multiclass_string_labels_score_macro_f1_as_sklearn(client, teacher, student):
    iris = load_iris()
    labels = iris.target_names[iris.target]
    ids = [f"flower-{i}" for i in range(len(labels))]
    made = create(client, teacher, "iris", "macro_f1", key_csv(ids, labels, "species"), seed=11)
    assert made.status_code == 201, made.get_json()
    # The classes a refusal lists are the challenge's published ones, not a finding of the key.
    listed = client.get("/challenges/iris", headers=student).get_json()["classes"]
    assert listed == ["setosa", "versicolor", "virginica"]
    assert client.get("/challenges/gmsc", headers=student).get_json()["classes"] is None
    rng = np.random.default_rng(4)
    guessed = np.where(rng.random(len(labels)) < 0.4, rng.permutation(labels), labels)
    job = upload(client, student, "iris", predictions_csv("species", ids, guessed))
    overall = f1_score(labels, guessed, average="macro")
    teacher_view = client.get(f"/jobs/{job['id']}", headers=teacher).get_json()
    scores = sorted([teacher_view["public_score"], teacher_view["private_score"]])
    assert scores[0] - 1e-9 <= overall <= scores[1] + 1e-9  # each part's F1 brackets the whole's here
    # Each part's score is sklearn's on that part: the parts are the stratified split of seed 11.
    from scoring import read_key_file

    key = read_key_file(key_csv(ids, labels, "species"), "macro_f1", seed=11).key
    part = key.public
    assert abs(teacher_view["public_score"] - f1_score(labels[part], guessed[part], average="macro")) <= 1e-9
    assert (
        abs(teacher_view["private_score"] - f1_score(labels[~part], guessed[~part], average="macro")) <= 1e-9
    )


def test_a_binary_challenge_scores_log_loss_as_sklearn(client, teacher, student):
    cancer = load_breast_cancer()
    ids, target = np.arange(len(cancer.target)), cancer.target
    usage = split_of(ids, seed=8)
    key = ("Id,malignant,Usage\n" + "".join(f"{i},{t},{u}\n" for i, t, u in zip(ids, target, usage))).encode()
    assert (
        create(client, teacher, "cancer", "log_loss", key, prediction_column="Probability").status_code == 201
    )
    rng = np.random.default_rng(6)
    probabilities = np.clip(target * 0.7 + rng.random(len(ids)) * 0.3, 0, 1)
    probabilities[:3] = (0.0, 1.0, 0.5)  # sklearn clips the extremes
    job = upload(client, student, "cancer", predictions_csv("Probability", ids, probabilities.tolist()))
    public = usage == "Public"
    exact = client.get(f"/jobs/{job['id']}", headers=teacher).get_json()["public_score"]
    assert abs(exact - log_loss(target[public], probabilities[public], labels=[0, 1])) <= 1e-9
    assert job["public_score"] == round(exact, 5)
    out_of_range = predictions_csv("Probability", ids, [1.5] + probabilities[1:].tolist())
    rejected = upload(client, student, "cancer", out_of_range)
    assert rejected["status"] == "rejected"
    assert rejected["problems"][0]["line"] == 2 and "between 0 and 1" in rejected["problems"][0]["message"]


def test_a_key_with_problems_is_refused_with_each_named_and_nothing_is_made(client, teacher):
    ids = list(range(1, 41))
    ids[4] = 1
    rmse_key = key_csv(ids, ["oops"] + [1.0] * 39, "y")
    refused = create(client, teacher, "broken", "rmse", rmse_key)
    assert refused.status_code == 422
    messages = {(p["line"], p["message"]) for p in refused.get_json()["problems"]}
    assert (6, "Id '1' appears again (first on line 2)") in messages
    assert (2, "'oops' is not a finite number") in messages
    usage = ["Public"] * 15 + ["Private"] * 25
    one_class = (
        "Id,y,Usage\n" + "".join(f"{i},{0 if i < 15 else i % 2},{u}\n" for i, u in enumerate(usage))
    ).encode()
    refused = create(client, teacher, "broken", "roc_auc", one_class)
    assert refused.status_code == 422
    assert "every Public row has the label 0" in refused.get_json()["problems"][0]["message"]
    slugs = [c["slug"] for c in client.get("/challenges", headers=teacher).get_json()]
    assert slugs == ["gmsc"]


def test_submit_scores_only_the_practice_key_and_a_class_challenge_cannot_use_it(
    client, teacher, student, answer_key_path
):
    practice = answer_key_path.read_bytes()
    refused = create(client, teacher, "copy", "roc_auc", practice, prediction_column="Probability")
    assert refused.status_code == 422 and "split.py" in refused.get_json()["detail"]
    # With the other columns split.py writes beside the label, it is still the practice key.
    with_features = b"\n".join(line + b",0.5" for line in practice.splitlines())
    with_features = with_features.replace(b"Usage,0.5", b"Usage,DebtRatio", 1) + b"\n"
    refused = create(client, teacher, "copy", "roc_auc", with_features, target_column="SeriousDlqin2yrs")
    assert refused.status_code == 422 and "split.py" in refused.get_json()["detail"]
    # A class key with other Ids: /submit never scores it.
    cancer = load_breast_cancer()
    ids = np.arange(10_001, 10_001 + len(cancer.target))
    assert create(client, teacher, "cancer", "roc_auc", key_csv(ids, cancer.target, "malignant"),
                  prediction_column="Probability").status_code == 201  # fmt: skip
    answer = client.post(
        "/submit", data={"file": (io.BytesIO(predictions_csv("Probability", ids, cancer.target)), "p.csv")}
    )
    assert answer.status_code == 422  # its Ids are not the practice key's


def test_a_late_upload_is_scored_but_never_ranked_and_a_closed_challenge_refuses(client, teacher, student):
    diabetes = load_diabetes()
    ids = np.arange(len(diabetes.target))
    assert create(client, teacher, "late", "mae", key_csv(ids, diabetes.target, "y"),
                  deadline="2020-01-01T00:00:00Z").status_code == 201  # fmt: skip
    job = upload(client, student, "late", predictions_csv("y", ids, diabetes.target.tolist()))
    assert job["status"] == "finished" and job["late"] is True and job["public_score"] == 0.0
    board = client.get("/leaderboard?challenge=late", headers=student).get_json()
    assert board["public"] == [] and board["private"] == []
    history = {h["challenge"]: h for h in client.get("/scores", headers=student).get_json()}
    assert history["late"]["best_public_score"] is None and history["late"]["scores"][0]["late"] is True
    gradebook = client.get("/admin/scores?best=true&format=json&challenge=late", headers=teacher).get_json()
    [row] = [r for r in gradebook if r["student"] == "student-a"]
    assert row["best_public_score"] is None and row["submissions"] == 1
    [exported] = client.get("/admin/scores?format=json&challenge=late", headers=teacher).get_json()
    assert (exported["late"], exported["public_score"]) == (True, 0.0)  # the teacher keeps its score

    challenge_id = client.get("/challenges/late", headers=teacher).get_json()["id"]
    closed = client.patch(f"/admin/challenges/{challenge_id}", headers=teacher, json={"closed": True})
    assert closed.status_code == 200 and closed.get_json()["closed"] is True
    refused = client.post("/jobs", headers=student, data={"file": (io.BytesIO(b"Id,y\n1,2\n"), "p.csv"),
                                                          "challenge": "late"})  # fmt: skip
    assert refused.status_code == 409 and "closed" in refused.get_json()["detail"]


def test_a_challenge_is_edited_but_keeps_its_key_and_metric(client, teacher, student):
    diabetes = load_diabetes()
    ids = np.arange(len(diabetes.target))
    made = create(client, teacher, "edit", "r2", key_csv(ids, diabetes.target, "y")).get_json()
    url = f"/admin/challenges/{made['id']}"
    edited = client.patch(url, headers=teacher, data={"title": "Renamed", "daily_quota": "3",
                                                      "files": [(io.BytesIO(b"a,b\n"), "extra.csv")]})  # fmt: skip
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["title"], edited.get_json()["daily_quota"]) == ("Renamed", 3)
    assert [f["name"] for f in edited.get_json()["files"]] == ["extra.csv"]
    assert client.patch(url, headers=teacher, json={"metric": "mae"}).status_code == 409
    assert client.patch(url, headers=student, json={"title": "mine"}).status_code == 403
    removed = client.patch(url, headers=teacher, json={"remove_files": ["extra.csv"]})
    assert removed.get_json()["files"] == []
    other_class = login(client, "student-b")
    assert client.get(f"/challenges/{made['id']}", headers=other_class).status_code == 404


def test_the_sample_submission_is_made_with_the_challenge_and_served_as_stored(
    client, teacher, student, monkeypatch
):
    import service.challenges.files as files

    ids = np.arange(1, 61)
    made = create(client, teacher, "sampled", "roc_auc", key_csv(ids, ids % 2, "y"), seed="1").get_json()
    monkeypatch.setattr(files, "sample_submission", lambda key: pytest.fail("rebuilt at a download"))
    for _ in range(2):
        sample = client.get(made["sample_submission"], headers=student)
        assert sample.status_code == 200 and sample.data.decode().splitlines()[:2] == ["Id,y", "1,0.5"]
        assert len(sample.data.decode().splitlines()) == 61
