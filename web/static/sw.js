/* Lan tỏa service worker: keeps the app's files and the last copy of each of my pages on the
   phone, so the form opens without a connection (and from the share sheet). It never touches
   the API: shares made offline wait in the page's IndexedDB queue and are sent with their
   Idempotency-Key. The version changes whenever any file changes. */
'use strict';
var VERSION = '__VERSION__';
var FILES = 'lantoa-static-' + VERSION;
var PAGES = 'lantoa-pages';
var PRECACHE = ['/static/app.css', '/static/app.js', '/static/icons.svg', '/static/icon.svg', '/manifest.webmanifest'];
var KEPT_PAGES = ['/', '/shares/several', '/me/history', '/me/progress'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(FILES).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('lantoa-static-') === 0 && k !== FILES; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/api/') === 0 || url.pathname.indexOf('/auth/') === 0 || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') {
    event.respondWith(page(event, request, url));
  } else if (url.pathname.indexOf('/static/') === 0 || url.pathname === '/manifest.webmanifest') {
    event.respondWith(file(request));
  }
});

/* Files: from the versioned cache, else the network (and keep it). */
function file(request) {
  return caches.open(FILES).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

/* Pages: the network first (always fresh when online); offline, the last copy. The share
   target offline gets the form, whose script reads the shared text from the address. */
function page(event, request, url) {
  var kept = KEPT_PAGES.indexOf(url.pathname) >= 0 ? url.pathname : null;
  var fallback = url.pathname === '/share-target' ? '/' : kept;
  return fetch(request).then(function (response) {
    if (kept && response.type === 'opaqueredirect') {
      // Signed out: what was kept belongs to a session that is over.
      event.waitUntil(caches.delete(PAGES));
    } else if (kept && response.ok && url.search === '') {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(kept, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return (fallback ? cache.match(fallback) : Promise.resolve(undefined)).then(function (hit) {
        return hit || cache.match('/').then(function (home) { return home || offline(); });
      });
    });
  });
}

function offline() {
  return new Response('<!doctype html><html lang="vi"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Lan tỏa</title>' +
    '<h1>Không có kết nối mạng</h1><p>Hãy mở lại Lan tỏa khi có mạng. Những gì đã ghi nhận trên máy vẫn được giữ và sẽ tự gửi.</p>' +
    '<p lang="en">No connection. Open Lan tỏa again when you are online; what you logged on this phone is kept and will be sent.</p></html>',
    { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}
