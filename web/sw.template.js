// Headroom's service worker: once the page has loaded, the app works offline.
// Generated into the build by scripts/service-worker.sh (Trunk post-build hook), which fills in the
// list of built files and a version derived from their contents. It caches Headroom's own files
// only; the planner's data never passes through it (files are read locally, never fetched).
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = "headroom-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("headroom-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  // The network first, so a new build shows at once (the worker's files keep their names across
  // builds); the cached copy when offline. The page itself falls back to the cached index.html.
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      fetch(request)
        .then((response) => {
          if (response.ok && response.type === "basic") {
            cache.put(request, response.clone());
          }
          return response;
        })
        .catch(() =>
          cache.match(request).then((hit) => hit || (request.mode === "navigate" ? cache.match("./index.html") : Response.error())),
        ),
    ),
  );
});
