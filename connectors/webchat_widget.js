/* The shop's chat bubble. Served by the inbox at /webhooks/webchat/widget.js; embed with
 *   <script src="https://INBOX-HOST/webhooks/webchat/widget.js" data-title="Toko Sari"
 *           data-color="#0f766e" data-greeting="Halo kak! Ada yang bisa kami bantu?" async></script>
 * No framework, no cookie: the visitor's token lives in this site's localStorage. Everything a
 * person typed is shown with textContent, never as HTML. Replies are fetched every few seconds. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__inboxWebchat) { return; }
  window.__inboxWebchat = true;
  var base = new URL(script.src).origin + "/webhooks/webchat";
  var data = script.dataset || {};
  var title = data.title || "Chat";
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#0f766e";
  var lang = (data.lang || document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id";
  var T = {
    id: {greeting: "Halo kak! Ada yang bisa kami bantu?", placeholder: "Tulis pesan…", send: "Kirim",
         open: "Chat dengan kami", close: "Tutup", joined: " bergabung di chat", contact: "Tinggalkan nama & nomor WhatsApp",
         name: "Nama", phone: "Nomor WhatsApp", failed: "Pesan belum terkirim, coba lagi.", bot: "Bot", agent: "Admin", attach: "Kirim foto", photo: "📷 Foto",
         closed: "Kami sedang tutup. Pesan tetap kami terima dan dibalas "},
    en: {greeting: "Hi! How can we help?", placeholder: "Write a message…", send: "Send",
         open: "Chat with us", close: "Close", joined: " joined the chat", contact: "Leave your name & WhatsApp number",
         name: "Name", phone: "WhatsApp number", failed: "Not sent, please try again.", bot: "Bot", agent: "Agent", attach: "Send a photo", photo: "📷 Photo",
         closed: "We are closed now. Leave a message and we will answer "}
  }[lang];
  var greeting = data.greeting || T.greeting;
  var storeKey = "inbox-webchat:" + base;

  var host = document.createElement("div");
  host.setAttribute("data-inbox-webchat", "");
  var root = host.attachShadow ? host.attachShadow({mode: "open"}) : host;
  var css =
    ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
    ".bubble{position:fixed;right:16px;bottom:16px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;" +
    "color:#fff;font-size:26px;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}" +
    ".panel{position:fixed;right:16px;bottom:84px;width:340px;max-width:calc(100vw - 32px);height:480px;" +
    "max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);" +
    "display:none;flex-direction:column;overflow:hidden;z-index:2147483000;color:#111}" +
    ".panel.open{display:flex}.head{color:#fff;padding:12px 14px;font-weight:600;display:flex;justify-content:space-between;align-items:center}" +
    ".head button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f4f5f7;display:flex;flex-direction:column;gap:6px}" +
    ".msg{max-width:82%;padding:8px 10px;border-radius:12px;font-size:14px;line-height:1.35;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".msg.visitor{align-self:flex-end;color:#fff}.msg.bot,.msg.agent{align-self:flex-start;background:#fff;border:1px solid #e3e5e8}" +
    ".who{display:block;font-size:11px;color:#667;margin-bottom:2px}.note{align-self:center;font-size:12px;color:#667}" +
    ".contact{padding:6px 12px;border-top:1px solid #eee;font-size:12px}.contact summary{cursor:pointer;color:#445}" +
    ".contact input{width:100%;margin-top:4px;padding:6px;border:1px solid #ccd;border-radius:6px;font-size:13px}" +
    "form.compose{display:flex;gap:6px;padding:10px;border-top:1px solid #eee}" +
    "form.compose textarea{flex:1;resize:none;height:40px;padding:8px;border:1px solid #ccd;border-radius:8px;font-size:14px}" +
    "form.compose button.send{border:0;border-radius:8px;color:#fff;padding:0 14px;font-size:14px;cursor:pointer}" +
    "form.compose button.attach{border:1px solid #ccd;background:#fff;border-radius:8px;padding:0 8px;font-size:18px;cursor:pointer}" +
    ".photo{display:block;font-size:12px;opacity:.85;margin-top:2px}" +
    ".error{color:#b00020;font-size:12px;padding:0 12px}";
  // A constructed stylesheet: allowed under a strict Content-Security-Policy (no inline <style>).
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    var style = document.createElement("style");
    style.textContent = css;
    root.appendChild(style);
  }
  root.innerHTML +=
    "<button class='bubble' type='button' aria-label=''>&#128172;</button>" +
    "<section class='panel' role='dialog'><div class='head'><span class='title'></span>" +
    "<button type='button' class='close'>&times;</button></div>" +
    "<div class='log' aria-live='polite'></div><div class='error' hidden></div>" +
    "<details class='contact'><summary></summary><input class='name' maxlength='80' autocomplete='name'>" +
    "<input class='phone' maxlength='20' inputmode='tel' autocomplete='tel'></details>" +
    "<form class='compose'><button type='button' class='attach'>&#128206;</button>" +
    "<input type='file' accept='image/jpeg,image/png,image/webp' hidden>" +
    "<textarea maxlength='2000'></textarea><button type='submit' class='send'></button></form></section>";
  document.body.appendChild(host);

  var $ = function (selector) { return root.querySelector(selector); };
  var bubble = $(".bubble"), panel = $(".panel"), log = $(".log"), form = $("form.compose");
  var input = $("textarea"), errorBox = $(".error");
  bubble.style.background = color;
  $(".head").style.background = color;
  $("form.compose button.send").style.background = color;
  bubble.setAttribute("aria-label", T.open);
  $(".close").setAttribute("aria-label", T.close);
  $(".title").textContent = title;
  $(".contact summary").textContent = T.contact;
  $(".name").placeholder = T.name;
  $(".phone").placeholder = T.phone;
  input.placeholder = T.placeholder;
  $("form.compose button.send").textContent = T.send;
  $("button.attach").setAttribute("aria-label", T.attach);

  var state = {token: null, lastId: 0, seen: {}, agents: {}, timer: null, pending: []};
  try { state.token = window.localStorage.getItem(storeKey); } catch (e) { state.token = null; }

  function note(text) {
    var el = document.createElement("div");
    el.className = "note";
    el.textContent = text;
    log.appendChild(el);
  }

  function show(message) {
    if (message.id && state.seen[message.id]) { return; }
    if (message.id) { state.seen[message.id] = true; }
    if (message.from === "agent" && message.agent && !state.agents[message.agent]) {
      state.agents[message.agent] = true;
      note(message.agent + T.joined);
    }
    var el = document.createElement("div");
    el.className = "msg " + (message.from === "visitor" ? "visitor" : message.from === "agent" ? "agent" : "bot");
    if (message.from === "visitor") { el.style.background = color; }
    if (message.from !== "visitor") {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = message.from === "agent" ? (message.agent || T.agent) : title;
      el.appendChild(who);
    }
    el.appendChild(document.createTextNode(message.text || ""));
    if (message.photos) {
      var photo = document.createElement("span");
      photo.className = "photo";
      photo.textContent = T.photo;
      el.appendChild(photo);
    }
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
  }

  function call(method, path, body) {
    var options = {method: method, credentials: "omit", mode: "cors"};
    if (body) { options.body = JSON.stringify(body); options.headers = {"Content-Type": "text/plain"}; }
    return fetch(base + path, options).then(function (response) {
      return response.json().then(function (payload) {
        if (!response.ok) { throw new Error(payload.error || ("HTTP " + response.status)); }
        return payload;
      });
    });
  }

  function ensureToken() {
    if (state.token) { return Promise.resolve(state.token); }
    return call("POST", "/session", {}).then(function (payload) {
      state.token = payload.token;
      try { window.localStorage.setItem(storeKey, state.token); } catch (e) { /* private mode: this tab only */ }
      return state.token;
    });
  }

  function poll() {
    if (!state.token) { return Promise.resolve(); }
    return call("GET", "/messages?token=" + encodeURIComponent(state.token) + "&after=" + state.lastId)
      .then(function (payload) {
        (payload.messages || []).forEach(function (message) {
          state.lastId = Math.max(state.lastId, message.id);
          show(message);
        });
      })
      .catch(function () { /* offline for a moment: the next poll catches up */ });
  }

  function schedule(ms) {
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { poll().then(function () { schedule(document.hidden ? 15000 : 3000); }); }, ms);
  }

  function clientId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // A photo is shrunk in the browser (at most 1280 px, JPEG) so it fits the request size limit.
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(image.src);
        var data = canvas.toDataURL("image/jpeg", 0.8);
        if (data.length > 780000) { data = canvas.toDataURL("image/jpeg", 0.55); }
        resolve({type: "image/jpeg", data: data.split(",", 2)[1]});
      };
      image.onerror = function () { reject(new Error("not an image")); };
      image.src = URL.createObjectURL(file);
    });
  }

  var fileInput = $("input[type=file]");
  $("button.attach").addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) { return; }
    shrink(file).then(function (image) { send({image: image}); })
      .catch(function (error) { errorBox.textContent = T.failed + " (" + error.message + ")"; errorBox.hidden = false; });
  });

  function send(extra) {
    var text = input.value.trim();
    if (!text && !extra.image) { return; }
    errorBox.hidden = true;
    var body = {text: text, client_id: clientId()};
    if (extra.image) { body.image = extra.image; }
    var name = $(".name").value.trim(), phone = $(".phone").value.trim();
    if (name) { body.name = name; }
    if (phone) { body.phone = phone; }
    input.value = "";
    ensureToken()
      .then(function (token) { body.token = token; return call("POST", "/messages", body); })
      .then(function () { return poll(); })
      .then(function () { schedule(1500); })
      .catch(function (error) {
        input.value = text;  // never lose what the visitor typed
        errorBox.textContent = T.failed + " (" + error.message + ")";
        errorBox.hidden = false;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send({});
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  function open() {
    panel.classList.add("open");
    if (!log.childNodes.length) {
      show({from: "bot", text: greeting});
      call("GET", "/status?lang=" + lang).then(function (status) {
        if (!status.open) { note(T.closed + (status.next_open || "")); }
      }).catch(function () { /* no notice: the bot says it when the visitor writes */ });
    }
    poll().then(function () { schedule(3000); });
    input.focus();
  }

  bubble.addEventListener("click", function () { panel.classList.contains("open") ? panel.classList.remove("open") : open(); });
  $(".close").addEventListener("click", function () { panel.classList.remove("open"); });
  if (data.open === "true") { open(); }
})();
