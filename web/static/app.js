/* Lan tỏa — what the phone pages do with JavaScript. Plain JS, no libraries; every form also
   works without it (plain posts, verified on the server).
   - Live verification of article addresses (POST /api/v1/verify).
   - Every share is first written to IndexedDB with its Idempotency-Key, then sent; one sent
     without a connection waits there and goes when the connection returns (on `online`, on page
     load, every 30 s), so nothing is lost, and the key makes a repeat store nothing new.
   - The service worker keeps the pages and files for offline use. */
(function () {
  'use strict';

  var doc = document;
  var T = doc.getElementById('t');

  /* ---------- text ---------- */
  function t(key, n) {
    var s = (T && T.dataset[key]) || '';
    return n === undefined ? s : s.replace('{n}', String(n));
  }
  function reasonText(code, fallback) {
    var en = T && T.getAttribute('data-r-' + code);
    return en || fallback || t('error');
  }
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* ---------- addresses in text (same rules as src/domain/links.rs) ---------- */
  var STOP = /[\s<>"“”«»‘`|]/;
  var STOPS = /[\s<>"“”«»‘`|]+/;
  var TRAIL = /[.,;:!?'’…)\]}]$/;
  var OPENER = { ')': '(', ']': '[', '}': '{' };
  var TLDS = ['vn', 'com', 'net', 'org', 'info', 'gov', 'edu', 'tv', 'me', 'be', 'ly', 'gl', 'co', 'io', 'to', 'app', 'asia', 'biz'];
  var MAX_LINKS = 200;

  function count(s, c) { return s.split(c).length - 1; }
  function trimTail(s) {
    while (s && TRAIL.test(s)) {
      var last = s.charAt(s.length - 1);
      var open = OPENER[last];
      if (open && count(s, open) >= count(s, last)) break;
      s = s.slice(0, -1);
    }
    return s;
  }
  function asciiLower(s) { return s.replace(/[A-Z]/g, function (c) { return c.toLowerCase(); }); }
  function nextScheme(lower, from) {
    var a = lower.indexOf('http://', from), b = lower.indexOf('https://', from);
    if (a < 0) return b;
    if (b < 0) return a;
    return Math.min(a, b);
  }
  function withScheme(text) {
    var lower = asciiLower(text), out = [], from = 0;
    while (out.length < MAX_LINKS) {
      var start = nextScheme(lower, from);
      if (start < 0) break;
      var rest = text.slice(start);
      var stop = rest.search(STOP);
      var end = stop < 0 ? rest.length : stop;
      var glued = nextScheme(lower, start + 1);
      if (glued >= 0 && glued < start + end) end = glued - start;
      var candidate = trimTail(rest.slice(0, end));
      var schemeLen = lower.indexOf('https://', start) === start ? 8 : 7;
      if (candidate.length > schemeLen) out.push(candidate);
      from = start + Math.max(end, 1);
    }
    return out;
  }
  function looksLikeAddress(w) {
    if (!w || w.indexOf('@') >= 0) return false;
    var hostEnd = w.search(/[/?#]/);
    var host = hostEnd < 0 ? w : w.slice(0, hostEnd);
    var colon = host.indexOf(':');
    if (colon >= 0) host = /^[0-9]+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : '';
    var labels = host.split('.');
    return labels.length >= 2 &&
      labels.every(function (l) { return /^[\p{L}\p{N}-]+$/u.test(l); }) &&
      TLDS.indexOf(labels[labels.length - 1].toLowerCase()) >= 0;
  }
  function extract(text) {
    var found = withScheme(text || '');
    if (!found.length) {
      found = (text || '').split(STOPS)
        .map(function (w) { return trimTail(w.replace(/^[([{'’‘]+/, '')); })
        .filter(looksLikeAddress);
    }
    var seen = {};
    return found.filter(function (l) { return seen[l] ? false : (seen[l] = true); }).slice(0, MAX_LINKS);
  }

  /* ---------- dates (Asia/Ho_Chi_Minh) ---------- */
  function dayVi(daysAgo) {
    var d = new Date(Date.now() - daysAgo * 864e5);
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
    } catch (e) {
      var p = function (n) { return (n < 10 ? '0' : '') + n; };
      return p(d.getDate()) + '/' + p(d.getMonth() + 1) + '/' + d.getFullYear();
    }
  }
  function isoToVi(iso) { return iso ? String(iso).split('-').reverse().join('/') : ''; }

  /* ---------- keys and requests ---------- */
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }
  var csrfToken = (doc.querySelector('input[name=_csrf]') || {}).value || '';

  function api(method, path, body, headers) {
    var h = { 'Accept': 'application/json', 'X-CSRF-Token': csrfToken };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    for (var k in headers || {}) h[k] = headers[k];
    return fetch(path, {
      method: method, headers: h, credentials: 'same-origin', redirect: 'manual',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (json) {
        return { status: res.status, json: json, res: res };
      });
    });
  }
  function errorOf(r) {
    var e = r.json && r.json.error;
    return e ? { code: e.code, message: reasonText(e.code, e.message) } : { code: 'http_' + r.status, message: t('error') };
  }
  /* Who is signed in, with a fresh CSRF token; null when signed out. */
  function whoAmI() {
    return api('GET', '/api/v1/me').then(function (r) {
      if (r.status !== 200 || !r.json) return null;
      if (r.json.csrf_token) csrfToken = r.json.csrf_token;
      return r.json;
    });
  }

  /* ---------- the queue (IndexedDB, or memory when unavailable) ---------- */
  var memory = {};
  var dbPromise = null;
  function idb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
        var req = indexedDB.open('lantoa', 1);
        req.onupgradeneeded = function () { req.result.createObjectStore('queue', { keyPath: 'key' }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function getAll() {
    return idb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var r = db.transaction('queue').objectStore('queue').getAll();
        r.onsuccess = function () { resolve(r.result || []); };
        r.onerror = function () { reject(r.error); };
      });
    }).catch(function () { return Object.keys(memory).map(function (k) { return memory[k]; }); });
  }
  function write(records, removeKeys) {
    return idb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction('queue', 'readwrite');
        var s = tx.objectStore('queue');
        (records || []).forEach(function (r) { s.put(r); });
        (removeKeys || []).forEach(function (k) { s.delete(k); });
        tx.oncomplete = function () { resolve(); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    }).catch(function () {
      (records || []).forEach(function (r) { memory[r.key] = r; });
      (removeKeys || []).forEach(function (k) { delete memory[k]; });
    });
  }

  var owner = (doc.querySelector('[data-owner]') || { dataset: {} }).dataset.owner || '';
  var inflight = {};

  function record(item, label) {
    return { key: newKey(), owner: owner, item: item, label: label || '', state: 'waiting', at: Date.now(), message: '' };
  }
  /* This month's count on the log page, when a share of this month is stored. */
  function bumpGlance(share) {
    var g = doc.querySelector('.glance strong');
    if (!g || !share || share.status !== 'accepted') return;
    var today = dayVi(0).split('/'), day = String(share.shared_on).split('-');
    if (day[0] === today[2] && day[1] === today[1]) g.textContent = String((+g.textContent || 0) + 1);
  }
  function markSent(rec, share) {
    bumpGlance(share);
    rec.state = 'sent';
    rec.sentAt = Date.now();
    rec.label = (share.rule && share.rule.label) || share.source_host || rec.label;
    rec.item.shared_on = isoToVi(share.shared_on) || rec.item.shared_on;
    rec.message = '';
    return rec;
  }
  function markFailed(rec, err) {
    rec.state = 'failed';
    rec.message = err.message;
    return rec;
  }

  /* ---------- showing the queue ---------- */
  var queueBox = doc.getElementById('queue');
  var queueList = doc.getElementById('queue-list');
  var net = doc.getElementById('net');
  function platformName(code) {
    var input = doc.querySelector('input[name=platform][value="' + code + '"]');
    var span = input && input.parentNode.querySelector('span');
    return span ? span.textContent : code;
  }
  function showNet() {
    if (!net) return;
    net.textContent = navigator.onLine ? t('online') : t('offline');
    net.className = navigator.onLine ? 'net' : 'net off';
  }
  function renderQueue() {
    if (!queueList) return Promise.resolve();
    return getAll().then(function (all) {
      var mine = all.filter(function (r) { return r.owner === owner; })
        .sort(function (a, b) { return b.at - a.at; }).slice(0, 20);
      queueList.textContent = '';
      mine.forEach(function (r) {
        var li = el('li', r.state);
        li.dataset.key = r.key;
        li.appendChild(el('span', 'what', r.label || r.item.source_url));
        li.appendChild(el('span', 'state', t(r.state)));
        li.appendChild(el('span', 'msg', r.message || [r.item.shared_on, platformName(r.item.platform)].filter(Boolean).join(' · ')));
        queueList.appendChild(li);
      });
      if (queueBox) queueBox.hidden = mine.length === 0 && navigator.onLine;
      showNet();
    });
  }

  /* ---------- sending ---------- */
  var signInNeeded = false;
  function sendOne(rec) {
    inflight[rec.key] = true;
    return api('POST', '/api/v1/shares', rec.item, { 'Idempotency-Key': rec.key }).then(function (r) {
      if (r.status === 403 && r.json && r.json.error && r.json.error.code === 'csrf_failed') {
        return whoAmI().then(function (me) {
          return me ? api('POST', '/api/v1/shares', rec.item, { 'Idempotency-Key': rec.key }) : r;
        });
      }
      return r;
    }).finally(function () { delete inflight[rec.key]; });
  }

  var flushing = null;
  /* Sends everything of this person still waiting, in batches with per-item keys. */
  function flush() {
    if (flushing) return flushing;
    if (!navigator.onLine) { renderQueue(); return Promise.resolve(); }
    flushing = getAll().then(function (all) {
      var waiting = all.filter(function (r) { return r.state === 'waiting' && !inflight[r.key]; });
      if (!waiting.length) return;
      return whoAmI().then(function (me) {
        if (!me) { signInNeeded = true; return; }
        signInNeeded = false;
        if (!owner) owner = me.staff_code;
        var mine = waiting.filter(function (r) { return r.owner === me.staff_code; });
        return sendBatches(mine);
      });
    }).catch(function () { /* offline or server down: try again later */ })
      .then(function () { flushing = null; return renderQueue(); })
      .then(function () { if (signInNeeded && net) { net.textContent = t('signIn'); net.className = 'net off'; } });
    return flushing;
  }
  function sendBatches(recs) {
    var chunk = recs.slice(0, 50), rest = recs.slice(50);
    if (!chunk.length) return Promise.resolve();
    chunk.forEach(function (r) { inflight[r.key] = true; });
    var items = chunk.map(function (r) {
      var it = { idempotency_key: r.key };
      for (var k in r.item) it[k] = r.item[k];
      return it;
    });
    return api('POST', '/api/v1/shares/batch', { items: items }).then(function (r) {
      if (r.status !== 200 || !r.json || !r.json.results) return Promise.reject(r);
      r.json.results.forEach(function (res, i) {
        var rec = chunk[i];
        if (!rec) return;
        if (res.ok) markSent(rec, res.share);
        else markFailed(rec, { code: res.error.code, message: reasonText(res.error.code, res.error.message) });
      });
      return write(chunk);
    }).finally(function () {
      chunk.forEach(function (r) { delete inflight[r.key]; });
    }).then(function () { return sendBatches(rest); });
  }
  function prune() {
    var weekAgo = Date.now() - 7 * 864e5;
    return getAll().then(function (all) {
      var old = all.filter(function (r) { return r.state !== 'waiting' && (r.sentAt || r.at) < weekAgo; });
      return old.length ? write([], old.map(function (r) { return r.key; })) : null;
    });
  }

  /* ---------- shared bits of the forms ---------- */
  function setupDates(form) {
    var date = form.querySelector('input[name=shared_on]');
    if (!date) return;
    // A page kept by the service worker may be from another day: today is today.
    if (!doc.getElementById('problem')) date.value = dayVi(0);
    var chips = form.querySelectorAll('.chip[data-days-ago]');
    function mark() {
      chips.forEach(function (c) { c.setAttribute('aria-pressed', String(date.value === dayVi(+c.dataset.daysAgo))); });
    }
    chips.forEach(function (c) {
      c.hidden = false;
      c.addEventListener('click', function () { date.value = dayVi(+c.dataset.daysAgo); mark(); });
    });
    date.addEventListener('input', mark);
    mark();
  }
  function setupPlatforms(form) {
    var radios = form.querySelectorAll('input[name=platform]');
    var checked = form.querySelector('input[name=platform]:checked');
    var last = null;
    try { last = localStorage.getItem('lantoa.platform'); } catch (e) { /* private mode */ }
    if (!checked && last) {
      var r = form.querySelector('input[name=platform][value="' + last + '"]');
      if (r) r.checked = true;
    }
    radios.forEach(function (r) {
      r.addEventListener('change', function () {
        try { localStorage.setItem('lantoa.platform', r.value); } catch (e) { /* private mode */ }
      });
    });
  }
  function chosenPlatform(form) {
    var c = form.querySelector('input[name=platform]:checked');
    return c ? c.value : '';
  }
  function say(box, text, cls) {
    if (!box) return;
    box.textContent = text;
    box.className = 'feedback' + (cls ? ' ' + cls : '');
  }
  function showDone(lines, cls) {
    var done = doc.getElementById('done');
    if (!done) return;
    done.textContent = '';
    lines.forEach(function (line, i) {
      var p = el('p');
      if (i === 0) p.appendChild(el('strong', '', line)); else p.textContent = line;
      done.appendChild(p);
    });
    done.className = 'notice ' + (cls || 'ok');
    done.hidden = false;
    done.scrollIntoView({ block: 'nearest' });
  }
  // A post on an account the person has not declared: offer to declare it, pre-filled.
  function declareHint(share) {
    var done = doc.getElementById('done');
    if (!done || !share || share.account_match !== 'undeclared' || !share.post_account) return;
    var p = el('p', 'declare-hint', t('undeclared') + ' ');
    var a = el('a', '', t('declare'));
    a.id = 'declare-link';
    a.href = '/me/accounts?platform=' + encodeURIComponent(share.platform) +
      '&address=' + encodeURIComponent(share.post_account);
    p.appendChild(a);
    done.appendChild(p);
  }
  function clearProblem() {
    var p = doc.getElementById('problem');
    if (p) p.remove();
    doc.querySelectorAll('[aria-invalid]').forEach(function (e) { e.removeAttribute('aria-invalid'); });
  }

  var verdicts = {};
  function verify(url) {
    if (verdicts[url]) return Promise.resolve(verdicts[url]);
    return api('POST', '/api/v1/verify', { url: url }).then(function (r) {
      if (r.status !== 200 || !r.json) return Promise.reject(r);
      var v = {
        ok: r.json.verdict === 'accepted',
        label: r.json.rule ? r.json.rule.label : '',
        message: r.json.verdict === 'accepted' ? r.json.message : reasonText(r.json.reason, r.json.message)
      };
      verdicts[url] = v;
      return v;
    });
  }

  /* ---------- log one share ---------- */
  function setupLogForm(form) {
    var source = form.querySelector('#source_url');
    var post = form.querySelector('#post_url');
    var date = form.querySelector('#shared_on');
    var feedback = doc.getElementById('source_check');
    var button = form.querySelector('button[type=submit]');
    var timer = null, lastLabel = '';
    setupDates(form);
    setupPlatforms(form);

    // Opened from the share sheet by the service worker's offline copy: fill in the address.
    if (location.pathname === '/share-target' && !source.value) {
      var q = new URLSearchParams(location.search);
      var found = [q.get('url'), q.get('text'), q.get('title')].map(function (s) { return extract(s || '')[0]; }).filter(Boolean)[0];
      if (found) source.value = found;
    }

    function check() {
      var value = source.value.trim();
      lastLabel = '';
      if (!value) { say(feedback, ''); return; }
      var url = extract(value)[0] || value;
      if (!navigator.onLine) { say(feedback, t('noNetCheck'), 'wait'); return; }
      say(feedback, t('checking'), 'wait');
      verify(url).then(function (v) {
        if (source.value.trim() !== value) return;
        lastLabel = v.label;
        say(feedback, v.ok ? v.message : '✗ ' + v.message, v.ok ? 'ok' : 'bad');
        if (v.ok) source.removeAttribute('aria-invalid'); else source.setAttribute('aria-invalid', 'true');
      }).catch(function () { say(feedback, t('noNetCheck'), 'wait'); });
    }
    source.addEventListener('paste', function () {
      setTimeout(function () {
        var found = extract(source.value);
        if (found.length && found[0] !== source.value.trim()) source.value = found[0];
        check();
      }, 0);
    });
    source.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(check, 400); });
    if (source.value && !doc.getElementById('problem')) check();

    function fieldFor(code) {
      if (['invalid_post_url', 'platform_mismatch', 'post_already_claimed'].indexOf(code) >= 0) return post;
      if (code === 'invalid_date') return date;
      if (code === 'invalid_platform') return form.querySelector('input[name=platform]');
      return source;
    }

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearProblem();
      var platform = chosenPlatform(form);
      if (!source.value.trim()) { source.reportValidity(); return; }
      if (!platform) {
        say(feedback, '✗ ' + t('choosePlatform'), 'bad');
        form.querySelector('input[name=platform]').focus();
        return;
      }
      var item = {
        source_url: extract(source.value)[0] || source.value.trim(),
        platform: platform,
        post_url: post.value.trim() || null,
        shared_on: date.value.trim() || dayVi(0)
      };
      var rec = record(item, lastLabel);
      button.disabled = true;
      write([rec]).then(function () {
        if (!navigator.onLine) return { queued: true };
        return sendOne(rec).catch(function () { return { queued: true }; });
      }).then(function (r) {
        if (r.queued || r.status === 0 || r.status >= 500 || r.status === 429 || r.status === 401) {
          showDone([t('queued')], 'warn');
          resetForm();
          if (navigator.onLine) setTimeout(flush, 5000);
          return renderQueue();
        }
        if (r.status === 201 || r.status === 200) {
          markSent(rec, r.json);
          showDone([t('logged') + ': ' + [rec.label, platformName(platform), rec.item.shared_on].join(' · '), t('next')]);
          declareHint(r.json);
          resetForm();
          return write([rec]).then(renderQueue);
        }
        // Refused (address not recognised, duplicate, bad date…): nothing stored, fix it here.
        var err = errorOf(r);
        var field = fieldFor(err.code);
        if (field === source) say(feedback, '✗ ' + err.message, 'bad');
        else showDone([err.message], 'bad');
        field.setAttribute('aria-invalid', 'true');
        field.focus();
        return write([], [rec.key]).then(renderQueue);
      }).finally(function () { button.disabled = false; });
    });

    function resetForm() {
      source.value = '';
      post.value = '';
      say(feedback, '');
      // Ready for the next one, with the confirmation above it still in sight.
      source.focus({ preventScroll: true });
      var done = doc.getElementById('done');
      if (done && !done.hidden) done.scrollIntoView({ block: 'start' });
    }
  }

  /* ---------- log several at once ---------- */
  function setupSeveral(form) {
    var text = form.querySelector('#links');
    var list = doc.getElementById('links-list');
    var countLine = doc.getElementById('links_count');
    var save = form.querySelector('#save-button');
    var checkButton = form.querySelector('#check-button');
    var max = +form.dataset.max || 50;
    var timer = null, links = [];
    setupDates(form);
    setupPlatforms(form);
    if (checkButton) checkButton.hidden = true;

    function row(url) {
      var li = el('li', 'wait');
      li.appendChild(el('span', 'url', url));
      li.appendChild(el('span', 'verdict', t('checking')));
      return li;
    }
    function refresh() {
      links = extract(text.value);
      list.textContent = '';
      if (!text.value.trim()) { say(countLine, ''); save.textContent = t('sendN', 0); return; }
      if (!links.length) { say(countLine, t('noneFound'), 'bad'); return; }
      if (links.length > max) { say(countLine, t('tooMany', max), 'bad'); }
      else say(countLine, t('foundN', links.length));
      var rows = links.map(function (url) { var li = row(url); list.appendChild(li); return li; });
      updateButton();
      var i = 0;
      function next() {
        if (i >= links.length) return Promise.resolve();
        var idx = i++, url = links[idx];
        if (!navigator.onLine) { rows[idx].querySelector('.verdict').textContent = t('noNetCheck'); return next(); }
        return verify(url).then(function (v) {
          rows[idx].className = v.ok ? 'ok' : 'bad';
          rows[idx].querySelector('.verdict').textContent = (v.ok ? '' : '✗ ') + v.message;
        }, function () {
          rows[idx].querySelector('.verdict').textContent = t('noNetCheck');
        }).then(function () { updateButton(); return next(); });
      }
      // Three at a time: quick on a phone, gentle on the server.
      Promise.all([next(), next(), next()]);
    }
    function sendable() {
      return links.filter(function (u) { return !(verdicts[u] && !verdicts[u].ok); });
    }
    function updateButton() { save.textContent = t('sendN', Math.min(sendable().length, max)); }
    text.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 500); });
    if (text.value.trim()) refresh();

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearProblem();
      refreshNow();
      var platform = chosenPlatform(form);
      var urls = sendable();
      if (!urls.length) { say(countLine, t('noneFound'), 'bad'); text.focus(); return; }
      if (urls.length > max) { say(countLine, t('tooMany', max), 'bad'); text.focus(); return; }
      if (!platform) {
        say(countLine, '✗ ' + t('choosePlatform'), 'bad');
        form.querySelector('input[name=platform]').focus();
        return;
      }
      var date = form.querySelector('#shared_on').value.trim() || dayVi(0);
      var recs = urls.map(function (u) {
        return record({ source_url: u, platform: platform, post_url: null, shared_on: date }, verdicts[u] && verdicts[u].label);
      });
      save.disabled = true;
      write(recs).then(function () {
        if (!navigator.onLine) return null;
        recs.forEach(function (r) { inflight[r.key] = true; });
        var items = recs.map(function (r) {
          return { idempotency_key: r.key, source_url: r.item.source_url, platform: r.item.platform, shared_on: r.item.shared_on };
        });
        return api('POST', '/api/v1/shares/batch', { items: items }).catch(function () { return null; })
          .finally(function () { recs.forEach(function (r) { delete inflight[r.key]; }); });
      }).then(function (r) {
        if (!r || r.status !== 200 || !r.json || !r.json.results) {
          showDone([t('queued')], 'warn');
          text.value = '';
          refresh();
          return renderQueue();
        }
        var failedUrls = [], ok = 0, drop = [];
        list.textContent = '';
        r.json.results.forEach(function (res, i) {
          var rec = recs[i];
          var li = el('li', res.ok ? 'ok' : 'bad');
          li.appendChild(el('span', 'url', rec.item.source_url));
          if (res.ok) {
            ok++;
            markSent(rec, res.share);
            li.appendChild(el('span', 'verdict', rec.label + ' ✓'));
          } else {
            failedUrls.push(rec.item.source_url);
            drop.push(rec.key);
            li.appendChild(el('span', 'verdict', '✗ ' + reasonText(res.error.code, res.error.message)));
          }
          list.appendChild(li);
        });
        // Addresses refused before sending stay in the box with those the server refused.
        var refused = links.filter(function (u) { return verdicts[u] && !verdicts[u].ok; });
        refused.forEach(function (u) {
          var li = el('li', 'bad');
          li.appendChild(el('span', 'url', u));
          li.appendChild(el('span', 'verdict', '✗ ' + verdicts[u].message));
          list.appendChild(li);
        });
        failedUrls = failedUrls.concat(refused);
        var lines = [t('okN', ok)];
        if (failedUrls.length) lines.push(t('badN', failedUrls.length));
        showDone(lines, failedUrls.length ? 'warn' : 'ok');
        text.value = failedUrls.join('\n');
        links = failedUrls;
        say(countLine, '');
        updateButton();
        return write(recs.filter(function (x) { return x.state === 'sent'; }), drop).then(renderQueue);
      }).finally(function () { save.disabled = false; });
    });
    function refreshNow() { clearTimeout(timer); links = extract(text.value); }
  }

  /* ---------- everywhere ---------- */
  var logForm = doc.getElementById('share-form');
  var severalForm = doc.getElementById('several-form');
  if (logForm) setupLogForm(logForm);
  if (severalForm) setupSeveral(severalForm);

  doc.querySelectorAll('form[action="/auth/logout"]').forEach(function (f) {
    f.addEventListener('submit', function () {
      if (window.caches) caches.delete('lantoa-pages');
    });
  });

  window.addEventListener('online', function () { showNet(); flush(); });
  window.addEventListener('offline', function () { renderQueue(); });
  doc.addEventListener('visibilitychange', function () { if (doc.visibilityState === 'visible') flush(); });
  setInterval(function () { flush(); }, 30000);
  prune().then(renderQueue).then(flush);

  if ('serviceWorker' in navigator) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register('/sw.js').catch(function () { /* the pages work without it */ });
    });
  }

  // For tests and curious people: the extraction rules in one place.
  window.lantoa = { extract: extract, flush: flush };
}());
