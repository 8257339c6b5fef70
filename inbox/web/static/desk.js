// The agents' pages: canned answers, one submit per form, refresh only when idle.
// Loaded with `defer`; no inline handlers, so the CSP can stay `default-src 'self'`.
(function () {
  "use strict";

  // Put a canned answer where the cursor is in the reply box (or at its end).
  function insertCanned(button) {
    var box = document.getElementById(button.dataset.target || "reply-text");
    if (!box) return;
    var text = button.dataset.cannedText || "";
    var start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
    var end = typeof box.selectionEnd === "number" ? box.selectionEnd : box.value.length;
    var before = box.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    box.value = before + spacer + text + box.value.slice(end);
    var caret = (before + spacer + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-canned-text]");
    if (button) {
      event.preventDefault();
      insertCanned(button);
    }
  });

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

  // New customer messages show up without a manual reload, but never while an agent is typing.
  var idle = document.querySelector("[data-idle-refresh]");
  if (idle) {
    var seconds = parseInt(idle.dataset.idleRefresh, 10) || 15;
    window.setInterval(function () {
      var box = idle.querySelector("textarea");
      var typing = box && (box.value.trim() !== "" || document.activeElement === box);
      if (!typing && idle.dataset.sent !== "1") window.location.reload();
    }, seconds * 1000);
  }
})();
