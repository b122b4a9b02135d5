/* sotay embed, on the host page: gives each iframe widget from this
   script's site a frameless full width and the height its page reports.
   Styles are set through the CSSOM, which a host's style-src without
   'unsafe-inline' allows (a style attribute in the snippet would be
   refused). A message counts only from one of those frames, at its origin. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.URL) return;
  var origin = new URL(me.src).origin;
  var base = me.src.replace(/assets\/[^\/]*$/, "") + "nhung/";
  function frames() {
    return Array.prototype.filter.call(document.querySelectorAll("iframe"), function (f) {
      return f.src.indexOf(base) === 0;
    });
  }
  window.addEventListener("message", function (e) {
    var d = e.data;
    if (e.origin !== origin || !d || d.type !== "sotay:height" || typeof d.height !== "number") return;
    frames().forEach(function (f) {
      if (f.contentWindow === e.source) f.style.height = Math.ceil(d.height) + "px";
    });
  });
  frames().forEach(function (f) {
    f.style.border = "0";
    f.style.width = "100%";
    f.style.maxWidth = "48rem";
    // The frame may have loaded before this script: ask for its height
    // again. The request carries nothing, so any origin may receive it (a
    // frame not loaded yet is about:blank, and a named origin would log an error).
    f.contentWindow.postMessage({ type: "sotay:height?" }, "*");
  });
})();
