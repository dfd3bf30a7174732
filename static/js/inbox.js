// The inbox, live: follows the page's event stream (the workspace's changes for the list,
// the counts and who is online; the open conversation's new messages, notes, the AI's
// reply as it is written, assignment and status) and on each change reloads the parts of
// the page that show it (the elements marked data-live, by id). Without this script the
// page works with reloads; every form posts and redirects.
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch) return;

  // One controller per window: htmx runs this script again after each boosted navigation.
  var live = window.inboxLive;
  if (!live) {
    live = window.inboxLive = { root: null, source: null, timers: {}, loads: {}, draft: "" };
    // A boosted navigation replaces the body: stop following the old page's stream.
    document.addEventListener("htmx:beforeSwap", function (e) {
      if (e.detail && e.detail.target === document.body) stop();
    });
    document.addEventListener("htmx:afterSettle", function () { start(); });
    document.addEventListener("htmx:historyRestore", function () { start(); });
    window.addEventListener("pagehide", function () { stop(); });
    window.addEventListener("pageshow", function (e) { if (e.persisted) start(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && live.root) refreshConversation();
    });
  }

  function stop() {
    if (live.source) live.source.close();
    live.source = null;
    Object.keys(live.timers).forEach(function (k) { clearTimeout(live.timers[k]); });
    live.timers = {};
    live.root = null;
    live.draft = "";
  }

  // start follows the stream of the inbox page in view, if there is one and it is new.
  function start() {
    var root = document.querySelector("[data-inbox]");
    if (root === live.root) return;
    stop();
    if (!root) return;
    live.root = root;
    follow(root.dataset.eventsUrl, {
      change: function () { later("list", refreshList); },
      presence: function () { later("list", refreshList); },
      message: function () {
        live.draft = ""; // the reply being written is stored now
        later("conv", refreshConversation);
      },
      token: function (e) {
        live.draft += JSON.parse(e.data);
        showDraft();
      },
      conversation: function () { later("conv", refreshConversation); },
      // The customer is typing, or emptied the box (inboxwork.js shows it).
      typing: function (e) {
        var d = e.data ? JSON.parse(e.data) : {};
        document.dispatchEvent(new CustomEvent("inbox:typing", { detail: { stopped: !!(d && d.stopped) } }));
      },
      reload: refreshAll
    });
    scrollDown();
  }

  // follow opens the event stream; each time it connects (the first time too: the page
  // was rendered before) the page reloads what the stream covers, as events may have
  // been missed meanwhile.
  function follow(url, handlers) {
    var src = live.source = new EventSource(url);
    Object.keys(handlers).forEach(function (name) { src.addEventListener(name, handlers[name]); });
    src.addEventListener("open", function () {
      if (live.root) live.root.setAttribute("data-stream", "on");
      later("list", refreshList);
      later("conv", refreshConversation);
    });
    src.addEventListener("error", function () {
      if (live.root) live.root.setAttribute("data-stream", "off");
    });
  }

  // later runs fn once after a burst of events.
  function later(key, fn) {
    if (live.timers[key]) return;
    live.timers[key] = setTimeout(function () {
      delete live.timers[key];
      fn();
    }, 150);
  }

  function refreshAll() {
    refreshList();
    refreshConversation();
  }

  function refreshList() {
    if (live.root) load(live.root.dataset.listUrl);
  }

  function refreshConversation() {
    if (!live.root || !live.root.dataset.convUrl) return;
    var url = live.root.dataset.convUrl;
    if (document.visibilityState === "visible") url += "?read=1";
    load(url).then(function () {
      showDraft();
      scrollDown();
    });
  }

  // load fetches a fragment and puts each of its data-live elements in place of the
  // page's element with the same id.
  // Of two loads of the same fragment, only the later one is shown.
  function load(url) {
    var root = live.root;
    var key = url.split("?")[0];
    var n = (live.loads[key] || 0) + 1;
    live.loads[key] = n;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (res) {
        if (res.status === 404) return "";
        if (!res.ok) throw new Error("inbox: " + res.status);
        return res.text();
      })
      .then(function (html) {
        if (!html || root !== live.root || live.loads[key] !== n) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        tpl.content.querySelectorAll("[data-live][id]").forEach(function (el) {
          var old = document.getElementById(el.id);
          if (!old) return;
          old.replaceWith(el);
          if (window.htmx) window.htmx.process(el);
        });
        document.dispatchEvent(new CustomEvent("inbox:updated"));
      })
      .catch(function () { /* the next event or reconnection reloads it */ });
  }

  // showDraft shows the AI reply being written at the end of the transcript.
  function showDraft() {
    var list = document.getElementById("conv-transcript");
    if (!list) return;
    var li = list.querySelector("li.msg-draft");
    if (!live.draft) {
      if (li) li.remove();
      return;
    }
    if (!li) {
      li = document.createElement("li");
      li.className = "msg msg-bot msg-draft";
      li.setAttribute("aria-busy", "true");
      li.setAttribute("data-testid", "draft");
      var head = document.createElement("p");
      head.className = "msg-head";
      head.textContent = "AI agent is writing…";
      var body = document.createElement("p");
      body.className = "msg-body";
      li.appendChild(head);
      li.appendChild(body);
      list.appendChild(li);
    }
    li.querySelector(".msg-body").textContent = live.draft;
    scrollDown();
  }

  function scrollDown() {
    var list = document.getElementById("conv-transcript");
    if (list) list.scrollTop = list.scrollHeight;
  }

  start();
})();
