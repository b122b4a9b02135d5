/* Copy buttons on the webmaster page. Without JavaScript the snippets stay
   selectable text and the buttons stay hidden. */
(function () {
  "use strict";
  var me = document.currentScript;
  var done = (me && me.getAttribute("data-copied")) || "OK";
  var selected = (me && me.getAttribute("data-selected")) || "Ctrl+C";
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (b) {
    var code = b.parentNode.querySelector("pre");
    if (!code) return;
    var label = b.textContent;
    b.hidden = false;
    b.addEventListener("click", function () {
      var text = code.textContent;
      function say(msg) { b.textContent = msg; setTimeout(function () { b.textContent = label; }, 4000); }
      function ok() { say(done); }
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
        var copied = false;
        try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
        // Not allowed to copy: the code stays selected for the reader to copy.
        say(copied ? done : selected);
      }
    });
  });
})();
