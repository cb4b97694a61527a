// hostroll's small script: keyboard focus for search and confirmations.
// Every page works without it.
(function () {
  "use strict";
  // "/" focuses the search box, unless one is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("search");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  // A form or button with data-confirm asks first.
  document.addEventListener("submit", function (e) {
    var f = e.target, b = e.submitter;
    var text = (b && b.getAttribute("data-confirm")) || f.getAttribute("data-confirm");
    if (text && !window.confirm(text)) e.preventDefault();
  });
  // The device list: "select this page" ticks every row's box; "select all
  // matching" stands for every match, so the rows' boxes step aside.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.id === "select-page") {
      document.querySelectorAll('input[name="ids"][form="bulk"]').forEach(function (b) { b.checked = t.checked; });
    }
    if (t.id === "select-all-matching") {
      document.querySelectorAll('input[name="ids"][form="bulk"], #select-page').forEach(function (b) { b.disabled = t.checked; });
    }
  });
  // A button with data-print prints the page (with print.css).
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest && e.target.closest("[data-print]");
    if (b) { e.preventDefault(); window.print(); }
  });
})();
