/*
 * A transcript's times play the recording from there. Each time is a link to the video file
 * with a media fragment (#t=seconds), which works without JavaScript; with it, the page's
 * own player seeks to that time and plays, and takes the focus so that the keyboard
 * controls it next.
 */
(function () {
  "use strict";

  var video = document.querySelector(".recording-player video");
  var transcript = document.querySelector("section.transcript");
  if (!video || !transcript) { return; }

  function playFrom(seconds) {
    video.currentTime = seconds;
    var playing = video.play();
    if (playing && playing.catch) { playing.catch(function () { /* the user may press play */ }); }
    video.focus();
  }

  transcript.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-seconds]");
    if (!link) { return; }
    var seconds = parseFloat(link.dataset.seconds);
    if (!isFinite(seconds)) { return; }
    event.preventDefault();
    if (video.readyState >= 1) {
      playFrom(seconds);
    } else {
      // Before the video's length is known a seek may be lost (or overridden by resuming
      // where the participant left off): wait for it.
      video.addEventListener("loadedmetadata", function () { playFrom(seconds); }, { once: true });
    }
  });
}());
