/* sotay embed, inside the iframe: tell the host page our height so it can
   size the iframe. Only a number leaves the frame; the host checks the
   message's origin and source before using it. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      window.parent.postMessage({ type: "sotay:height", height: h }, "*");
    }
  }
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
  window.addEventListener("load", send);
  // The host's resizer, if it started after us, asks again.
  window.addEventListener("message", function (e) {
    if (e.source === window.parent && e.data && e.data.type === "sotay:height?") {
      last = 0;
      send();
    }
  });
  window.addEventListener("resize", send);
  // A slow poll as well: old browsers have no ResizeObserver, and frames
  // that are not being painted (background tabs, some headless modes) get
  // no observer callbacks. Reading the height when nothing changed is cheap.
  setInterval(send, 1000);
  send();
})();
