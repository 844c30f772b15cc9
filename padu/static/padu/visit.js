// Field visit forms on a cheap phone with a bad network: what is typed is kept on the
// phone until the server has it, the phone's GPS fills the position, and a visit the
// server confirmed clears its draft.
(function () {
  "use strict";
  var PREFIX = "padu-draft:";

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
    var hasErrors = document.querySelector(".errorlist, .message.error[role=alert]");
    // A page the server sent back with errors shows the server's values, not the draft.
    if (!hasErrors && restore(form, key)) {
      var note = document.querySelector("[data-draft-note]");
      if (note) { note.hidden = false; }
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
      try {
        if (JSON.parse(localStorage.getItem(name)).client_key === sentKey) { localStorage.removeItem(name); }
      } catch (e) { localStorage.removeItem(name); }
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
