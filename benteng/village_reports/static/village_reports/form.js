/* The village report form on a phone with a weak signal: the draft is kept in localStorage
   under a UUID made here (the server's idempotency key), photos are resized to 1280 px JPEG
   before they are kept, and drafts waiting to go are sent on load and when the connection
   returns, with a fresh CSRF token (the cached page's may be stale). Without this script the
   form posts as any form. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.localStorage || !window.fetch) return;
  var PREFIX = "benteng.laporan.";
  var CURRENT = PREFIX + "current";
  var MAX_SIDE = 1280;
  var statusBox = document.getElementById("report-status");
  var photoInput = document.getElementById("id_photos");
  var photoCount = document.getElementById("photo-count");
  var sending = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function say(text, link) {
    statusBox.hidden = false;
    statusBox.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link.url;
      a.textContent = " " + link.number;
      statusBox.appendChild(a);
    }
  }
  function load(id) {
    try { return JSON.parse(localStorage.getItem(PREFIX + "d." + id)) || null; } catch (e) { return null; }
  }
  function save(draft) {
    localStorage.setItem(PREFIX + "d." + draft.id, JSON.stringify(draft));
  }
  function drop(id) { localStorage.removeItem(PREFIX + "d." + id); }
  function pendingIds() {
    var ids = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key.indexOf(PREFIX + "d.") === 0) {
        var draft = load(key.slice(PREFIX.length + 2));
        if (draft && draft.pending) ids.push(draft.id);
      }
    }
    return ids;
  }
  function fieldsOf() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      values[el.name] = el.type === "checkbox" ? (el.checked ? "on" : "") : el.value;
    });
    return values;
  }
  function fill(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.type === "file") return;
      if (el.type === "checkbox") el.checked = values[el.name] === "on"; else el.value = values[el.name];
    });
  }
  function current() {
    var id = localStorage.getItem(CURRENT);
    var draft = id && load(id);
    if (!draft || draft.pending) {
      draft = { id: newId(), fields: {}, photos: [], pending: false };
      localStorage.setItem(CURRENT, draft.id);
    }
    return draft;
  }
  var draft = current();
  // A page the server sent back with errors holds what was typed; otherwise the kept draft.
  if (!form.querySelector(".errorlist")) fill(draft.fields);
  form.elements.draft_uuid.value = draft.id;
  showPhotos();

  function keep() {
    draft.fields = fieldsOf();
    draft.fields.draft_uuid = draft.id;
    save(draft);
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);

  function showPhotos() {
    photoCount.textContent = draft.photos.length ? draft.photos.length + " " + form.dataset.photos : "";
  }
  function readAsDataUrl(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }
  // The site's Content-Security-Policy allows data: images (not blob:), so the photo is read
  // as a data URL, drawn on a canvas at most MAX_SIDE px on its longest side, kept as JPEG.
  function resize(file) {
    return readAsDataUrl(file).then(function (original) {
      return new Promise(function (resolve) {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale);
          canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.8));
        };
        // Not an image the phone can read: kept as it is; the server says why it is refused.
        img.onerror = function () { resolve(original); };
        img.src = original;
      });
    });
  }
  photoInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(photoInput.files);
    Promise.all(files.map(resize)).then(function (urls) {
      draft.photos = draft.photos.concat(urls).slice(0, 3);
      photoInput.value = "";
      keep();
      showPhotos();
    });
  });

  function blobOf(dataUrl) {
    var parts = dataUrl.split(",");
    var type = (parts[0].match(/:(.*?);/) || [])[1] || "application/octet-stream";
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: type });
  }
  function showErrors(errors) {
    Array.prototype.forEach.call(form.querySelectorAll(".errorlist.js"), function (el) { el.remove(); });
    Object.keys(errors).forEach(function (name) {
      var el = form.elements[name.replace(/\./g, "-")] || photoInput;
      var list = document.createElement("ul");
      list.className = "errorlist js";
      errors[name].forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        list.appendChild(li);
      });
      (el.closest(".field") || form).appendChild(list);
    });
  }
  function send(id) {
    var item = load(id);
    if (!item) return Promise.resolve();
    if (!navigator.onLine) { say(form.dataset.saved); return Promise.resolve(); }
    return fetch(form.dataset.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("login");
        return response.json();
      })
      .then(function (token) {
        var body = new FormData();
        Object.keys(item.fields).forEach(function (name) { body.append(name, item.fields[name]); });
        body.set("draft_uuid", item.id);
        item.photos.forEach(function (url, index) { body.append("photos", blobOf(url), "foto-" + (index + 1) + ".jpg"); });
        return fetch(form.action, {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "X-CSRFToken": token.csrf, Accept: "application/json" }
        });
      })
      .then(function (response) {
        return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
      })
      .then(function (result) {
        if (result.status === 200 || result.status === 201) {
          drop(id);
          say(form.dataset.sent, result.answer);
          return;
        }
        if (result.status === 400) {
          // Back into the form, as typed, with what is wrong.
          item.pending = false;
          save(item);
          localStorage.setItem(CURRENT, item.id);
          draft = item;
          form.reset();
          fill(item.fields);
          form.elements.draft_uuid.value = item.id;
          showPhotos();
          showErrors(result.answer.errors || {});
          say(form.dataset.invalid);
        }
      })
      .catch(function (error) {
        say(error && error.message === "login" ? form.dataset.login : form.dataset.saved);
      });
  }
  function sendPending() {
    if (sending) return;
    sending = true;
    var ids = pendingIds();
    var chain = Promise.resolve();
    ids.forEach(function (id) { chain = chain.then(function () { return send(id); }); });
    chain.then(function () { sending = false; });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    keep();
    draft.pending = true;
    save(draft);
    var sent = draft.id;
    say(navigator.onLine ? form.dataset.sending : form.dataset.saved);
    draft = { id: newId(), fields: {}, photos: [], pending: false };
    localStorage.setItem(CURRENT, draft.id);
    form.reset();
    form.elements.draft_uuid.value = draft.id;
    showPhotos();
    if (navigator.onLine) { sending = true; send(sent).then(function () { sending = false; }); }
  });
  window.addEventListener("online", sendPending);
  sendPending();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.workerUrl, { scope: form.dataset.formUrl }).catch(function () {});
  }
})();
