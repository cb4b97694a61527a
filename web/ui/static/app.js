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
})();
