// Progressive enhancement for video lessons: resume where the learner stopped, and save
// the position every 15 seconds. Without JavaScript the transcript is always there.
(function () {
  "use strict";
  var video = document.querySelector("video[data-position-url]");
  if (!video) { return; }
  var start = parseInt(video.getAttribute("data-start") || "0", 10);
  if (start > 0) {
    video.addEventListener("loadedmetadata", function () { video.currentTime = start; });
  }
  var lastSaved = start;
  function save() {
    var seconds = Math.floor(video.currentTime);
    if (Math.abs(seconds - lastSaved) < 5) { return; }
    lastSaved = seconds;
    var body = new FormData();
    body.append("seconds", String(seconds));
    fetch(video.getAttribute("data-position-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": video.getAttribute("data-csrf") }
    });
  }
  window.setInterval(function () { if (!video.paused) { save(); } }, 15000);
  video.addEventListener("pause", save);
}());
