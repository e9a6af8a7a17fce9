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
      request.addEventListener("load", () => { document.open(); document.write(request.responseText); document.close(); });
      request.send(new FormData(form));
    });
  }
});
