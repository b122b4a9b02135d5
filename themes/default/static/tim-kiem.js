/* sotay search: offline, from file:// too. The index (a script, not a
   fetch, so file:// works) loads only when the reader starts searching.
   Vietnamese-aware: đ -> d and every tone mark fold away, so "dang ky khai
   sinh" finds "Đăng ký khai sinh" and "hoà"/"hòa" match; exact diacritics,
   then title, the guide's questions, summary and body, decide the order.
   site.yaml's synonyms (SOTAY_INDEX.syn) are how people ask: a query holding
   "cccd" is also tried with "căn cước công dân" in its place, and a guide
   scores its best try (a try with a synonym a little below the words typed). */
(function () {
  "use strict";
  var form = document.querySelector("[data-sotay-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("ket-qua");
  var status = document.getElementById("trang-thai");
  var root = form.getAttribute("data-root") || "";
  var docs = null, syn = [], waiting = [], loading = false;

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
        var q = d.q || [];
        return { d: d, t: fold(d.t), s: fold(d.s), b: fold(d.b), q: q.map(fold), lt: lower(d.t), ls: lower(d.s), lq: q.map(lower) };
      });
      syn = (window.SOTAY_INDEX.syn || []).map(function (p) {
        return { k: fold(p[0]), alts: p[1] || [] };
      });
      waiting.splice(0).forEach(function (f) { f(); });
    };
    document.head.appendChild(s);
  }

  function inAny(list, text) {
    for (var i = 0; i < list.length; i++) if (has(list[i], text)) return true;
    return false;
  }
  function anyContains(list, text) {
    for (var i = 0; i < list.length; i++) if (list[i].indexOf(text) !== -1) return true;
    return false;
  }

  /* The query as typed, then with each synonym it holds (whole words) in
     place of its words: {f: folded, l: lowercase with marks or null, w: weight}. */
  function tries(q) {
    var qf = fold(q), ql = lower(q).trim();
    var out = [{ f: qf, l: ql !== qf ? ql : null, w: 1 }];
    syn.forEach(function (s) {
      var n = out.length;
      for (var i = 0; i < n && out.length < 32; i++) {
        var padded = " " + out[i].f + " ";
        if (!s.k || padded.indexOf(" " + s.k + " ") === -1) continue;
        s.alts.forEach(function (a) {
          var f = padded.replace(" " + s.k + " ", " " + fold(a) + " ").trim();
          // Marks count only when the synonym is the whole query.
          out.push({ f: f, l: f === fold(a) ? lower(a).trim() : null, w: 0.9 });
        });
      }
    });
    return out;
  }

  function score(x, t) {
    var terms = t.f.split(" ").filter(Boolean), total = 0;
    if (!terms.length) return 0;
    for (var i = 0; i < terms.length; i++) {
      var w = terms[i], inT = has(x.t, w), inQ = inAny(x.q, w), inS = has(x.s, w), inB = has(x.b, w);
      if (!inT && !inQ && !inS && !inB) return 0;
      total += (inT ? 10 : 0) + (inQ ? 6 : 0) + (inS ? 4 : 0) + (inB ? 1 : 0);
    }
    // The whole query in the title, more so in a short title ("Đăng ký
    // thường trú" before a title that also names thường trú among others).
    if (has(x.t, t.f)) total += 20 + 10 * t.f.length / x.t.length;
    else if (inAny(x.q, t.f)) total += 12;
    else if (has(x.s, t.f)) total += 6;
    if (t.l && x.lt.indexOf(t.l) !== -1) total += 40;
    else if (t.l && anyContains(x.lq, t.l)) total += 20;
    else if (t.l && x.ls.indexOf(t.l) !== -1) total += 10;
    return total * t.w;
  }

  function rank(q) {
    var ts = tries(q);
    var hits = [];
    docs.forEach(function (x) {
      var best = 0;
      ts.forEach(function (t) { best = Math.max(best, score(x, t)); });
      if (best > 0) hits.push({ x: x, score: best });
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
