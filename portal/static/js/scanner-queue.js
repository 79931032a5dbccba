// The scanner page keeps going when the network drops (only with JavaScript; without it the page
// posts its form as before). A scan is sent as the form would send it; when it cannot be sent it
// is kept in this browser with the moment it was taken and the form's one-time key, and sent to
// .../scan/queued when the connection returns. The server applies kept scans in the order they
// were taken and records a scan sent twice once; the page lists the ones it refused.
(function () {
  "use strict";
  var box = document.getElementById("scan-queue");
  var form = document.querySelector("form.scan-form");
  var answer = document.getElementById("scan-answer");
  if (!box || !form || !answer || !window.fetch || !window.localStorage || !window.crypto ||
      !window.DOMParser || !window.JSON) {
    return;
  }
  var storeKey = "vaora-kept-scans:" + box.getAttribute("data-key");
  var refusedKey = storeKey + ":refused";
  var BATCH = 50;
  var sending = false;
  var justSent = false;  // say "every kept scan has been sent" until the next scan

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]") || []; } catch (e) { return []; }
  }
  function save(key, list) {
    try {
      if (list.length) { window.localStorage.setItem(key, JSON.stringify(list)); }
      else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage full or refused: nothing more can be kept */ }
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function text(name) { return box.getAttribute("data-" + name) || ""; }

  // What the kept scan is, for the staff's list: the card's name, or the pass's last digits.
  // The card's address is dropped before the scan is kept: the portal never stores it.
  function keepable(token) {
    var parts = token.split("|");
    if (parts.length >= 7) {
      parts[5] = "";
      return { token: parts.join("|"), hint: parts[2] };
    }
    var digits = token.replace(/\D/g, "");
    return { token: token, hint: digits.length >= 4 ? "…" + digits.slice(-4) : token.slice(0, 12) };
  }
  function clock(ms) {
    try {
      return new Date(ms).toLocaleTimeString(document.documentElement.lang || "vi",
        { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    } catch (e) { return new Date(ms).toISOString(); }
  }

  function draw() {
    var kept = load(storeKey);
    var refused = load(refusedKey);
    var count = document.getElementById("queue-count");
    count.textContent = kept.length ? text("waiting").replace("{n}", kept.length) : text("none");
    var list = document.getElementById("queue-refused");
    list.hidden = !refused.length;
    var items = list.querySelector("ul");
    items.textContent = "";
    refused.forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = clock(r.taken_at) + " · " + r.hint + ": " + r.message;
      items.appendChild(li);
    });
    box.hidden = !kept.length && !refused.length && !justSent;
  }

  function showKept() {
    var section = document.createElement("section");
    section.className = "scan-result scan-kept";
    section.setAttribute("role", "status");
    section.setAttribute("aria-live", "assertive");
    var head = document.createElement("p");
    head.className = "scan-dir";
    head.textContent = text("kept-title");
    var body = document.createElement("p");
    body.textContent = text("kept");
    section.appendChild(head);
    section.appendChild(body);
    answer.textContent = "";
    answer.appendChild(section);
  }

  function nextScan(nonce) {
    field("nonce").value = nonce || newKey();
    var input = field("token");
    input.value = "";
    input.focus();
  }

  function keep(scan) {
    var kept = load(storeKey);
    kept.push(scan);
    save(storeKey, kept);
    showKept();
    nextScan();
    draw();
  }

  function signedOut(response) {
    return response.redirected && new window.URL(response.url).pathname.indexOf("/scan") === -1;
  }

  function chosenDirection() {
    if (text("direction")) { return text("direction"); }
    var checked = form.querySelector('input[name="direction"]:checked');
    return checked ? checked.value : null;
  }

  // An answer page of the server: its result replaces ours; the form gets the page's new key.
  function showAnswer(html) {
    var page = new window.DOMParser().parseFromString(html, "text/html");
    var theirs = page.getElementById("scan-answer");
    var nonce = page.querySelector('form.scan-form [name="nonce"]');
    if (!theirs || !nonce) { return false; }
    answer.innerHTML = theirs.innerHTML;
    nextScan(nonce.value);
    return true;
  }

  form.addEventListener("submit", function (event) {
    var input = field("token");
    if (!input.value.trim() || !field("nonce").value) { return; }  // the server answers these
    if (form.querySelector('input[name="direction"]') && !chosenDirection()) { return; }
    event.preventDefault();
    justSent = false;
    var made = keepable(input.value);
    var scan = { id: field("nonce").value, token: made.token, hint: made.hint, taken_at: Date.now(),
                 direction: chosenDirection() };
    window.fetch(form.action, { method: "POST", body: new window.FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.status >= 500) { keep(scan); return null; }  // nothing recorded: keep it
        if (signedOut(response)) {  // signed out: sign in again
          keep(scan);
          window.location.href = response.url;
          return null;
        }
        return response.text().then(function (html) {
          if (!response.ok || !showAnswer(html)) { form.submit(); }  // show the server's page as is
          else { flush(); }
        });
      })
      .catch(function () { keep(scan); });
  });

  function refreshToken() {
    // A rejected token: the page's session may have ended. Fetch the page again for a new one.
    return window.fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      if (signedOut(response)) {
        document.getElementById("queue-login").hidden = false;
        return;
      }
      return response.text().then(function (html) {
        var page = new window.DOMParser().parseFromString(html, "text/html");
        var token = page.querySelector('form.scan-form [name="csrf_token"]');
        if (token) { field("csrf_token").value = token.value; }
      });
    });
  }

  function settle(batch, results) {
    var done = {};
    var refused = load(refusedKey);
    var byId = {};
    batch.forEach(function (s) { byId[s.id] = s; });
    results.forEach(function (r) {
      done[r.id] = true;
      if (r.status === "refused" && byId[r.id]) {
        refused.push({ taken_at: byId[r.id].taken_at, hint: byId[r.id].hint, message: r.message });
      }
    });
    justSent = justSent || results.length > 0;
    save(refusedKey, refused);
    save(storeKey, load(storeKey).filter(function (s) { return !done[s.id]; }));
  }

  function flush() {
    var kept = load(storeKey);
    if (sending || !kept.length) { draw(); return; }
    sending = true;
    var batch = kept.slice(0, BATCH);
    var body = JSON.stringify({ scans: batch.map(function (s) {
      return { id: s.id, token: s.token, taken_at: s.taken_at, direction: s.direction || null };
    }) });
    window.fetch(box.getAttribute("data-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": field("csrf_token").value }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      if (response.ok && json) {
        return response.json().then(function (data) {
          settle(batch, data.results || []);
          sending = false;
          draw();
          if (load(storeKey).length && (data.results || []).length) { flush(); }
        });
      }
      sending = false;
      if (response.status === 400 && !json) { return refreshToken(); }
      if (response.status === 400 && json) {  // a batch the server cannot read: list it, do not resend
        settle(batch, batch.map(function (s) { return { id: s.id, status: "refused", message: text("unreadable") }; }));
      }
      draw();
    }).catch(function () { sending = false; draw(); });
  }

  document.getElementById("queue-clear").addEventListener("click", function () {
    save(refusedKey, []);
    draw();
    field("token").focus();
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 15000);
  draw();
  flush();
})();
