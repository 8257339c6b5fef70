// The agents' pages: canned answers, one submit per form, refresh only when idle.
// Loaded with `defer`; no inline handlers, so the CSP can stay `default-src 'self'`.
(function () {
  "use strict";

  // {{nama}}, {{no_pesanan}}, {{resi}}, {{kurir}}, {{toko}}: filled from this conversation (the reply
  // box carries them); an unknown or empty one stays visible for the agent to fill in.
  function fill(text, box) {
    return text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, function (whole, name) {
      var value = box.getAttribute("data-fill-" + name);
      return value ? value : whole;
    });
  }

  // Put a canned answer where the cursor is in the reply box (or at its end); `from` replaces
  // the typed "/shortcut" the picker was opened with.
  function insertCanned(button, from) {
    var box = document.getElementById(button.dataset.target || "reply-text");
    if (!box) return;
    var start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
    var end = typeof box.selectionEnd === "number" ? box.selectionEnd : box.value.length;
    if (typeof from === "number") start = from;
    var before = box.value.slice(0, start);
    var text = fill(button.dataset.cannedText || "", box);
    // Sentence case after a full stop or at the start; as written after a comma.
    if (!before.trim() || /[.!?]\s*$/.test(before)) text = text.charAt(0).toUpperCase() + text.slice(1);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    box.value = before + spacer + text + box.value.slice(end);
    var caret = (before + spacer + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-canned-text]");
    if (button && !button.closest(".canned-picker")) {
      event.preventDefault();
      insertCanned(button);
    }
  });

  // Type "/" in the reply box to search the canned answers: arrows choose, Enter or Tab inserts,
  // Escape closes; the keyboard never has to leave the box.
  var replyBox = document.getElementById("reply-text");
  var picker = document.querySelector(".canned-picker");
  var answers = Array.prototype.slice.call(document.querySelectorAll(".canned-list [data-canned-text]"));
  if (replyBox && picker && answers.length) {
    var chosen = 0, slashAt = -1, shown = [];
    var close = function () { picker.hidden = true; slashAt = -1; shown = []; };
    var render = function () {
      picker.textContent = "";
      shown.forEach(function (answer, i) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        item.className = "canned-option" + (i === chosen ? " is-chosen" : "");
        item.setAttribute("aria-selected", i === chosen ? "true" : "false");
        var key = document.createElement("strong");
        key.textContent = "/" + answer.dataset.cannedShortcut + " ";
        var text = document.createElement("span");
        text.textContent = fill(answer.dataset.cannedText, replyBox);
        item.appendChild(key);
        item.appendChild(text);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        picker.appendChild(item);
      });
      picker.hidden = shown.length === 0;
    };
    var choose = function (i) {
      var answer = shown[i];
      var from = slashAt;
      close();
      if (answer) insertCanned(answer, from);
    };
    replyBox.addEventListener("input", function () {
      var caret = replyBox.selectionStart;
      var match = /(^|\s)\/([\w-]*)$/.exec(replyBox.value.slice(0, caret));
      if (!match) { close(); return; }
      slashAt = caret - match[2].length - 1;
      var query = match[2].toLowerCase();
      shown = answers.filter(function (answer) {
        return answer.dataset.cannedShortcut.indexOf(query) === 0 || answer.dataset.cannedText.toLowerCase().indexOf(query) >= 0;
      }).slice(0, 8);
      chosen = 0;
      render();
    });
    replyBox.addEventListener("keydown", function (event) {
      if (picker.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        chosen = (chosen + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        render();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(chosen);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    replyBox.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // The reply's draft and its client key live in this tab's sessionStorage until the page shows
  // the reply stored: a reload after an error re-sends with the same key (the server then
  // sends it once), and a draft survives any reload.
  var keyInput = document.querySelector("[data-reply-key]");
  if (keyInput && window.sessionStorage) {
    var slot = "reply:" + keyInput.dataset.replyKey;
    var box = keyInput.form.querySelector("textarea");
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(slot) || "null"); } catch (e) { saved = null; }
    if (saved && saved.key) {
      var stored = document.querySelector('[data-client-key="' + saved.key.replace(/"/g, "") + '"]');
      if (stored) {
        sessionStorage.removeItem(slot);  // it went through: start afresh with the page's key
        saved = null;
      } else {
        keyInput.value = saved.key;  // not seen yet: a re-send must be the same reply
      }
    }
    if (saved && saved.draft && box && !box.value) box.value = saved.draft;
    var remember = function () {
      sessionStorage.setItem(slot, JSON.stringify({ key: keyInput.value, draft: box ? box.value : "" }));
    };
    if (box) box.addEventListener("input", remember);
    keyInput.form.addEventListener("submit", remember);
  }

  // A second click while the first is on its way does nothing (the server also dedupes by client key).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });

  // Live: the server says when the queue or this conversation changed (server-sent events, or
  // polling when streams are unavailable); the changed parts of the page are swapped in place, so
  // a reply being typed is never touched.
  var live = document.querySelector("[data-live]");
  if (live) {
    var last = JSON.parse(live.dataset.liveInitial || "null"), title = document.title, unseen = 0;
    var pollTimer = null, source = null;

    var scrollToNewest = function () {
      var history = document.querySelector("[data-live-part=history] .messages");
      var last = history && history.lastElementChild;
      if (last) last.scrollIntoView({block: "end"});
    };

    var swapParts = function () {
      return fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html");
          document.querySelectorAll("[data-live-part]").forEach(function (part) {
            var name = part.getAttribute("data-live-part");
            var replacement = fresh.querySelector('[data-live-part="' + name + '"]');
            if (!replacement || part.contains(document.activeElement) && document.activeElement !== document.body) return;
            part.innerHTML = replacement.innerHTML;
          });
          scrollToNewest();
        })
        .catch(function () { /* the next change tries again */ });
    };

    var beep = function () {
      try {
        var audio = new (window.AudioContext || window.webkitAudioContext)();
        var tone = audio.createOscillator(), gain = audio.createGain();
        tone.frequency.value = 880; gain.gain.value = 0.08;
        tone.connect(gain); gain.connect(audio.destination);
        tone.start(); tone.stop(audio.currentTime + 0.15);
      } catch (e) { /* no sound here */ }
    };

    var changed = function (state) {
      var previous = last;
      last = state;
      if (!previous) return;  // the page was rendered with this state
      if (JSON.stringify(previous) === JSON.stringify(state)) return;
      if (state.waiting > previous.waiting) {
        if (document.hidden) { unseen += state.waiting - previous.waiting; document.title = "(" + unseen + ") " + title; }
        beep();
        if (window.Notification && Notification.permission === "granted" && document.hidden) {
          new Notification(live.dataset.notifyTitle || "Kotak Masuk", {body: state.waiting + " menunggu"});
        }
      }
      swapParts();
    };

    var poll = function (delay) {
      window.clearTimeout(pollTimer);
      pollTimer = window.setTimeout(function () {
        fetch(live.dataset.liveState, {credentials: "same-origin"})
          .then(function (response) { return response.json(); })
          .then(function (state) { changed(state); poll(5000); })
          .catch(function () { poll(Math.min(delay * 2, 60000)); });
      }, delay);
    };

    var stream = function () {
      if (!window.EventSource) { poll(5000); return; }
      source = new EventSource(live.dataset.liveEvents);
      var failures = 0;
      source.addEventListener("change", function (event) { failures = 0; changed(JSON.parse(event.data)); });
      source.onerror = function () {
        failures += 1;
        // Refused (503: the process serves enough streams) or failing again and again: poll, and
        // try streaming again later. A dropped stream reconnects by itself.
        if (source.readyState === EventSource.CLOSED || failures >= 3) {
          source.close();
          poll(5000);
          window.setTimeout(function () { window.clearTimeout(pollTimer); stream(); }, 120000);
        }
      };
    };

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { unseen = 0; document.title = title; }
    });
    var notify = document.querySelector("[data-live-notify]");
    if (notify && window.Notification && Notification.permission === "default") {
      notify.hidden = false;
      notify.addEventListener("click", function () { Notification.requestPermission(); notify.hidden = true; });
    }
    scrollToNewest();
    stream();
  }
})();
