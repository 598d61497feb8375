// climrisk web: drag and drop on the upload page, live progress on a job page. No build step.
"use strict";

function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = document.getElementById("file");
  const zone = document.getElementById("drop-zone");
  const shown = document.getElementById("drop-file");
  const error = document.getElementById("client-error");
  const maxBytes = Number(form.dataset.maxBytes || 0);

  function describe() {
    const file = input.files && input.files[0];
    shown.textContent = file ? file.name + " (" + file.size.toLocaleString() + " bytes)" : "";
    zone.classList.toggle("chosen", Boolean(file));
    error.hidden = true;
  }
  input.addEventListener("change", describe);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("over");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      describe();
    }
  });
  form.addEventListener("submit", function (event) {
    const file = input.files && input.files[0];
    if (file && maxBytes && file.size > maxBytes) {
      event.preventDefault();
      error.textContent = file.name + " is larger than the upload limit of " +
        Math.round(maxBytes / 1048576) + " MB.";
      error.hidden = false;
      return;
    }
    document.getElementById("submit").disabled = true;
    document.getElementById("busy").hidden = false;
  });
}

function setupProgress() {
  const box = document.getElementById("progress");
  if (!box) return;
  const fill = document.getElementById("bar-fill");
  const bar = fill.parentElement;
  function show(percent) {
    fill.style.width = Math.max(2, Math.min(100, percent)) + "%";
    bar.setAttribute("aria-valuenow", String(percent));
  }
  show(Number(fill.dataset.percent || 0));
  const url = "/api/jobs/" + box.dataset.job;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (job) {
        document.getElementById("stage").textContent = job.stage;
        document.getElementById("percent").textContent = job.percent;
        document.getElementById("status-text").textContent =
          job.status === "queued" ? "Waiting for a worker" : "Running";
        show(job.percent);
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 700);
}

document.addEventListener("DOMContentLoaded", function () {
  setupUpload();
  setupProgress();
});
