// Progressive enhancement only: every page works without this file.
"use strict";

// GB 11643-1999 check digit of an 18-character resident ID number, checked as it is typed.
function residentIdProblem(value) {
  const v = value.trim().toUpperCase();
  if (v.length === 0) return null;
  if (!/^\d{17}[\dX]$/.test(v)) return v.length < 18 ? "" : "18 位：17 位数字加校验位 / 17 digits and a check character";
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * weights[i];
  const check = "10X98765432"[sum % 11];
  return check === v[17] ? null : "校验位应为 " + check + " / the check character should be " + check;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll('input[data-check="resident-id"]')) {
    const hint = document.querySelector('[data-hint-for="' + input.id + '"]');
    const type = document.getElementById("documentType");
    const update = () => {
      if (!hint) return;
      if (type && type.value !== "resident_id") { hint.textContent = ""; return; }
      const problem = residentIdProblem(input.value);
      hint.textContent = problem === null ? (input.value.trim() ? "✓" : "") : problem;
      hint.className = "hint " + (problem ? "bad" : "good");
    };
    input.addEventListener("input", update);
    if (type) type.addEventListener("change", update);
  }

  // Upload progress of an import (the page still works as a plain form without it).
  const form = document.getElementById("import-form");
  const bar = document.getElementById("import-progress");
  if (form && bar && window.XMLHttpRequest) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      bar.hidden = false;
      request.upload.addEventListener("progress", (e) => { if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); });
      request.addEventListener("load", () => {
        // A started import answers with its job page: go there, it shows the rows checked.
        if (request.responseURL && request.responseURL.indexOf("/org/import/jobs/") >= 0) {
          window.location.assign(request.responseURL);
          return;
        }
        document.open(); document.write(request.responseText); document.close();
      });
      request.send(new FormData(form));
    });
  }

  // Rows checked of an import running on the server, every second (without script the page refreshes itself).
  const running = document.getElementById("import-running");
  if (running && window.fetch) {
    const check = document.getElementById("import-check");
    const rows = document.getElementById("import-rows");
    const total = document.getElementById("import-total");
    const poll = () => {
      fetch(running.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
        .then((response) => response.json())
        .then((progress) => {
          if (!progress.running) { window.location.reload(); return; }
          check.value = progress.percent;
          rows.textContent = progress.rowsChecked;
          total.textContent = progress.totalRows;
          window.setTimeout(poll, 1000);
        })
        .catch(() => window.setTimeout(poll, 3000));
    };
    window.setTimeout(poll, 1000);
  }
});
