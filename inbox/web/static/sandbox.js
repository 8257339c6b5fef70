/* The sandbox view: send as a customer, then show the thread as the platform shows it (replies
 * under a public comment, private replies in the DM panel). Text is always set as text. */
(function () {
  "use strict";
  var box = document.querySelector("[data-sandbox]");
  if (!box) { return; }
  var comments = box.dataset.comments === "true";
  var main = box.querySelector(".sandbox-log-main"), dm = box.querySelector(".sandbox-log-dm");
  var form = box.querySelector(".sandbox-form"), errorBox = box.querySelector(".sandbox-error");
  var waiting = box.querySelector(".sandbox-waiting"), openLink = box.querySelector(".sandbox-open");
  var labels = {customer: "Pelanggan", bot: "Bot", agent: "Agen", hidden: "Komentar disembunyikan"};
  if (document.documentElement.lang === "en") {
    labels = {customer: "Customer", bot: "Bot", agent: "Agent", hidden: "Comment hidden"};
  }

  function bubble(message) {
    var li = document.createElement("li");
    li.className = "sandbox-msg sandbox-" + message.from + " sandbox-" + message.target;
    li.dataset.message = message.id;
    var who = document.createElement("span");
    who.className = "sandbox-who";
    who.textContent = message.from === "agent" ? (message.agent || labels.agent) : labels[message.from] || message.from;
    var text = document.createElement("div");
    text.className = "sandbox-text";
    text.textContent = message.text;
    li.appendChild(who);
    li.appendChild(text);
    return li;
  }

  function render(payload) {
    var byId = {};
    main.textContent = "";
    if (dm) { dm.textContent = ""; }
    payload.messages.forEach(function (message) {
      if (message.target === "hide") {
        var hidden = byId[message.reply_to];
        if (hidden) { hidden.classList.add("sandbox-hidden"); hidden.querySelector(".sandbox-who").textContent += " · " + labels.hidden; }
        return;
      }
      if (message.target === "unhide" || message.target === "delete") { return; }
      var li = bubble(message);
      if (comments && message.target === "private_reply") { dm.appendChild(li); return; }
      if (comments && message.target === "public_reply" && byId[message.reply_to]) {
        var replies = byId[message.reply_to].querySelector("ol") || byId[message.reply_to].appendChild(document.createElement("ol"));
        replies.className = "sandbox-replies";
        replies.appendChild(li);
        return;
      }
      byId[message.id] = li;
      main.appendChild(li);
    });
    if (payload.waiting.length) {
      waiting.hidden = false;
      openLink.href = box.dataset.agentUrl.replace(/\/1$/, "/" + payload.waiting[payload.waiting.length - 1].id);
    } else {
      waiting.hidden = true;
    }
  }

  function refresh() {
    return fetch(box.dataset.threadUrl, {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(render)
      .catch(function () { /* the next refresh tries again */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var data = new FormData(form);
    fetch(box.dataset.sendUrl, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) {
        return response.json().then(function (payload) {
          if (!response.ok) { throw new Error(payload.error || ("HTTP " + response.status)); }
          form.querySelector("textarea").value = "";
          return refresh();
        });
      })
      .catch(function (error) { errorBox.textContent = error.message; errorBox.hidden = false; });
  });
  form.querySelector("textarea").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  refresh();
  setInterval(refresh, 1500);
})();
