/* Chat widget. Install with
 *   <script src="https://HOST/widget.js" data-agent="PUBLIC_KEY" async></script>
 * No dependencies; everything it shows lives in a Shadow DOM with its own styles. The
 * visitor's token stays in localStorage, so the conversation survives reloads and tabs.
 * data-preview="1": the admin's live preview (same origin, with the admin's session);
 * data-open="1": open the chat at once; data-identity: the host site's signed token for its
 * signed-in customer (docs/WIDGET.md); data-name, data-email: what the page knows of the
 * visitor, shown as not verified. The API it calls is described in app/web/widget.go. */
(() => {
  'use strict';
  const me = document.currentScript || document.querySelector('script[data-agent][src*="widget.js"]');
  if (!me || !me.dataset.agent) return;
  const key = me.dataset.agent;
  const loaded = (window.agentChatLoaded = window.agentChatLoaded || {});
  if (loaded[key]) return; // the snippet is on the page twice
  loaded[key] = true;
  const preview = me.dataset.preview === '1';
  // The server's address: where the script came from, with any path prefix of a proxy.
  const base = new URL(me.src, location.href).href.replace(/\/widget\.js([?#].*)?$/, '');
  const api = base + '/widget/v1/' + encodeURIComponent(key) + '/';
  const slot = 'agent-chat:' + key + (preview ? ':preview' : '');
  const reasonText = { too_long: 'Too long', not_useful: 'Not useful', off_topic: 'Off topic', other: 'Other' };
  // The automatic bot's answers are rated resolved or not, with these reasons.
  const botReasonText = { too_long: 'Too long to read', not_useful: 'Useless answer', off_topic: 'Answered another question', other: 'Other' };

  const storage = (name) => { try { return window[name]; } catch { return null; } };
  const load = (s, k) => { try { return storage(s).getItem(k); } catch { return null; } };
  const save = (s, k, v) => { try { v == null ? storage(s).removeItem(k) : storage(s).setItem(k, v); } catch { /* private mode */ } };

  const url = (path, params = {}) => {
    const u = new URL(api + path);
    if (preview) u.searchParams.set('preview', '1');
    for (const k in params) u.searchParams.set(k, params[k]);
    return u.href;
  };

  let token = load('localStorage', slot);
  // call asks the API; params go in the query. Without a body and a token the request
  // needs no preflight, so a site that is not allowed still reads why (config).
  async function call(method, path, body, params) {
    const headers = {};
    if (token && path !== 'config') headers.Authorization = 'Bearer ' + token;
    if (body) headers['Content-Type'] = 'application/json';
    const res = await fetch(url(path, params), { method, headers, body: body && JSON.stringify(body), credentials: preview ? 'same-origin' : 'omit' })
      .catch(() => { throw new Error('The chat cannot be reached. Check your connection and try again.'); });
    const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(data.error || 'The chat is unavailable right now.'), { status: res.status, code: data.code });
    return data;
  }
  const lang = () => navigator.language || '';
  // page is where the visitor is, sent with what they write so people see it.
  const page = () => ({ url: location.href, title: document.title, referrer: document.referrer });

  // h builds an element: h('a', {href, class, onclick}, children...). Text is never parsed as HTML.
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    el.append(...kids.flat().filter((k) => k != null && k !== false));
    return el;
  }
  function icon(d) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', 'currentColor');
    svg.append(p);
    return svg;
  }

  const css = `
:host{all:initial;--accent:#2557d6}
*{box-sizing:border-box}
.w{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;position:fixed;right:20px;bottom:20px;z-index:2147483000;text-align:left}
button,textarea,input{font:inherit;color:inherit}
button{cursor:pointer}
.launch{position:relative;width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center}
.launch svg{width:28px;height:28px;flex:none}
.launch.labelled{width:auto;border-radius:28px;padding:0 20px 0 16px;gap:8px;display:flex;align-items:center;font-weight:600}
.left,.left .panel{right:auto;left:20px}
.count{font-size:12px;color:#59636e;padding:0 12px;background:#fff;text-align:right}
.count.over{color:#d1242f;font-weight:600}
.ask{display:flex;flex-direction:column;gap:8px;padding:12px;border-top:1px solid #e1e4e8;background:#fff}
.ask p{margin:0;font-size:14px}
.ask label{display:flex;flex-direction:column;gap:2px;font-size:13px;color:#59636e}
.ask input,.ask textarea{border:1px solid #d0d4d9;border-radius:8px;padding:6px 8px;color:#1f2328;max-height:none}
.ask .send{padding:8px 14px;align-self:flex-end}
.rate svg{width:16px;height:16px;vertical-align:-3px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#d1242f;color:#fff;font-size:12px;line-height:20px;padding:0 6px}
.panel{position:fixed;right:20px;bottom:88px;width:370px;height:min(600px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
[hidden]{display:none!important}
.head{display:flex;align-items:center;gap:10px;padding:12px 14px;background:var(--accent);color:#fff}
.av{width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.25);display:grid;place-items:center;font-weight:600;overflow:hidden;flex:none}
.av img{width:100%;height:100%;object-fit:cover}
.who{flex:1;min-width:0}
.name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sub{font-size:12px;opacity:.9}
.x{background:none;border:0;font-size:26px;line-height:1;padding:2px 8px;border-radius:6px}
.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.m{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}
.visitor{align-self:flex-end;background:var(--accent);color:#fff;border-bottom-right-radius:4px}
.bot,.human{align-self:flex-start;background:#fff;border:1px solid #e1e4e8;border-bottom-left-radius:4px}
.human{border-color:#9fb8ee}
.system{align-self:center;color:#59636e;font-size:13px;text-align:center}
.pending{opacity:.65}
.by{font-size:12px;font-weight:600;color:#59636e}
.src{margin:6px 0 0;padding:6px 0 0;border-top:1px solid #e1e4e8;font-size:13px;list-style:none;white-space:normal}
.src a{color:var(--accent)}
.rate{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;align-items:center;font-size:13px;color:#59636e;white-space:normal}
.rate>button,.rate form button{border:1px solid #d0d4d9;background:#fff;border-radius:6px;padding:1px 8px}
.rate>button[aria-pressed=true]{background:#e8eefc;border-color:var(--accent)}
.chips,.why{display:flex;flex-wrap:wrap;gap:6px}
.chip{border:1px solid var(--accent);color:var(--accent);background:#fff;border-radius:16px;padding:3px 12px}
.rate input{flex:1;min-width:120px;border:1px solid #d0d4d9;border-radius:6px;padding:2px 6px}
.typing span{display:inline-block;width:7px;height:7px;margin:0 2px;border-radius:50%;background:#8c959f;animation:dot 1s infinite}
.typing span:nth-child(2){animation-delay:.15s}.typing span:nth-child(3){animation-delay:.3s}
@keyframes dot{0%,80%,100%{opacity:.25}40%{opacity:1}}
.err{color:#d1242f;font-size:13px;padding:6px 12px 0;background:#fff}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e1e4e8;background:#fff}
textarea{flex:1;resize:none;border:1px solid #d0d4d9;border-radius:10px;padding:8px 10px;max-height:120px;background:#fff}
.send{border:0;background:var(--accent);color:#fff;border-radius:10px;padding:0 14px;font-weight:600}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.head :focus-visible{outline-color:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.seen{align-self:flex-end;font-size:11px;color:#59636e;margin-top:-4px}
.files{display:flex;flex-direction:column;gap:4px;margin-top:4px}
.files img{max-width:100%;max-height:200px;border-radius:8px;display:block}
.files a{color:inherit}
.clip{border:0;background:none;color:#59636e;padding:0 4px;display:grid;place-items:center}
.clip svg{width:22px;height:22px}
@media (max-width:480px){.panel,.left .panel{inset:0;width:auto;height:auto;border-radius:0}.open .launch{display:none}}
@media (prefers-reduced-motion:reduce){.typing span{animation:none}}`;

  // The page around the widget cannot style it, nor it the page. Constructed style sheets
  // pass a strict Content-Security-Policy; a <style> element is the fallback.
  const host = document.createElement('agent-chat');
  const root = host.attachShadow({ mode: 'open' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', null, css));
  }

  let cfg = {};
  let conv = null; // {id, open, ai, human, lang}
  let prechatDone = false; // the visitor answered the pre-chat questions, or needs none
  let started = null; // the promise of the visit (token, conversation, messages)
  let events = null; // the EventSource
  let streamReady = null; // resolves once events is open
  let retry = 0; // ms before reconnecting a failed stream
  let draft = null;
  let unread = 0;
  const shown = new Map(); // message id -> element

  const avatar = h('div', { class: 'av', 'aria-hidden': 'true' });
  const title = h('div', { class: 'name', id: 'title' });
  const sub = h('div', { class: 'sub' });
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const status = h('div', { class: 'sr', role: 'status' });
  const error = h('div', { class: 'err', role: 'alert', hidden: true });
  const input = h('textarea', { rows: 1, 'aria-label': 'Message', placeholder: 'Write a message…', 'aria-describedby': 'count' });
  const counter = h('div', { class: 'count', id: 'count', 'aria-live': 'polite', hidden: true });
  const picker = h('input', { type: 'file', hidden: true, onchange: () => { if (picker.files[0]) sendFile(picker.files[0]); picker.value = ''; } });
  const clip = h('button', { class: 'clip', type: 'button', 'aria-label': 'Attach a file', hidden: true, onclick: () => picker.click() },
    icon('M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z'));
  const form = h('form', { onsubmit: (e) => { e.preventDefault(); send(input.value); } },
    clip, picker, input, h('button', { class: 'send', type: 'submit' }, 'Send'));
  const asking = h('div', { hidden: true }); // the pre-chat or offline form, instead of form
  const close = h('button', { class: 'x', type: 'button', 'aria-label': 'Close chat', onclick: () => toggle(false) }, '×');
  const panel = h('div', { class: 'panel', id: 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true },
    h('div', { class: 'head' }, avatar, h('div', { class: 'who' }, title, sub), close), log, status, error, counter, asking, form);
  const badge = h('span', { class: 'badge', hidden: true });
  const launch = h('button', { class: 'launch', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': 'panel', onclick: () => toggle(panel.hidden) },
    icon('M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z'), badge);
  const wrap = h('div', { class: 'w' }, panel, launch);
  root.append(wrap);

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(input.value); }
  });
  input.addEventListener('input', () => { input.style.height = 'auto'; input.style.height = input.scrollHeight + 'px'; count(); typed(); });
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') toggle(false); });

  function toggle(open, focus = true) {
    panel.hidden = !open;
    wrap.classList.toggle('open', open);
    launch.setAttribute('aria-expanded', String(open));
    launch.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    save('sessionStorage', slot + ':open', open ? '1' : null);
    if (open) {
      unread = 0;
      badge.hidden = true;
      opening();
      if (focus) input.focus();
      scroll();
    } else if (focus) {
      launch.focus();
    }
  }

  function fail(e) {
    error.textContent = e.message;
    error.hidden = false;
    clearTimeout(fail.t);
    fail.t = setTimeout(() => { error.hidden = true; }, 8000);
  }

  const scroll = () => { log.scrollTop = log.scrollHeight; };

  // header shows the AI agent while it answers, the person who took over when the
  // channel shows them, else the agent's name without the AI label.
  function header() {
    const person = conv && !conv.ai && conv.human;
    title.textContent = person || cfg.name || 'Chat';
    sub.textContent = !person && (!conv || conv.ai) ? cfg.label || '' : '';
    avatar.replaceChildren(!person && cfg.avatar ? h('img', { src: base + cfg.avatar, alt: '' }) : (title.textContent[0] || '?').toUpperCase());
  }

  function setConversation(c) {
    if (!c) return;
    const changed = !conv || conv.id !== c.id;
    conv = c;
    header();
    seen();
    closedNotice();
    // A closed conversation is followed only while the chat is open (a person may still reply).
    if ((changed || !events) && (c.open || !panel.hidden)) listen();
  }

  // start begins the visit once: a known visitor gets their latest conversation back.
  function start() {
    const who = { identity: me.dataset.identity || '', name: me.dataset.name || '', email: me.dataset.email || '' };
    started = started || call('POST', 'visitor', { lang: lang(), ...who }).then((d) => {
      token = d.token;
      save('localStorage', slot, token);
      if (d.identity === 'refused') console.warn('Chat widget: ' + d.identity_error);
      prechatDone = d.prechat_done !== false;
      show(d);
      decide();
    }, (e) => {
      started = null;
      throw e;
    });
    return started;
  }

  // show renders a conversation and its messages from scratch.
  function show(d) {
    const pending = log.querySelectorAll('.pending');
    shown.clear();
    draft = null;
    log.replaceChildren();
    const g = greeting(d.conversation);
    if (g.welcome) log.append(h('div', { class: 'm bot welcome' }, g.welcome));
    const msgs = d.messages || [];
    if (!msgs.some((m) => m.author === 'visitor')) chips(g.quick_replies);
    msgs.forEach((m) => add(m, true));
    const last = msgs[msgs.length - 1];
    if (last && last.author === 'bot') chips(last.quick_replies);
    log.append(...pending); // messages still being sent
    setConversation(d.conversation);
    scroll();
  }

  function chips(list) {
    log.querySelectorAll('.chips').forEach((c) => c.remove());
    if (list && list.length) {
      log.append(h('div', { class: 'chips' }, list.map((q) => h('button', { class: 'chip', type: 'button', onclick: () => send(q) }, q))));
    }
  }

  function typing(on) {
    log.querySelectorAll('.typing').forEach((t) => t.remove());
    status.textContent = on ? (cfg.name || 'The agent') + ' is writing…' : '';
    if (on) { log.append(h('div', { class: 'm bot typing', 'aria-hidden': 'true' }, h('span'), h('span'), h('span'))); scroll(); }
  }

  function grow(t) {
    typing(false);
    if (!draft) { draft = h('div', { class: 'm bot draft', 'aria-hidden': 'true' }); log.append(draft); }
    draft.textContent += t;
    scroll();
  }

  // add shows a message once, whether it comes from a reply or the event stream; the
  // visitor's own message replaces its pending copy.
  function add(m, quiet) {
    if (m.author === 'bot' && draft) { draft.remove(); draft = null; }
    if (shown.has(m.id)) return;
    if (m.author === 'visitor') {
      const pending = [...log.querySelectorAll('.pending')].find((el) => el.dataset.text === m.text);
      if (pending) {
        pending.classList.remove('pending');
        pending.dataset.id = m.id;
        shown.set(m.id, pending);
        return;
      }
    } else {
      typing(false);
    }
    const el = message(m);
    shown.set(m.id, el);
    log.append(el);
    if (!quiet && m.author === 'bot') chips(m.quick_replies); // a question back offers its options
    else log.querySelectorAll('.chips').forEach((c) => log.append(c)); // offered options stay last
    if (!quiet && panel.hidden && m.author !== 'visitor') {
      badge.textContent = ++unread;
      badge.hidden = false;
    }
    scroll();
  }

  function message(m) {
    const sources = (m.sources || []).map((s) => h('li', null, '[' + s.n + '] ',
      /^https?:\/\//i.test(s.url || '') ? h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, s.title || s.url) : s.title));
    return h('div', { class: 'm ' + m.author, 'data-id': m.id },
      m.author === 'human' && m.name ? h('div', { class: 'by' }, m.name) : null,
      h('div', { class: 'tx' }, m.text),
      files(m.files),
      m.label ? h('div', { class: 'by assistant' }, m.label) : null,
      sources.length ? h('ul', { class: 'src', 'aria-label': 'Sources' }, sources) : null,
      m.rate ? rating(m) : null);
  }

  // Thumbs up and down (Material Icons, Apache License 2.0).
  const thumbUp = 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
  const thumbDown = 'M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z';

  // rating is the thumbs up/down of an AI reply; thumbs down asks why.
  function rating(m) {
    const box = h('div', { class: 'rate' });
    const thumb = (helpful, label, face) => h('button', { type: 'button', 'aria-label': label, 'aria-pressed': String(m.feedback === (helpful ? 'up' : 'down')),
      onclick: () => (helpful ? rate({ helpful: true }) : why()) }, face);
    const bot = !!m.label;
    // Drawn, not emoji: a system without an emoji font shows emoji as empty boxes.
    const up = bot ? thumb(true, 'Resolved', 'Resolved') : thumb(true, 'Helpful', icon(thumbUp));
    const down = bot ? thumb(false, 'Not resolved', 'Not resolved') : thumb(false, 'Not helpful', icon(thumbDown));
    const conversation = conv && conv.id;
    box.append(up, down);
    async function rate(body) {
      try {
        await call('POST', 'conversations/' + conversation + '/messages/' + m.id + '/feedback', body);
        up.setAttribute('aria-pressed', String(body.helpful));
        down.setAttribute('aria-pressed', String(!body.helpful));
        box.replaceChildren(up, down, h('span', { role: 'status' }, 'Thanks for your feedback.'));
      } catch (e) { fail(e); }
    }
    function why() {
      const group = h('div', { class: 'why', role: 'group', 'aria-label': 'What was wrong?' });
      for (const r of cfg.feedback_reasons || Object.keys(reasonText)) {
        group.append(h('button', { class: 'chip', type: 'button', 'data-reason': r, onclick: () => (r === 'other' ? other() : rate({ helpful: false, reason: r })) }, (bot ? botReasonText : reasonText)[r] || r));
      }
      box.replaceChildren(up, down, group);
      group.querySelector('button').focus();
    }
    function other() {
      const text = h('input', { type: 'text', 'aria-label': 'What was wrong?', placeholder: 'What was wrong?', maxlength: 500 });
      const f = h('form', { class: 'rate', onsubmit: (e) => { e.preventDefault(); rate({ helpful: false, reason: 'other', comment: text.value }); } },
        text, h('button', { type: 'submit' }, 'Send'));
      box.replaceChildren(up, down, f);
      text.focus();
    }
    return box;
  }

  // look applies the channel's colour, side of the page and button words.
  function look() {
    if (/^#[0-9a-f]{6}$/i.test(cfg.color || '')) host.style.setProperty('--accent', cfg.color);
    wrap.classList.toggle('left', cfg.position === 'left');
    if (cfg.launcher_label) {
      launch.classList.add('labelled');
      launch.insertBefore(h('span', null, cfg.launcher_label), badge);
    }
  }

  // greeting is the welcome and quick replies in the visitor's language: the one they
  // write in once known, else their browser's (config chose it), else the channel's own.
  function greeting(c) {
    const base = (t) => (t || '').toLowerCase().split(/[-_]/)[0];
    const spoken = base(c && c.lang);
    if (!spoken || spoken === base(lang())) return cfg;
    return (cfg.greetings || []).find((g) => g.lang === spoken) || cfg.default || cfg;
  }

  // count shows the characters left once a message nears the limit, and how many too
  // many past it (send then refuses), rather than cutting what the visitor wrote.
  function count() {
    const max = cfg.max_message || 4000;
    const n = [...input.value].length;
    counter.hidden = n < max * 0.8;
    counter.classList.toggle('over', n > max);
    counter.textContent = n > max ? (n - max) + ' characters too many: at most ' + max + '.' : (max - n) + ' characters left';
  }

  // decide shows what the visitor fills first: the offline form when no one is there to
  // answer and they have no open conversation, the pre-chat questions before their
  // first conversation, else the message box.
  function decide() {
    if (preview) ask(null);
    else if ((!conv || !conv.open) && cfg.offline) ask(offlineForm());
    else if (!conv && !prechatDone && (cfg.ask_name || cfg.ask_email)) ask(prechatForm());
    else ask(null);
  }

  // Whether anyone is there to answer (the offline form or the message box) changes as
  // people come online and go: the chat reads it again when it opens, then every 15 s
  // while it is open with no open conversation (an open one is answered in any case).
  async function opening() {
    // Asked beside the visit: a new visit decides with the answer when it comes first.
    const fresh = available().then((offline) => { if (offline != null) cfg.offline = offline; return offline; });
    try {
      await start();
      if (conv && !events) listen();
      const offline = await fresh;
      if (offline != null) apply(offline);
      follow();
    } catch (e) { fail(e); }
  }

  // available asks whether the visitor would reach no one now (null: it cannot tell).
  const available = () => (preview ? Promise.resolve(null)
    : call('GET', 'config', null, { lang: lang() }).then((c) => c.offline, () => null));

  // follow checks again in 15 s, while it matters.
  function follow() {
    clearTimeout(follow.t);
    if (preview || panel.hidden || (conv && conv.open)) return;
    follow.t = setTimeout(async () => {
      if (panel.hidden || (conv && conv.open)) return;
      const offline = document.hidden ? null : await available();
      if (offline != null) apply(offline);
      follow();
    }, 15000);
  }

  // apply shows the offline form or the message box as people are there or not, what the
  // visitor typed following them (a sent offline form stays thanked).
  function apply(offline) {
    cfg.offline = offline;
    const shown = !!asking.querySelector('form[data-form=offline]');
    if (shown === (!preview && (!conv || !conv.open) && offline) || asking.querySelector('[data-form=sent]')) return;
    const field = () => asking.querySelector('form[data-form=offline] [data-field=text]');
    const typed = field() ? field().value : input.value;
    decide();
    if (field()) {
      field().value = typed;
      input.value = ''; // moved to the form
    } else if (!input.value) {
      input.value = typed;
    }
  }

  // ask puts a form in place of the message box; null brings the message box back.
  function ask(f) {
    asking.replaceChildren(...(f ? [f] : []));
    asking.hidden = !f;
    form.hidden = !!f;
  }

  function field(label, props) {
    const el = h(props.rows ? 'textarea' : 'input', props);
    return [h('label', null, label, el), el];
  }

  function prechatForm() {
    const [nameLabel, name] = field('Your name', { type: 'text', autocomplete: 'name', required: true, maxlength: 200, 'data-field': 'name' });
    const [mailLabel, mail] = field('Your email', { type: 'email', autocomplete: 'email', required: true, maxlength: 254, 'data-field': 'email' });
    return h('form', { class: 'ask', 'data-form': 'prechat', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await call('POST', 'profile', { name: cfg.ask_name ? name.value : '', email: cfg.ask_email ? mail.value : '' });
        prechatDone = true;
        ask(null);
        input.focus();
      } catch (err) { fail(err); }
    } }, h('p', null, 'Before we start, tell us who you are.'), cfg.ask_name ? nameLabel : null, cfg.ask_email ? mailLabel : null,
    h('button', { class: 'send', type: 'submit' }, 'Start the chat'));
  }

  function offlineForm() {
    const [mailLabel, mail] = field('Your email', { type: 'email', autocomplete: 'email', required: true, maxlength: 254, 'data-field': 'email' });
    const [textLabel, text] = field('Your message', { rows: 4, required: true, 'data-field': 'text' });
    return h('form', { class: 'ask', 'data-form': 'offline', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await start();
        await call('POST', 'offline', { email: mail.value, text: text.value, lang: lang(), page: page() });
        log.append(h('div', { class: 'm visitor', 'data-form': 'left' }, h('div', { class: 'tx' }, text.value.trim()))); // what they left
        scroll();
        ask(h('div', { class: 'ask', role: 'status', 'data-form': 'sent' }, h('p', null, 'Thanks! We will answer you by email at ' + mail.value.trim() + '.')));
      } catch (err) { fail(err); }
    } }, h('p', null, 'No one is here to chat right now. Leave your email and your message: we will answer by email.'),
    mailLabel, textLabel, h('button', { class: 'send', type: 'submit' }, 'Send'));
  }

  // listen follows the conversation's events. It resolves once the stream is open (or
  // after 3 s), so that a reply's first words are not missed.
  function listen() {
    if (events) events.close();
    const id = conv.id;
    const es = new EventSource(url('conversations/' + id + '/events', { token }));
    events = es;
    let broken = false;
    const data = (e) => JSON.parse(e.data);
    es.addEventListener('token', (e) => grow(data(e)));
    es.addEventListener('message', (e) => add(data(e)));
    es.addEventListener('conversation', (e) => { conv = data(e); header(); seen(); closedNotice(); });
    es.addEventListener('typing', staffTyping);
    es.addEventListener('reload', refresh);
    streamReady = new Promise((resolve) => {
      setTimeout(resolve, 3000);
      es.onopen = () => { resolve(); retry = 0; if (broken) refresh(); broken = false; };
    });
    // The browser reconnects by itself after a network error, but not after an error
    // status (a restart, a rate limit): then try again, less and less often.
    es.onerror = () => {
      broken = true;
      if (es.readyState === EventSource.CLOSED && events === es) {
        events = null;
        retry = Math.min(300000, (retry || 2500) * 2);
        setTimeout(() => { if (!events && conv && conv.id === id) listen(); }, retry * (0.5 + Math.random()));
      }
    };
    return streamReady;
  }

  async function refresh() {
    if (!conv) return;
    try { show(await call('GET', 'conversations/' + conv.id)); } catch (e) { fail(e); }
  }

  async function send(text) {
    text = text.trim();
    if (!text) return;
    if (!asking.hidden) { // a quick reply tapped while the pre-chat or offline form waits
      const first = asking.querySelector('input, textarea');
      if (first) first.focus();
      return;
    }
    const max = cfg.max_message || 4000;
    if ([...text].length > max) {
      fail(new Error('Your message is too long: shorten it to ' + max + ' characters to send it.'));
      return;
    }
    error.hidden = true;
    log.querySelectorAll('.chips').forEach((c) => c.remove());
    const mine = h('div', { class: 'm visitor pending', 'data-text': text }, h('div', { class: 'tx' }, text));
    log.append(mine);
    input.value = '';
    typed.sent = false; // the message itself tells the team
    input.style.height = '';
    count();
    scroll();
    try {
      await start();
      await ensureOpen();
      await streamReady;
      if (conv.ai) typing(true);
      const d = await call('POST', 'conversations/' + conv.id + '/messages', { text, lang: lang(), page: page() });
      setConversation(d.conversation);
      add(d.message);
      d.replies.forEach((m) => add(m));
    } catch (e) {
      if (mine.classList.contains('pending')) { mine.remove(); input.value = input.value || text; }
      if (e.status === 401) { token = null; started = null; save('localStorage', slot, null); }
      fail(e);
    } finally {
      typing(false);
    }
  }

  // ensureOpen starts a conversation when there is none open: after a closed one, the new
  // conversation's greeting is shown below the closing notice.
  async function ensureOpen() {
    if (conv && conv.open) return;
    const d = await call('POST', 'conversations', page());
    setConversation(d.conversation);
    (d.messages || []).forEach((m) => add(m, true));
  }

  // closedNotice tells the visitor their conversation was closed, once.
  function closedNotice() {
    if (!conv || conv.open || log.querySelector('[data-closed="' + conv.id + '"]')) return;
    log.append(h('div', { class: 'm system', 'data-closed': conv.id }, cfg.closed_notice || 'This conversation has been closed.'));
    scroll();
  }

  // seen marks the visitor's last message that staff have read.
  function seen() {
    log.querySelectorAll('.seen').forEach((s) => s.remove());
    const upto = conv && conv.seen && shown.get(conv.seen);
    if (!upto) return;
    let last = null;
    for (const el of log.querySelectorAll('.m[data-id]')) {
      if (el.classList.contains('visitor')) last = el;
      if (el === upto) break;
    }
    if (last) last.after(h('div', { class: 'seen', 'aria-label': 'Seen by the team' }, 'Seen'));
  }

  // typed tells the team the visitor is typing, at most every 3 seconds while they type,
  // and that they stopped when they empty the box (once per start; the server bounds
  // both per visitor). Sending the message stops it too: the inbox sees it arrive.
  function typed() {
    const now = Date.now();
    const stop = !input.value.trim();
    if (!conv || !conv.open || (stop ? !typed.sent : typed.sent && now - typed.at < 3000)) return;
    typed.sent = !stop;
    typed.at = now;
    call('POST', 'conversations/' + conv.id + '/typing', null, stop ? { stop: '1' } : {}).catch(() => {});
  }

  // staffTyping shows a person of the team typing for a few seconds, or no more once
  // they emptied their box.
  function staffTyping(e) {
    const stopped = (() => { try { return !!JSON.parse(e.data).stopped; } catch { return false; } })();
    clearTimeout(staffTyping.t);
    typing(!stopped);
    if (!stopped) staffTyping.t = setTimeout(() => typing(false), 5000);
  }

  // files shows a message's files: images in place, the rest as downloads.
  function files(list) {
    if (!list || !list.length) return null;
    return h('div', { class: 'files' }, list.map((f) => {
      const href = url(f.url, { token });
      return f.image ? h('a', { href, target: '_blank', rel: 'noopener' }, h('img', { src: href, alt: f.name }))
        : h('a', { href, download: f.name, rel: 'noopener' }, f.name);
    }));
  }

  // sendFile sends a file as the visitor's message.
  async function sendFile(file) {
    error.hidden = true;
    if (cfg.max_file_mb && file.size > cfg.max_file_mb * 1048576) { fail(new Error('The file is too large: send files of up to ' + cfg.max_file_mb + ' MB.')); return; }
    const mine = h('div', { class: 'm visitor pending' }, h('div', { class: 'tx' }, file.name));
    log.append(mine);
    scroll();
    try {
      await start();
      await ensureOpen();
      const body = new FormData();
      body.append('file', file);
      body.append('lang', lang());
      const res = await fetch(url('conversations/' + conv.id + '/files'), { method: 'POST', headers: { Authorization: 'Bearer ' + token }, body,
        credentials: preview ? 'same-origin' : 'omit' }).catch(() => { throw new Error('The chat cannot be reached. Check your connection and try again.'); });
      const d = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(d.error || 'The file could not be sent.');
      mine.remove();
      setConversation(d.conversation);
      add(d.message);
      d.replies.forEach((m) => add(m));
    } catch (e) {
      mine.remove();
      fail(e);
    }
  }

  async function init() {
    try {
      cfg = await call('GET', 'config', null, { lang: lang() });
    } catch (e) {
      if (e.code === 'origin_not_allowed') {
        console.error('Chat widget: this site is not in the channel\'s allowed origins (' + location.origin + '). Add it to the channel\'s allowed sites in its settings.');
      } else {
        console.warn('Chat widget: ' + e.message);
      }
      return;
    }
    look();
    if (cfg.file_types) { picker.accept = cfg.file_types; clip.hidden = false; }
    header();
    (document.body || document.documentElement).append(host);
    if (load('sessionStorage', slot + ':open') || me.dataset.open === '1') toggle(true, false);
    else if (token) start().catch(() => {}); // a returning visitor: follow human replies
  }
  init();
})();
