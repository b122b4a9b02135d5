/* <sotay-guide src=".../api/v1/huong-dan/<slug>.json"> renders a guide from
   the unit's JSON API into a shadow root, so the host page's CSS cannot
   reach in. Styles go through adoptedStyleSheets (not blocked by a host's
   style-src); text is set with textContent (fine under Trusted Types). The
   light-DOM link inside the element is the fallback when scripts are off. */
(function () {
  "use strict";
  if (!window.customElements || customElements.get("sotay-guide")) return;
  // The host page's rules still reach the element itself and the shadow
  // tree inherits from it: the article resets every property first.
  var CSS = ":host{all:initial;display:block;contain:content}" +
    "*{box-sizing:border-box}article{all:initial;display:block;box-sizing:border-box;direction:ltr;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;font-size:16px;line-height:1.6;color:#1b1b1b;background:#fff;text-align:left;border:1px solid #c9cfd3;border-top:5px solid var(--sotay-brand,#0b5394);border-radius:6px;padding:12px 16px}" +
    "h2,h3,p,li,dt,dd,strong{color:#1b1b1b;font-family:inherit}h2{font-size:20px;line-height:1.3;margin:0 0 8px}h3{font-size:17px;margin:16px 0 6px}" +
    "p{margin:0 0 10px}ol{margin:0 0 10px;padding-left:24px}li{margin:0 0 8px}dl{margin:0 0 10px}dt{font-weight:700}dd{margin:0 0 6px}" +
    "a{color:var(--sotay-brand,#0b5394)}a:focus-visible{outline:3px solid #1b1b1b;background:#ffdd00;color:#1b1b1b}.don-vi{font-size:14px;color:#505a5f;margin:0 0 4px}";
  function el(root, tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    root.appendChild(e);
    return e;
  }
  class SotayGuide extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var root = this.attachShadow({ mode: "open" });
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } catch (e) {
        el(root, "style", CSS);
      }
      var box = el(root, "article");
      var src = this.getAttribute("src");
      var self = this;
      fetch(src, { credentials: "omit" }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (g) {
        if (g.version !== 1) throw new Error("version");
        el(box, "h2", g.title);
        el(box, "p", g.summary);
        var dl = el(box, "dl");
        el(dl, "dt", "Phí, lệ phí");
        el(dl, "dd", g.fees.length ? g.fees.map(function (f) { return f.name + ": " + f.text.join("; ") + (f.next_change ? ". " + f.next_change.text : ""); }).join("; ") : "Miễn phí");
        el(dl, "dt", "Thời hạn giải quyết");
        el(dl, "dd", g.processing_time.text);
        el(dl, "dt", "Nơi giải quyết");
        el(dl, "dd", g.where);
        if (g.in_person) {
          el(dl, "dt", "Nộp, hỏi trực tiếp");
          el(dl, "dd", g.in_person.place);
        }
        if (g.steps.length) {
          el(box, "h3", "Các bước thực hiện");
          var ol = el(box, "ol");
          g.steps.forEach(function (s) {
            var li = el(ol, "li");
            el(li, "strong", s.title);
            el(li, "p", s.text);
          });
        }
        var more = el(box, "p");
        var a = el(more, "a", "Xem hướng dẫn đầy đủ");
        a.href = g.url;
        a.target = "_blank";
        a.rel = "noopener";
      }).catch(function () {
        // Keep the light-DOM fallback link visible.
        box.appendChild(document.createElement("slot"));
        self.setAttribute("data-error", "");
      });
    }
  }
  customElements.define("sotay-guide", SotayGuide);
})();
