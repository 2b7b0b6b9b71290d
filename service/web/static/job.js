// Job page: poll GET /jobs/<id> until the job is finished or failed, then draw its ROC curve (0/1 targets).
(function () {
  "use strict";
  const section = document.getElementById("job");
  if (!section) return;
  const badge = document.getElementById("job-status");
  const note = document.getElementById("job-note");
  const progress = document.getElementById("job-progress");
  const publicScore = document.getElementById("public-score");
  const privateScore = document.getElementById("private-score");
  const problems = document.getElementById("job-problems");
  const rocSection = document.getElementById("roc-section");
  const DONE = ["finished", "rejected", "failed"];

  const ladder = document.getElementById("ladder-note");
  // A student's score as the server wrote it (already rounded to the challenge's precision); staff
  // get exact scores, written in at most 6 significant digits as the server's pages write them.
  const staff = section.dataset.staff === "true";
  function score(value) {
    if (value === null || value === undefined) return "—";
    return staff ? String(parseFloat(Number(value).toPrecision(6))) : String(value);
  }

  function show(job) {
    badge.textContent = job.status;
    badge.dataset.status = job.status;
    progress.value = job.progress;
    publicScore.textContent = score(job.public_score);
    if (job.private_score !== null) privateScore.textContent = score(job.private_score);
    else if (job.status === "finished") privateScore.textContent = "hidden until your teacher reveals it";
    note.textContent = job.status === "finished" && job.public_score !== null
      ? "Public " + section.dataset.metric + " " + score(job.public_score) : "";
    if (ladder && job.leaderboard) ladder.textContent = job.leaderboard.message;
    if (job.status === "rejected" || job.status === "failed") {
      problems.replaceChildren();
      const heading = document.createElement("h3");
      heading.textContent = "What is wrong with the file";
      const list = document.createElement("ul");
      for (const p of job.problems || []) {
        const item = document.createElement("li");
        item.textContent = (p.line ? "line " + p.line + ": " : "") + p.message;
        list.append(item);
      }
      if (!list.children.length && job.error) {
        const item = document.createElement("li");
        item.textContent = job.error;
        list.append(item);
      }
      problems.append(heading, list);
    }
  }

  async function drawCurve() {
    if (!section.dataset.rocUrl) return; // only a 0/1 target has a ROC curve
    const response = await fetch(section.dataset.rocUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const roc = await response.json();
    rocSection.hidden = false;
    if (roc.withheld) { // a student's curve waits for the reveal: the page says why
      document.getElementById("roc-figure").hidden = true;
      const why = document.getElementById("roc-withheld");
      why.textContent = roc.withheld;
      why.hidden = false;
      return;
    }
    window.drawRoc(document.getElementById("roc-chart"), roc.curves);
  }

  async function poll(delay) {
    let response;
    try {
      response = await fetch(section.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (e) {
      note.textContent = "(connection lost; retrying)";
      setTimeout(function () { poll(Math.min(delay * 2, 5000)); }, delay);
      return;
    }
    if (response.status === 401) {
      note.textContent = "Your session has expired: sign in again to follow this job.";
      return;
    }
    if (!response.ok) {
      setTimeout(function () { poll(Math.min(delay * 2, 5000)); }, delay);
      return;
    }
    const job = await response.json();
    show(job);
    if (job.status === "finished") drawCurve();
    else if (DONE.indexOf(job.status) < 0) setTimeout(function () { poll(Math.min(delay * 1.5, 3000)); }, delay);
  }

  if (section.dataset.status === "finished") drawCurve();
  else if (DONE.indexOf(section.dataset.status) < 0) poll(400);
})();
