// Working the inbox: the title's count and the notifications of the signed-in person's
// waiting conversations, saved replies behind "/" in the reply box, the typing signal both
// ways, reply and note as tabs of one box, bulk ticks kept across live reloads, and the
// keyboard shortcuts (listed on "?"). Without this script every form still works.
(function () {
  "use strict";

  // State that outlives boosted navigations: installed once per window.
  var work = window.inboxWork;
  if (!work) {
    work = window.inboxWork = { keys: null, ticked: {}, replies: null, typingAt: 0, typingTimer: 0, typingUntil: 0 };
    document.addEventListener("inbox:updated", function () { waiting(); reTick(); showTyping(); });
    document.addEventListener("inbox:typing", customerTyping);
    document.addEventListener("keydown", shortcut);
    document.addEventListener("change", function (e) {
      if (e.target.classList && e.target.classList.contains("bulk-tick")) {
        if (e.target.checked) work.ticked[e.target.value] = true;
        else delete work.ticked[e.target.value];
        bulkCount();
      }
    });
    document.addEventListener("htmx:afterSettle", setup);
  }

  function root() { return document.querySelector("[data-inbox]"); }

  // --- The title's count and notifications ---------------------------------------------

  // waiting reads the person's waiting conversations the list carries: their count goes in
  // the title; one not seen before (a new conversation, or a new message in one) is
  // announced, except the first time the page reads them.
  function waiting() {
    var el = document.getElementById("inbox-waiting");
    var r = root();
    if (!el || !r) return;
    var count = el.dataset.count || "0";
    var base = document.title.replace(/^\(\d+\+?\) /, "");
    document.title = count === "0" ? base : "(" + count + ") " + base;
    var keys = (el.dataset.keys || "").split(" ").filter(Boolean);
    var known = work.keys;
    work.keys = {};
    keys.forEach(function (k) { work.keys[k] = true; });
    if (!known) return;
    var fresh = keys.filter(function (k) { return !known[k]; });
    var open = r.querySelector("[data-testid=conversation]");
    fresh = fresh.filter(function (k) {
      // The conversation open in view needs no announcement.
      return !(open && k.split(":")[0] === open.dataset.id && document.visibilityState === "visible");
    });
    if (!fresh.length) return;
    // A conversation already waiting with another last message has a new message; one
    // not waiting before waits anew (assigned to the person, or the customer wrote again).
    var before = {};
    Object.keys(known).forEach(function (k) { before[k.split(":")[0]] = true; });
    announce(r, fresh.map(function (k) { return { id: k.split(":")[0], message: !!before[k.split(":")[0]] }; }));
  }

  // announce plays the sound and shows a desktop notification, as the person's settings
  // say, for conversations newly waiting; clicking the notification opens the first.
  function announce(r, news) {
    if (r.dataset.sound === "true") {
      var audio = document.getElementById("notify-audio");
      if (!audio) {
        audio = document.createElement("audio");
        audio.id = "notify-audio";
        audio.preload = "auto";
        audio.src = r.dataset.notifySound;
        document.body.appendChild(audio);
      }
      try {
        var played = audio.play();
        if (played && played.catch) played.catch(function () { /* the browser blocked it: no click yet */ });
      } catch (e) { /* no audio here */ }
    }
    if (r.dataset.desktop === "true" && window.Notification && Notification.permission === "granted") {
      var messages = news.filter(function (n) { return n.message; }).length;
      var title = news.length > 1 ? news.length + " customers are waiting for you"
        : messages ? "New message in one of your conversations" : "A customer is waiting for you";
      var body = "Open the inbox to reply.";
      var note = new Notification(title, { body: body, tag: "inbox" });
      var href = r.dataset.inboxUrl + "/" + news[0].id;
      note.onclick = function () { window.focus(); note.close(); location.assign(href); };
    }
  }

  // The browser asks for permission only from a click: the button in the settings does.
  function permissionButton() {
    var b = document.getElementById("notify-permission");
    if (!b || !window.Notification || Notification.permission !== "default") return;
    b.hidden = false;
    b.onclick = function () {
      Notification.requestPermission().then(function () { b.hidden = Notification.permission === "default"; });
    };
  }

  // --- Saved replies: "/" in the reply box ------------------------------------------------

  function savedReplies() {
    var r = root();
    if (work.replies || !r) return Promise.resolve(work.replies || []);
    return fetch(r.dataset.repliesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : []; })
      .then(function (list) { work.replies = list; return list; })
      .catch(function () { return []; });
  }

  // slashQuery is the "/word" being typed before the caret, or null.
  function slashQuery(box) {
    var before = box.value.slice(0, box.selectionStart);
    var m = /(^|\s)\/([^\s\/]*)$/.exec(before);
    return m ? m[2] : null;
  }

  function menu() { return document.getElementById("saved-menu"); }

  function closeMenu() {
    var m = menu();
    if (m) { m.hidden = true; m.replaceChildren(); }
  }

  function showMenu(box) {
    var q = slashQuery(box);
    if (q === null) { closeMenu(); return; }
    savedReplies().then(function (list) {
      var m = menu();
      if (!m || slashQuery(box) !== q) return;
      var words = q.toLowerCase();
      var found = list.filter(function (sr) {
        return sr.shortcut.toLowerCase().indexOf(words) >= 0 || sr.body.toLowerCase().indexOf(words) >= 0;
      }).slice(0, 8);
      m.replaceChildren();
      if (!found.length) {
        var none = document.createElement("p");
        none.className = "small muted";
        none.textContent = list.length ? "No saved reply matches “" + q + "”." : "No saved replies yet: add them in Settings.";
        m.appendChild(none);
      }
      found.forEach(function (sr, i) {
        var o = document.createElement("div");
        o.setAttribute("role", "option");
        o.id = "saved-" + i;
        o.className = "saved-option";
        o.setAttribute("aria-selected", i === 0 ? "true" : "false");
        o.dataset.testid = "saved-option";
        var k = document.createElement("strong");
        k.textContent = "/" + sr.shortcut;
        var b = document.createElement("span");
        b.className = "small muted";
        b.textContent = " " + sr.body.slice(0, 90);
        o.appendChild(k);
        o.appendChild(b);
        o.savedReply = sr;
        o.addEventListener("mousedown", function (e) { e.preventDefault(); insert(box, sr); });
        m.appendChild(o);
      });
      m.hidden = false;
      box.setAttribute("aria-activedescendant", found.length ? "saved-0" : "");
    });
  }

  function moveMenu(step) {
    var opts = Array.prototype.slice.call(menu().querySelectorAll("[role=option]"));
    if (!opts.length) return;
    var at = opts.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    var next = (at + step + opts.length) % opts.length;
    opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === next ? "true" : "false"); });
    opts[next].scrollIntoView({ block: "nearest" });
  }

  // insert puts a saved reply in place of the "/word" typed, its placeholders filled.
  function insert(box, sr) {
    var form = box.form;
    var text = sr.body
      .replace(/\{\{\s*name\s*\}\}/g, (form && form.dataset.name) || "")
      .replace(/\{\{\s*agent\s*\}\}/g, (form && form.dataset.agent) || "")
      .replace(/ +([,.!?])/g, "$1");
    var caret = box.selectionStart;
    var before = box.value.slice(0, caret).replace(/\/[^\s\/]*$/, "");
    box.value = before + text + box.value.slice(caret);
    box.selectionStart = box.selectionEnd = (before + text).length;
    closeMenu();
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  }

  function replyKeys(e) {
    var m = menu();
    if (!m || m.hidden) return;
    var box = e.target;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      moveMenu(e.key === "ArrowDown" ? 1 : -1);
    } else if (e.key === "Enter" || e.key === "Tab") {
      var sel = m.querySelector("[aria-selected=true]");
      if (!sel) return;
      e.preventDefault();
      // The key's own line break must not follow the reply (some input methods send it apart).
      work.swallow = true;
      setTimeout(function () { work.swallow = false; }, 50);
      insert(box, sel.savedReply);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      closeMenu();
    }
  }

  // --- Typing, both ways ------------------------------------------------------------------

  // typed tells the customer's widget a person is writing, at most every 3 seconds while
  // they type, and that they stopped when they empty the box (once per start; the server
  // bounds both per person).
  function typed(box) {
    var form = box.form;
    if (!form || !form.dataset.typingUrl) return;
    var stop = !box.value.trim();
    var now = Date.now();
    if (stop ? !work.typingSent : work.typingSent && now - work.typingAt < 3000) return;
    work.typingSent = !stop;
    work.typingAt = now;
    var csrf = form.querySelector("input[name=csrf]");
    fetch(form.dataset.typingUrl + (stop ? "?stop=1" : ""), { method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf ? csrf.value : "" } }).catch(function () {});
  }

  // customerTyping shows "typing…" at the end of the transcript for a few seconds, and
  // again after the transcript reloads meanwhile; it goes at once when the customer
  // empties the box or their message arrives.
  function customerTyping(e) {
    if (e.detail && e.detail.stopped) { stopTyping(); return; }
    work.typingSince = lastCustomerMessage();
    work.typingUntil = Date.now() + 5000;
    showTyping();
    clearTimeout(work.typingTimer);
    work.typingTimer = setTimeout(stopTyping, 5000);
  }

  function stopTyping() {
    work.typingUntil = 0;
    clearTimeout(work.typingTimer);
    var t = document.getElementById("customer-typing");
    if (t) t.remove();
  }

  // lastCustomerMessage is the id of the customer's last message in the transcript.
  function lastCustomerMessage() {
    var all = document.querySelectorAll("#conv-transcript li[data-author=visitor]");
    return all.length ? all[all.length - 1].id : "";
  }

  function showTyping() {
    var list = document.getElementById("conv-transcript");
    if (!list || !(Date.now() < work.typingUntil)) return;
    if (lastCustomerMessage() !== work.typingSince) { stopTyping(); return; } // what they typed arrived
    var li = document.getElementById("customer-typing");
    if (!li) {
      li = document.createElement("li");
      li.id = "customer-typing";
      li.className = "msg msg-visitor msg-typing";
      li.dataset.testid = "customer-typing";
      li.textContent = "The customer is typing…";
    }
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  // --- Reply and note: two tabs of one box -------------------------------------------------

  function tabs() {
    var bar = document.querySelector(".compose-tabs");
    if (!bar || bar.dataset.work) return;
    bar.dataset.work = "1";
    var reply = document.getElementById("reply-form");
    var note = document.getElementById("note-form");
    bar.hidden = false;
    var noteFirst = !reply || (note && note.querySelector("[aria-invalid=true]"));
    show(noteFirst ? "note" : "reply", false);
    bar.addEventListener("click", function (e) {
      var t = e.target.closest("[role=tab]");
      if (t) show(t.id === "tab-note" ? "note" : "reply", true);
    });
  }

  function show(which, focus) {
    var reply = document.getElementById("reply-form");
    var note = document.getElementById("note-form");
    if (!note || (which === "reply" && !reply)) return;
    if (reply) reply.hidden = which !== "reply";
    note.hidden = which !== "note";
    document.querySelectorAll(".compose-tabs [role=tab]").forEach(function (t) {
      t.setAttribute("aria-selected", String(t.id === "tab-" + which));
    });
    if (focus) {
      var box = (which === "reply" ? reply : note).querySelector("textarea");
      if (box) box.focus();
    }
  }

  // --- Bulk ticks -------------------------------------------------------------------------

  function reTick() {
    document.querySelectorAll(".bulk-tick").forEach(function (b) { b.checked = !!work.ticked[b.value]; });
    bulkCount();
  }

  // bulkCount says how many are ticked; the actions show once one is (the boxes are
  // enough to say that they exist), or while they ask to confirm a close.
  function bulkCount() {
    var el = document.getElementById("bulk-count");
    if (!el) return;
    var n = document.querySelectorAll(".bulk-tick:checked").length;
    el.textContent = n ? n + " selected:" : "Tick conversations to act on several:";
    el.closest("form").hidden = !n && !document.querySelector("[data-testid=confirm-bulk-close]");
  }

  // --- Keyboard shortcuts -----------------------------------------------------------------

  function typingIn(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function shortcut(e) {
    if (!root()) return;
    var t = e.target;
    if (typingIn(t)) {
      if (t.id === "f-message" && menu() && !menu().hidden) return replyKeys(e);
      if (t.tagName === "TEXTAREA" && e.key === "Enter" && (e.ctrlKey || e.metaKey) && t.form) {
        e.preventDefault();
        t.form.requestSubmit();
      } else if (e.key === "Escape") {
        t.blur();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var act = {
      "?": function () { var d = document.getElementById("shortcuts"); if (d && !d.open) d.showModal(); },
      j: function () { step(1); },
      k: function () { step(-1); },
      r: function () { show("reply", true); },
      n: function () { show("note", true); },
      a: function () { focus("assignee"); },
      t: function () { focus("conv-tags"); },
      s: function () {
        var d = document.querySelector("details.snooze");
        if (d) { d.open = true; var b = d.querySelector("button"); if (b) b.focus(); }
      },
      e: function () { var b = document.querySelector("[data-testid=close]"); if (b) b.click(); },
      x: function () {
        var row = document.querySelector(".conv-item[aria-current=true]");
        var box = row && row.parentNode.querySelector(".bulk-tick");
        if (box) { box.click(); }
      }
    }[e.key];
    if (act) { e.preventDefault(); act(); }
  }

  function focus(id) { var el = document.getElementById(id); if (el) el.focus(); }

  // step opens the next (1) or previous (-1) conversation of the list.
  function step(d) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".conv-item"));
    if (!items.length) return;
    var at = items.findIndex(function (a) { return a.getAttribute("aria-current") === "true"; });
    var next = items[Math.min(items.length - 1, Math.max(0, at < 0 ? 0 : at + d))];
    if (next) next.click();
  }

  // --- Each page ----------------------------------------------------------------------------

  function setup() {
    if (!root()) return;
    waiting();
    permissionButton();
    tabs();
    reTick();
    var box = document.getElementById("f-message");
    if (box && !box.dataset.work) {
      box.dataset.work = "1";
      work.typingSent = false; // a new box: the last one's reply was sent
      box.setAttribute("aria-controls", "saved-menu");
      box.addEventListener("input", function () { showMenu(box); typed(box); });
      box.addEventListener("blur", function () { setTimeout(closeMenu, 150); });
      box.addEventListener("beforeinput", function (e) {
        if (work.swallow && /^insert(LineBreak|Paragraph|Text)$/.test(e.inputType) && (!e.data || e.data === "\r" || e.data === "\n")) {
          e.preventDefault();
        }
      });
    }
  }

  setup();
})();
