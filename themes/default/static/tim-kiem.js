/* sotay search: offline, from file:// too. The index (a script, not a
   fetch, so file:// works) loads only when the reader starts searching.
   Vietnamese-aware: đ -> d and every tone mark fold away, so "dang ky khai
   sinh" finds "Đăng ký khai sinh" and "hoà"/"hòa" match; exact diacritics,
   then title, summary and body, decide the order. */
(function () {
  "use strict";
  var form = document.querySelector("[data-sotay-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("ket-qua");
  var status = document.getElementById("trang-thai");
  var root = form.getAttribute("data-root") || "";
  var docs = null, waiting = [], loading = false;

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
      .toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }
  function lower(s) { return s.normalize("NFC").toLowerCase(); }
  function has(text, term) { return (" " + text).indexOf(" " + term) !== -1; }

  function load(done) {
    if (docs) return done();
    waiting.push(done);
    if (loading) return;
    loading = true;
    status.textContent = form.getAttribute("data-loading");
    var s = document.createElement("script");
    s.src = form.getAttribute("data-index");
    s.onload = function () {
      docs = (window.SOTAY_INDEX.docs || []).map(function (d) {
        return { d: d, t: fold(d.t), s: fold(d.s), b: fold(d.b), lt: lower(d.t), ls: lower(d.s) };
      });
      waiting.splice(0).forEach(function (f) { f(); });
    };
    document.head.appendChild(s);
  }

  function rank(q) {
    var qf = fold(q), ql = lower(q).trim(), marked = ql !== qf;
    var terms = qf.split(" ").filter(Boolean);
    if (!terms.length) return [];
    var hits = [];
    docs.forEach(function (x) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i], inT = has(x.t, t), inS = has(x.s, t), inB = has(x.b, t);
        if (!inT && !inS && !inB) return;
        score += (inT ? 10 : 0) + (inS ? 4 : 0) + (inB ? 1 : 0);
      }
      if (has(x.t, qf)) score += 20; else if (has(x.s, qf)) score += 6;
      if (marked && x.lt.indexOf(ql) !== -1) score += 40;
      else if (marked && x.ls.indexOf(ql) !== -1) score += 10;
      hits.push({ x: x, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.x.d.t.localeCompare(b.x.d.t, "vi"); });
    return hits;
  }

  function show(q) {
    var hits = rank(q);
    list.textContent = "";
    hits.forEach(function (h) {
      var li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
      a.href = root + h.x.d.u;
      a.textContent = h.x.d.t;
      p.textContent = h.x.d.s;
      p.className = "muted";
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    list.hidden = !hits.length;
    var msg = form.getAttribute(hits.length ? "data-found" : "data-none");
    status.textContent = msg.replace("{n}", hits.length).replace("{q}", q.trim());
  }

  function run() {
    var q = input.value;
    if (!q.trim()) { list.hidden = true; list.textContent = ""; status.textContent = ""; return; }
    load(function () { show(q); });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; run(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    run();
    if (history.replaceState) history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
  });
  var m = /[?&]q=([^&]*)/.exec(location.search);
  if (m) {
    input.value = decodeURIComponent(m[1].replace(/\+/g, " "));
    run();
  }
})();
