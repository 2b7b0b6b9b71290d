// Upload page: send the file to POST /jobs with the session's CSRF token, then follow the job.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const button = document.getElementById("upload-button");
  const status = document.getElementById("upload-status");
  const error = document.getElementById("upload-error");
  const token = document.querySelector('meta[name="csrf-token"]');
  const picker = document.getElementById("challenge");
  const link = document.getElementById("challenge-link");
  const header = document.getElementById("challenge-header");

  // The text above the form names the chosen challenge, its page and the header its files need.
  if (picker && picker.tagName === "SELECT" && link && header) {
    picker.addEventListener("change", function () {
      const option = picker.options[picker.selectedIndex];
      link.textContent = option.dataset.title;
      link.href = option.dataset.page;
      header.textContent = option.dataset.header;
      const count = document.getElementById("uploads-left-count");
      if (count && option.dataset.left !== undefined) {
        count.textContent = option.dataset.left;
        document.getElementById("uploads-limit").textContent = option.dataset.limit;
      }
    });
  }

  function showProblem(body, httpStatus) {
    error.replaceChildren();
    const lead = document.createElement("p");
    lead.textContent = (body && (body.detail || body.title)) || "The upload failed (HTTP " + httpStatus + ").";
    error.append(lead);
    const problems = (body && body.problems) || [];
    // The detail already names a lone problem; list them only when there are several.
    if (problems.length > 1) {
      const list = document.createElement("ul");
      for (const p of problems) {
        const item = document.createElement("li");
        item.textContent = (p.line ? "line " + p.line + ": " : "") + p.message;
        list.append(item);
      }
      error.append(list);
    }
    error.hidden = false;
    error.focus();
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    status.textContent = "Uploading…";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRF-TOKEN": token ? token.content : "", Accept: "application/json" },
      });
      const body = await response.json().catch(function () { return {}; });
      if (response.ok && body.id !== undefined) {
        status.textContent = "Uploaded. Opening the job…";
        // 200, not 202: the same file was sent before, and this is its earlier result.
        const resent = response.status === 200 ? "?resent=1" : "";
        window.location.assign(form.dataset.jobPage.replace(/0$/, String(body.id)) + resent);
        return;
      }
      status.textContent = "";
      if (response.status === 401) body.detail = "Your session has expired: sign in again, then upload.";
      showProblem(body, response.status);
    } catch (e) {
      status.textContent = "";
      showProblem({ detail: "The upload did not reach the server. Check the connection and try again." }, 0);
    } finally {
      button.disabled = false;
    }
  });
})();
