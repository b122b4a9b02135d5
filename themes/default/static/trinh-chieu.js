/* sotay kiosk screen (trinh-chieu/): one slide at a time on the one-stop
   desk's LED screen, for days on end. Everything it touches exists when the
   page loads: slides are shown and hidden, never made, and one timer is
   armed at a time, so neither the page nor the timers grow. Space (or P)
   pauses and resumes, the arrow keys move by hand; the state is said on
   screen and to screen readers. Without JavaScript every slide is shown,
   one after another, as a page. */
(function () {
  "use strict";
  var box = document.querySelector("[data-trinh-chieu]");
  var slides = box ? box.querySelectorAll(".slide") : [];
  if (!slides.length) return;
  var foot = document.getElementById("dieu-khien");
  var status = document.getElementById("trang-thai");
  var counter = document.getElementById("so-trang");
  var button = document.getElementById("tam-dung");
  var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 12;
  var label = counter.getAttribute("data-label");
  var current = 0, paused = false, timer = 0;

  function show(i) {
    slides[current].hidden = true;
    current = (i + slides.length) % slides.length;
    slides[current].hidden = false;
    // The same text node, a new value: nothing is added to the page.
    counter.firstChild.nodeValue = label + " " + (current + 1) + "/" + slides.length;
  }
  function arm() {
    clearTimeout(timer);
    timer = paused ? 0 : setTimeout(next, seconds * 1000);
  }
  function next() { show(current + 1); arm(); }
  function setPaused(p) {
    paused = p;
    status.firstChild.nodeValue = box.getAttribute(p ? "data-paused" : "data-playing");
    button.firstChild.nodeValue = box.getAttribute(p ? "data-resume" : "data-pause");
    // A rotating region is not read out; a paused one is, as people move.
    box.setAttribute("aria-live", p ? "polite" : "off");
    arm();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var k = e.key;
    if (k === " " || k === "Spacebar" || k === "p" || k === "P" || k === "Pause") {
      // On the button, Space already clicks it.
      if (e.target === button && k !== "p" && k !== "P") return;
      e.preventDefault();
      setPaused(!paused);
    } else if (k === "ArrowRight" || k === "PageDown") {
      e.preventDefault();
      show(current + 1);
      arm();
    } else if (k === "ArrowLeft" || k === "PageUp") {
      e.preventDefault();
      show(current - 1);
      arm();
    }
  });
  button.addEventListener("click", function () { setPaused(!paused); });

  document.documentElement.className += " js";
  for (var i = 1; i < slides.length; i++) slides[i].hidden = true;
  foot.hidden = false;
  show(0);
  setPaused(false);
})();
