// Field visit forms on a cheap phone with a bad network: what is typed is kept on the
// phone until the server has it (text in localStorage, photos as files in IndexedDB
// through idb-keyval, since a file input is empty again after any reload), the phone's
// GPS fills the position, and a visit the server confirmed clears its draft.
(function () {
  "use strict";
  var PREFIX = "padu-draft:";
  var PHOTOS = "padu-photos:";
  var store = window.idbKeyval; // absent or refused (private mode): text drafts still work
  // A draft holds a family's names and numbers: one left on a phone longer than this is
  // dropped. (Signing out clears them all: the server answers with Clear-Site-Data.)
  var DRAFT_DAYS = 14;
  var SAVED_AT = "_saved_at";

  function dropDraft(name) {
    localStorage.removeItem(name);
    if (store) { store.del(PHOTOS + name.slice(PREFIX.length)).catch(function () {}); }
  }

  Object.keys(localStorage).forEach(function (name) {
    if (name.indexOf(PREFIX) !== 0) { return; }
    var saved = 0;
    try { saved = JSON.parse(localStorage.getItem(name))[SAVED_AT] || 0; } catch (e) { /* unreadable */ }
    if (Date.now() - saved > DRAFT_DAYS * 86400000) { dropDraft(name); }
  });

  function savePhotos(input, key) {
    if (!store) { return; }
    var files = Array.prototype.slice.call(input.files || []);
    (files.length ? store.set(PHOTOS + key, files) : store.del(PHOTOS + key)).catch(function () {});
  }

  // Put the draft's photos back into an empty file input; says how many came back.
  function restorePhotos(input, key) {
    if (!store || (input.files && input.files.length)) { return Promise.resolve(0); }
    return store.get(PHOTOS + key).then(function (files) {
      if (!files || !files.length || typeof DataTransfer === "undefined") { return 0; }
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      return files.length;
    }).catch(function () { return 0; });
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
    });
  }

  function save(form, key) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    data[SAVED_AT] = Date.now();
    try { localStorage.setItem(PREFIX + key, JSON.stringify(data)); } catch (e) { /* full or private mode */ }
  }

  function restore(form, key) {
    var raw = localStorage.getItem(PREFIX + key);
    if (!raw) { return false; }
    var data = JSON.parse(raw);
    fields(form).forEach(function (el) {
      if (!(el.name in data)) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
        return;
      }
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
    return true;
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = form.getAttribute("data-draft");
    var note = document.querySelector("[data-draft-note]");
    var hasErrors = document.querySelector(".errorlist, .message.error[role=alert]");
    // A page the server sent back with errors shows the server's values, not the draft;
    // its photos, which no server page can send back, come from the draft either way.
    if (!hasErrors && restore(form, key) && note) { note.hidden = false; }
    var photos = form.querySelector("input[type=file][name=photos]");
    if (photos) {
      restorePhotos(photos, key).then(function (count) {
        var status = document.querySelector("[data-photos-restored]");
        if (count && status) {
          status.textContent = count + " foto yang belum terkirim juga dimuat lagi.";
          status.hidden = false;
        }
      });
      photos.addEventListener("change", function () { savePhotos(photos, key); });
    }
    form.addEventListener("input", function () { save(form, key); });
    form.addEventListener("change", function () { save(form, key); });
    form.addEventListener("submit", function (event) {
      save(form, key);
      if (navigator.onLine === false) {
        event.preventDefault();
        var offline = document.querySelector("[data-offline-note]");
        if (offline) { offline.hidden = false; offline.scrollIntoView(); }
      }
    });
  });

  // The visit page after a successful send: drop the draft that carried this visit's key.
  var sent = document.querySelector("[data-sent]");
  if (sent && sent.getAttribute("data-sent")) {
    var sentKey = sent.getAttribute("data-sent");
    Object.keys(localStorage).forEach(function (name) {
      if (name.indexOf(PREFIX) !== 0) { return; }
      var sentDraft;
      try {
        sentDraft = JSON.parse(localStorage.getItem(name)).client_key === sentKey;
      } catch (e) { sentDraft = true; }
      if (sentDraft) { dropDraft(name); }
    });
  }

  // The new address of a family that moved is asked only when "pindah" is chosen.
  document.querySelectorAll("[data-moved]").forEach(function (block) {
    var form = block.closest("form");
    function toggle() {
      var chosen = form.querySelector("input[name=outcome]:checked");
      block.hidden = !(chosen && chosen.value === "pindah");
    }
    form.addEventListener("change", toggle);
    toggle();
  });

  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var status = document.querySelector("[data-locate-status]");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = "Ponsel ini tidak memberi lokasi."; return; }
      status.textContent = "Mencari lokasi …";
      navigator.geolocation.getCurrentPosition(function (pos) {
        var form = button.form;
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        form.elements.gps_accuracy_m.value = Math.round(pos.coords.accuracy);
        status.textContent = "Lokasi didapat (± " + Math.round(pos.coords.accuracy) + " m).";
        form.dispatchEvent(new Event("change"));
      }, function (error) {
        status.textContent = "Lokasi tidak didapat: " + error.message;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  });
})();
