/* runbook HTML report: filters (failures / status / phase, mirrored in the URL query:
   ?filter=failures&status=fail,error&phase=A) and deep links (#STEP-ID opens the step). */
(function () {
  "use strict";
  var FAILING = ["fail", "error", "blocked", "manual"];
  var body = document.body;
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step[data-status]"));
  var state = { failures: false, statuses: [], phase: "" };

  function readQuery() {
    var q = new URLSearchParams(location.search);
    state.failures = q.get("filter") === "failures";
    state.statuses = (q.get("status") || "").split(",").filter(function (s) { return s; });
    state.phase = q.get("phase") || "";
  }

  function writeQuery() {
    var q = new URLSearchParams(location.search);
    q.delete("filter"); q.delete("status"); q.delete("phase");
    if (state.failures) q.set("filter", "failures");
    if (state.statuses.length) q.set("status", state.statuses.join(","));
    if (state.phase) q.set("phase", state.phase);
    var query = q.toString();
    try {
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    } catch (e) { /* some browsers refuse history changes on file:// pages; filters still work */ }
  }

  function matches(el) {
    var st = el.getAttribute("data-status");
    var drift = el.getAttribute("data-drift") === "1";
    if (state.failures && FAILING.indexOf(st) < 0) return false;
    if (state.statuses.length) {
      var hit = state.statuses.indexOf(st) >= 0 || (drift && state.statuses.indexOf("drift") >= 0);
      if (!hit) return false;
    }
    if (state.phase && el.getAttribute("data-phase") !== state.phase) return false;
    return true;
  }

  function apply() {
    var shown = 0;
    steps.forEach(function (el) {
      var ok = matches(el);
      el.hidden = !ok;
      if (ok) shown++;
    });
    var active = state.failures || state.statuses.length > 0 || state.phase !== "";
    body.classList.toggle("filtered", active);
    body.classList.toggle("none-shown", shown === 0);
    body.setAttribute("data-shown", String(shown));
    var count = document.getElementById("rb-count");
    if (count) count.textContent = active ? "Showing " + shown + " of " + steps.length + " steps" : steps.length + " steps";
    each("[data-filter]", function (b) {
      var f = b.getAttribute("data-filter");
      b.setAttribute("aria-pressed", String(f === "failures" ? state.failures : f === "all" ? !active : false));
    });
    each("[data-toggle-status]", function (b) {
      b.setAttribute("aria-pressed", String(state.statuses.indexOf(b.getAttribute("data-toggle-status")) >= 0));
    });
    var sel = document.getElementById("rb-phase");
    if (sel) sel.value = state.phase;
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function openTarget() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!id) return;
    var el = document.getElementById(id);
    if (!el || !el.classList.contains("step")) return;
    if (el.hidden) { state = { failures: false, statuses: [], phase: "" }; apply(); writeQuery(); }
    each(".step.targeted", function (s) { s.classList.remove("targeted"); });
    el.classList.add("targeted");
    Array.prototype.forEach.call(el.querySelectorAll("details"), function (d) { d.open = true; });
    el.scrollIntoView({ block: "start" });
  }

  each("[data-filter]", function (b) {
    b.addEventListener("click", function () {
      var f = b.getAttribute("data-filter");
      if (f === "all") state = { failures: false, statuses: [], phase: "" };
      else state.failures = !state.failures;
      apply(); writeQuery();
    });
  });
  each("[data-toggle-status]", function (b) {
    b.addEventListener("click", function () {
      var st = b.getAttribute("data-toggle-status");
      var i = state.statuses.indexOf(st);
      if (i >= 0) state.statuses.splice(i, 1); else state.statuses.push(st);
      apply(); writeQuery();
    });
  });
  var phaseSelect = document.getElementById("rb-phase");
  if (phaseSelect) phaseSelect.addEventListener("change", function () {
    state.phase = phaseSelect.value; apply(); writeQuery();
  });
  var expand = document.getElementById("rb-expand");
  if (expand) expand.addEventListener("click", function () {
    var open = expand.getAttribute("aria-pressed") !== "true";
    expand.setAttribute("aria-pressed", String(open));
    each("details.output", function (d) { d.open = open; });
  });

  // Printing (and PDF) shows every output, whatever was collapsed on screen.
  var wasOpen = null;
  window.addEventListener("beforeprint", function () {
    if (wasOpen) return;
    wasOpen = [];
    each("details", function (d) { wasOpen.push(d.open); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    if (!wasOpen) return;
    var i = 0, saved = wasOpen;
    wasOpen = null;
    each("details", function (d) { d.open = saved[i++] || false; });
  });

  readQuery();
  apply();
  window.addEventListener("hashchange", openTarget);
  openTarget();
  body.setAttribute("data-ready", "1");
})();
