// The agent preview: sends the message and shows the reply as the model writes it (a
// server-sent event stream of tokens), then reloads the transcript, whose final reply
// replaces the draft. Without this script the form posts and the page reloads (the form
// is not boosted: htmx would post it a second time).
(function () {
  "use strict";
  var form = document.getElementById("preview-form");
  var box = document.getElementById("transcript");
  if (!form || !box || !window.fetch || !window.TextDecoder) return;
  var input = form.querySelector("textarea[name=message]");
  var button = form.querySelector("button[type=submit]");
  var busy = false;

  // setBusy locks the form while a reply is being written, so that a second click or
  // Enter cannot send the message twice; the quick replies wait for it too.
  function setBusy(on) {
    busy = on;
    input.disabled = on;
    button.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    if (!on) input.focus();
  }

  // toBottom shows the newest message: the transcript scrolls on its own (app.css).
  function toBottom() {
    var list = box.querySelector("ol.transcript");
    if (list) list.scrollTop = list.scrollHeight;
  }
  toBottom();

  function bubble(cls, text) {
    var list = box.querySelector("ol.transcript");
    var li = document.createElement("li");
    li.className = "msg " + cls;
    var p = document.createElement("p");
    p.className = "msg-body";
    p.textContent = text;
    li.appendChild(p);
    list.appendChild(li);
    var empty = box.querySelector("[data-testid=empty-transcript]");
    if (empty) empty.remove();
    li.scrollIntoView({ block: "end" });
    return p;
  }

  function reload() {
    return fetch(box.dataset.url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (res) { return res.text(); })
      .then(function (html) { box.innerHTML = html; toBottom(); });
  }

  // handle parses one server-sent event; it returns true when the stream is over.
  function handle(raw, draft) {
    var name = "message", data = "";
    raw.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) name = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
    });
    if (name === "token") {
      draft.textContent += JSON.parse(data);
      toBottom();
    } else if (name === "error") {
      draft.textContent = JSON.parse(data);
      draft.parentNode.classList.add("msg-error");
      return true;
    } else if (name === "done") {
      reload();
      return true;
    }
    return false;
  }

  function send() {
    var text = input.value.trim();
    if (busy || !text) return;
    var body = new URLSearchParams(new FormData(form));
    setBusy(true);
    bubble("msg-visitor", text);
    var draft = bubble("msg-bot msg-draft", "");
    draft.setAttribute("aria-busy", "true");
    input.value = "";
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "text/event-stream" }
    }).then(function (res) {
      if (!res.ok || !res.body) {
        return res.text().then(function () { throw new Error("The reply failed (" + res.status + ")."); });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buf = "";
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return;
          buf += decoder.decode(r.value, { stream: true });
          var i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            var ev = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (handle(ev, draft)) return;
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      draft.textContent = err.message;
      draft.parentNode.classList.add("msg-error");
    }).finally(function () {
      draft.removeAttribute("aria-busy");
      setBusy(false);
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    send();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  });
  box.addEventListener("click", function (e) {
    var b = e.target.closest("button.quick-reply");
    if (!b || busy) return;
    input.value = b.dataset.reply;
    send();
  });
})();
