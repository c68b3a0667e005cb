/* The village report form's service worker: the form, its script and the site CSS come from
   the cache first (the form opens without a signal), refreshed from the network when there is
   one. Nothing else is cached; the form's answers and its token always go to the network. */
const CACHE = "laporan-desa-v1";
const FORM = "{{ form_url }}";
const SHELL = [FORM{% for asset in assets %}, "{{ asset }}"{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const path = new URL(request.url).pathname;
  if (!SHELL.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(path).then((cached) => {
        const fresh = fetch(request)
          .then((response) => {
            if (response.ok && !response.redirected) cache.put(path, response.clone());
            return response;
          })
          .catch(() => cached);
        return cached || fresh;
      })
    )
  );
});
