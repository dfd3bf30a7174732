// The assistive reply on the inbox's conversation page: the suggested replies above the
// reply box (from the customer's last message, then from what is typed, once the typing
// pauses), moving one into the box to edit or sending it with Alt+1..3; and the page's
// presence signal: while the conversation is open and the page in view and focused, the
// person is busy in it and the assistant may answer their other conversations
// (app/inbox/assist.go). The server forgets the signal after 45 seconds, so it is renewed
// every 15, and sent again as soon as the page goes out of view or comes back.
(function () {
  "use strict";
  if (!window.fetch) return;

  var state = window.inboxAssist;
  if (state) { state.start(); return; } // htmx ran this script again after a navigation
  state = window.inboxAssist = { start: start, conv: null, timer: 0, typing: 0, asked: "", blurred: false };

  var TYPING_DELAY = 500;   // ms of quiet before the typed words are searched
  var MIN_TYPED = 3;        // fewer characters say too little
  var RENEW = 15000;        // ms between presence signals (PageExpiry / 3)

  function csrf() {
    var el = document.querySelector('[data-inbox] input[name="csrf"]');
    return el ? el.value : "";
  }

  function conversation() {
    var el = document.querySelector('[data-testid="conversation"][data-id]');
    return el ? el.getAttribute("data-id") : null;
  }

  function active() {
    return document.visibilityState === "visible" && !state.blurred;
  }

  // signal tells the server whether the open conversation has the person's attention.
  function signal() {
    var id = conversation();
    var box = document.querySelector("[data-inbox]");
    if (!id || !box) return;
    var url = location.pathname.replace(/\/inbox(\/.*)?$/, "/inbox/") + id + "/viewing";
    var body = new URLSearchParams({ csrf: csrf(), active: active() ? "1" : "0" });
    fetch(url, { method: "POST", credentials: "same-origin", body: body }).catch(function () {});
  }

  function suggestions(q) {
    var box = document.getElementById("suggestions");
    if (!box) return;
    if (q === state.asked) return;
    state.asked = q;
    var url = box.getAttribute("data-suggestions-url") + (q ? "?q=" + encodeURIComponent(q) : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (res) { return res.ok ? res.text() : ""; })
      .then(function (html) {
        var list = box.querySelector("[data-suggestion-list]");
        if (list && state.asked === q) list.innerHTML = html;
      })
      .catch(function () {});
  }

  function used() { return document.querySelector("[data-suggestion-used]"); }

  function start() {
    var id = conversation();
    if (id !== state.conv) {
      state.conv = id;
      state.asked = null;
      if (id) {
        signal();
        suggestions("");
      }
    }
  }

  document.addEventListener("input", function (e) {
    if (e.target.id !== "f-message" || !document.getElementById("suggestions")) return;
    var text = e.target.value.trim();
    var u = used();
    if (u && u.value) {
      if (text !== "") return; // editing a suggestion: keep it
      u.value = "";
    }
    clearTimeout(state.typing);
    state.typing = setTimeout(function () {
      suggestions(text.length >= MIN_TYPED ? text.slice(0, 300) : "");
    }, TYPING_DELAY);
  });

  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-suggestion-text]");
    if (!t) return;
    var item = t.closest("[data-testid='suggestion']");
    var box = document.getElementById("f-message");
    if (!item || !box) return;
    box.value = t.textContent;
    used().value = item.getAttribute("data-id");
    box.focus();
  });

  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || !/^Digit[1-3]$/.test(e.code)) return;
    var sends = document.querySelectorAll("[data-suggestion-send]");
    var b = sends[Number(e.code.slice(5)) - 1];
    if (!b) return;
    e.preventDefault();
    b.click();
  });

  document.addEventListener("visibilitychange", signal);
  window.addEventListener("focus", function () { state.blurred = false; signal(); });
  window.addEventListener("blur", function () { state.blurred = true; signal(); });
  document.addEventListener("htmx:afterSettle", start);
  setInterval(function () { if (state.conv) signal(); }, RENEW);
  start();
})();
