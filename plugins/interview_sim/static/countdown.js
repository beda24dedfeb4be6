// Progressive enhancement: a visible countdown for timed questions. The server keeps the
// real time; without JavaScript the page says the limit in words.
(function () {
  "use strict";
  var target = document.querySelector("[data-countdown]");
  if (!target) { return; }
  var remaining = parseInt(target.getAttribute("data-countdown"), 10);
  function render() {
    if (remaining > 0) {
      // Announce every 15 seconds only, so screen readers are not flooded.
      if (remaining % 15 === 0 || remaining <= 10) {
        target.textContent = "Il reste " + remaining + " secondes.";
      }
    } else {
      target.textContent = "Le temps est écoulé : répondez dès que vous pouvez.";
      window.clearInterval(timer);
    }
    remaining -= 1;
  }
  var timer = window.setInterval(render, 1000);
  render();
}());
