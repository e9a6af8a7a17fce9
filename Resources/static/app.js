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
        if (request.responseURL && request.responseURL.indexOf(form.dataset.jobPath || "/org/import/jobs/") >= 0) {
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

  // The attendance screen renews its code when it expires (without script, reloading the page shows the current one).
  const screen = document.getElementById("attendance-screen");
  if (screen && window.fetch) {
    const qr = document.getElementById("attendance-qr");
    const code = document.getElementById("attendance-code");
    const link = document.getElementById("attendance-link");
    const countdown = document.getElementById("attendance-countdown");
    let expiresAt = Number(screen.dataset.expiresAt);
    const renew = () => {
      fetch(screen.dataset.codeUrl, { credentials: "same-origin", cache: "no-store" })
        .then((r) => { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then((next) => {
          qr.src = next.qr; code.textContent = next.code; link.href = next.url; link.textContent = next.url;
          expiresAt = Number(next.expiresAt); screen.dataset.expiresAt = next.expiresAt;
        })
        .catch(() => { expiresAt = Date.now() + 3000; });
    };
    const tick = () => {
      const left = Math.ceil((expiresAt - Date.now()) / 1000);
      if (left <= 0) { expiresAt = Date.now() + 5000; renew(); }
      countdown.textContent = left > 0 ? left + " s" : "";
    };
    tick();
    setInterval(tick, 1000);
  }

  // The check-in page sends where the phone is, when the browser tells (the check-in works without it).
  for (const form of document.querySelectorAll("form[data-geolocate]")) {
    const status = document.getElementById("position-status");
    if (!navigator.geolocation) { if (status) status.textContent = status.dataset.none || ""; continue; }
    navigator.geolocation.getCurrentPosition((position) => {
      form.elements.latitude.value = position.coords.latitude;
      form.elements.longitude.value = position.coords.longitude;
      form.elements.accuracy.value = Math.round(position.coords.accuracy);
      if (status) status.textContent = (status.dataset.got || "") + " ±" + Math.round(position.coords.accuracy) + " m";
    }, () => { if (status) status.textContent = status.dataset.none || ""; },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  // Staff at the site set the activity's check-in site from their own phone's position.
  const here = document.getElementById("site-here");
  if (here && navigator.geolocation) {
    here.hidden = false;
    here.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((position) => {
        document.getElementById("site-latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("site-longitude").value = position.coords.longitude.toFixed(6);
      }, () => {}, { enableHighAccuracy: true, timeout: 10000 });
    });
  }
});
