/* Videos on a platform (YouTube, Facebook, TikTok): the page shows a poster
   from this site and nothing from the platform until the reader presses
   play; then the platform's player replaces the poster. Without this
   script the reader has the plain link under the poster. */
(function () {
  "use strict";
  var frames = document.querySelectorAll(".video__frame--platform[data-embed]");
  Array.prototype.forEach.call(frames, function (frame) {
    var button = frame.querySelector(".video__play");
    var url = frame.getAttribute("data-embed");
    if (!button || !/^https:\/\//.test(url)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var iframe = document.createElement("iframe");
      iframe.src = url;
      iframe.title = frame.getAttribute("data-title") || "";
      iframe.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
      iframe.setAttribute("allowfullscreen", "");
      iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      iframe.className = "video__player";
      while (frame.firstChild) {
        frame.removeChild(frame.firstChild);
      }
      frame.appendChild(iframe);
      iframe.focus();
    });
  });
})();
