// cardscan web: drag and drop, progress polling, saving each field as soon as it changes.
// Every page works without this file; it only makes things quicker. Text from the server is
// always put in with textContent, never as HTML.
(function () {
  "use strict";
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // ---- drag and drop -------------------------------------------------------------------------
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("photos");
  var chosen = document.getElementById("chosen");
  function listChosen() {
    if (!chosen || !input) return;
    chosen.textContent = "";
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)";
      chosen.appendChild(li);
    });
  }
  if (zone && input) {
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; listChosen(); }
    });
    input.addEventListener("change", listChosen);
    var form = document.getElementById("upload-form");
    form.addEventListener("submit", function () {
      var b = document.getElementById("upload-button");
      b.disabled = true; b.textContent = "Wird hochgeladen …";
    });
  }

  // ---- progress ------------------------------------------------------------------------------
  var job = document.getElementById("job");
  var LABEL = { queued: "wartet", running: "wird gelesen …" };
  function renderJob(data) {
    var items = document.querySelectorAll("#job-photos li.photo[data-index]");
    data.photos.forEach(function (p, i) {
      var li = items[i]; if (!li) return;
      li.className = "photo status-" + p.status;
      li.querySelector(".state").textContent = p.status === "done" ? p.n_cards + " Karten gelesen"
        : p.status === "failed" ? "nicht lesbar: " + p.message : LABEL[p.status];
    });
    var t = document.getElementById("job-themes");
    t.className = "photo status-" + data.themes;
    t.querySelector(".state").textContent = data.themes === "done" ? "fertig" + (data.themes_message ? " (" + data.themes_message + ")" : "")
      : data.themes === "failed" ? data.themes_message : data.themes === "running" ? "läuft …" : "wartet";
    var bar = document.getElementById("job-progress");
    bar.max = data.total + 1;
    bar.value = data.done + (data.themes === "done" || data.themes === "failed" ? 1 : 0);
    document.getElementById("job-count").textContent = data.done + " von " + data.total + " Fotos";
    if (data.status === "done") {
      document.getElementById("job-title").textContent = data.total ? "Fertig gelesen" : "Fertig";
      document.getElementById("job-next").hidden = false;
      job.dataset.status = "done";
    }
  }
  function poll() {
    fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { renderJob(data); if (data.status !== "done") setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (job && job.dataset.status !== "done") setTimeout(poll, 500);

  // ---- saving cards --------------------------------------------------------------------------
  var dirty = new Map(); // form -> {field: value}
  function state(form, cls, text) {
    var s = form.querySelector(".save-state");
    s.className = "save-state " + cls; s.textContent = text;
  }
  // One card's saves go out one after the other, so the last choice is the one the server keeps
  // (arrow keys in "Verschieben nach" save on every step).
  var queues = new Map();
  function save(form, fields) {
    var next = (queues.get(form) || Promise.resolve()).then(function () { return send(form, fields); });
    queues.set(form, next);
    return next;
  }
  function send(form, fields) {
    state(form, "busy", "wird gespeichert …");
    var body = Object.assign({ csrf: token }, fields);
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || ("Fehler " + r.status));
        var pending = dirty.get(form) || {};
        Object.keys(fields).forEach(function (k) { if (pending[k] === fields[k]) delete pending[k]; });
        if (fields.theme) addTheme(fields.theme);
        state(form, "ok", data.changed.length ? "gespeichert ✓" : "unverändert");
        moved(form, fields);
        if (data.changed.indexOf("votes") >= 0) showVotes(form, data.card.votes);
        if (data.changed.indexOf("text") >= 0) markChecked(form);
      });
    }).catch(function (err) {
      state(form, "err", "NICHT gespeichert: " + err.message + " – bitte noch einmal versuchen");
    });
  }
  // The dot count beside the card id follows a corrected count ("● 3"; none for 0).
  function showVotes(form, votes) {
    var head = form.querySelector(".card-head");
    var badge = head.querySelector(".votes");
    if (!votes) { if (badge) badge.remove(); return; }
    if (!badge) {
      badge = document.createElement("span"); badge.className = "votes"; badge.title = "Klebepunkte";
      head.querySelector("code").after(badge);
    }
    badge.textContent = "● " + votes;
  }
  function markChecked(form) {
    var card = form.closest("article.card");
    card.classList.remove("flagged");
    var why = card.querySelector(".why");
    if (why) { why.className = "fixed"; why.textContent = "geprüft"; }
    var confirm = card.querySelector("button.confirm");
    if (confirm) confirm.remove();
  }
  function addTheme(name) {
    var list = document.getElementById("themes");
    if (!list) return;
    var exists = Array.prototype.some.call(list.options, function (o) { return o.value === name; });
    if (!exists) { var o = document.createElement("option"); o.value = name; list.appendChild(o); }
  }
  document.querySelectorAll("form.card-form").forEach(function (form) {
    form.querySelectorAll("textarea, input[name], select[name]").forEach(function (field) {
      if (field.type === "hidden") return;
      field.addEventListener("input", function () {
        var d = dirty.get(form) || {}; d[field.name] = field.value; dirty.set(form, d);
        state(form, "busy", "geändert – wird beim Verlassen des Feldes gespeichert");
      });
      field.addEventListener("change", function () {
        var f = {}; f[field.name] = field.value; save(form, f);
      });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var f = {};
      form.querySelectorAll("textarea, input[name], select[name]").forEach(function (x) { if (x.type !== "hidden") f[x.name] = x.value; });
      if (e.submitter && e.submitter.name === "confirm") f.confirm = "1";
      save(form, f);
    });
  });
  // ---- board view: move cards between clusters or themes ---------------------------------------
  function column(name) {
    var found = null;
    document.querySelectorAll("section.column[data-group]").forEach(function (c) { if (c.dataset.group === name) found = c; });
    return found;
  }
  function recount() {
    document.querySelectorAll("section.column").forEach(function (c) {
      c.querySelector(".count").textContent = c.querySelectorAll("li.chip").length;
    });
  }
  // After a save: a card whose cluster or theme changed goes to that column, its outline takes the colour.
  function moved(form, fields) {
    var select = form.querySelector("select.move");
    var chip = form.closest("li.chip");
    if (!select || !chip || !(select.name in fields)) return;
    if (fields[select.name] !== select.value) return;  // arrow keys ran on: a later save places the card
    var target = column(fields[select.name]);
    if (!target) { window.location.reload(); return; }  // a name without a column yet: the server draws it
    var focused = chip.contains(document.activeElement) ? document.activeElement : null;
    if (chip.parentNode !== target.querySelector("ul.column-cards")) {
      target.querySelector("ul.column-cards").appendChild(chip);
      if (focused) focused.focus();  // moving the card must not throw the keyboard user out of it
    }
    recount();
    var outline = document.querySelector("a.card-outline[data-card-id='" + chip.dataset.cardId + "']");
    var colour = Array.prototype.find.call(target.classList, function (k) { return /^g\d+$/.test(k); });
    if (outline && colour) {
      outline.setAttribute("class", outline.getAttribute("class").replace(/\bg\d+\b/, colour));
    }
    redrawPhotos();
  }
  // The cluster boxes on the photos follow the move: the server draws them, the page swaps them in.
  var redraws = 0;
  function redrawPhotos() {
    if (!document.querySelector("figure.board svg.overlay")) return;
    var mine = ++redraws;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        if (mine !== redraws) return;  // a later move's drawing is on its way
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("figure.board").forEach(function (fig) {
          var now = fig.querySelector("svg.overlay");
          var next = fresh.querySelector("#" + fig.id + " svg.overlay");
          if (!now || !next) return;
          var active = now.querySelector("a.card-outline.active");
          now.replaceWith(document.importNode(next, true));
          bindOutlines(fig);
          if (active) {
            var again = fig.querySelector("a.card-outline[data-card-id='" + active.dataset.cardId + "']");
            if (again) again.classList.add("active");
          }
        });
      })
      .catch(function () { /* the boxes stay as they were; the next page load draws them */ });
  }
  function moveTo(chip, name) {
    var form = chip.querySelector("form");
    var select = form.querySelector("select.move");
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === name; })) {
      var o = document.createElement("option"); o.value = name; o.textContent = name; select.appendChild(o);
    }
    select.value = name;
    var f = {}; f[select.name] = name; save(form, f);
  }
  document.querySelectorAll("li.chip[draggable]").forEach(function (chip) {
    chip.addEventListener("dragstart", function (e) {
      e.dataTransfer.setData("text/plain", chip.dataset.cardId);
      e.dataTransfer.effectAllowed = "move";
      chip.classList.add("dragging");
    });
    chip.addEventListener("dragend", function () { chip.classList.remove("dragging"); });
  });
  document.querySelectorAll("section.column[data-group]").forEach(function (col) {
    col.addEventListener("dragover", function (e) { e.preventDefault(); col.classList.add("over"); });
    col.addEventListener("dragleave", function () { col.classList.remove("over"); });
    col.addEventListener("drop", function (e) {
      e.preventDefault(); col.classList.remove("over");
      var chip = document.getElementById("karte-" + e.dataTransfer.getData("text/plain"));
      if (chip && chip.closest("section.column") !== col) moveTo(chip, col.dataset.group);
    });
  });
  // Clicking a card on the photo opens its editor below.
  function bindOutlines(root) {
    root.querySelectorAll("a.card-outline").forEach(function (a) {
      a.addEventListener("click", function (e) {
        var chip = document.getElementById("karte-" + a.dataset.cardId);
        if (!chip) return;
        e.preventDefault();
        document.querySelectorAll(".active").forEach(function (x) { x.classList.remove("active"); });
        chip.classList.add("active"); a.classList.add("active");
        chip.scrollIntoView({ block: "center" });
        chip.querySelector("textarea").focus();
      });
    });
    // Clicking a heading on the photo opens its cluster's rename form.
    root.querySelectorAll("a.heading-box[data-cluster]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        var col = column(a.dataset.cluster);
        var tools = col && col.querySelector("details.column-tools");
        if (!tools) return;
        e.preventDefault();
        tools.open = true;
        col.scrollIntoView({ block: "start" });
        var name = tools.querySelector("input[name=new]");
        name.focus(); name.select();
      });
    });
  }
  bindOutlines(document);

  // Closing the tab in the middle of typing still saves what was typed.
  function flush() {
    dirty.forEach(function (fields, form) {
      if (!Object.keys(fields).length) return;
      var blob = new Blob([JSON.stringify(Object.assign({ csrf: token }, fields))], { type: "text/plain" });
      navigator.sendBeacon(form.action, blob);
    });
    dirty.clear();
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
})();
