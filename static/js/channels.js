// The channel page: the Copy button puts the install snippet on the clipboard. One
// listener on the document serves every page htmx swaps in, however often this runs.
(function () {
  "use strict";
  if (window.agentCopyReady) return;
  window.agentCopyReady = true;

  function say(button, text) {
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }

  // fallback selects the text and copies it the old way, for browsers without the
  // Clipboard API (or pages served over plain http, where it is unavailable).
  function fallback(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    return ok;
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (!button) return;
    var el = document.getElementById(button.getAttribute("data-copy"));
    if (!el) return;
    var text = el.textContent;
    var done = function () { say(button, "Copied."); };
    var failed = function () {
      say(button, fallback(el) ? "Copied." : "Press Ctrl+C (⌘C) to copy the selected text.");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  });
})();
