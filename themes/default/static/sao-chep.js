/* Copy buttons on the webmaster page. Without JavaScript the snippets stay
   selectable text and the buttons stay hidden. */
(function () {
  "use strict";
  var me = document.currentScript;
  var done = (me && me.getAttribute("data-copied")) || "OK";
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (b) {
    var code = b.parentNode.querySelector("pre");
    if (!code) return;
    var label = b.textContent;
    b.hidden = false;
    b.addEventListener("click", function () {
      var text = code.textContent;
      function ok() { b.textContent = done; setTimeout(function () { b.textContent = label; }, 2000); }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(ok, fallback);
      } else {
        fallback();
      }
      function fallback() {
        var r = document.createRange();
        r.selectNodeContents(code);
        var s = window.getSelection();
        s.removeAllRanges();
        s.addRange(r);
        try { if (document.execCommand("copy")) ok(); } catch (e) { /* text stays selected */ }
      }
    });
  });
})();
