/*
 * Reports what was actually watched of a recording: the browser's own record of played
 * time ranges (video.played), which skipping ahead does not add to. Sent every 12 seconds
 * while playing, on pause, after a seek, at the end, and with sendBeacon when the page is
 * hidden. The server merges reports, so repeats and late arrivals never lower progress.
 * Speeds above 2x are held at 2x: the server credits no faster (learning/progress/rules.py).
 */
(function () {
  "use strict";

  var HEARTBEAT_MS = 12000;  // rules.HEARTBEAT_SECONDS
  var MAX_RATE = 2;  // rules.MAX_PLAYBACK_RATE

  function playedRanges(video) {
    var ranges = [];
    for (var i = 0; i < video.played.length; i++) {
      var start = video.played.start(i);
      var end = video.played.end(i);
      if (end > start) {
        ranges.push([Math.round(start * 1000) / 1000, Math.round(end * 1000) / 1000]);
      }
    }
    return ranges.slice(-100);
  }

  function setUp(video) {
    var url = video.dataset.progressUrl;
    var tokenUrl = video.dataset.tokenUrl;
    var token = video.dataset.csrfToken;
    var status = document.getElementById(video.dataset.statusId);
    var lastSent = "";
    var timer = null;

    function body() {
      var data = new FormData();
      data.append("csrf_token", token);
      data.append("intervals", JSON.stringify(playedRanges(video)));
      data.append("position", String(Math.round(video.currentTime * 1000) / 1000));
      return data;
    }

    // The heading's status too, so that it never says "In progress" under a finished video.
    function showState(state) {
      var holder = document.getElementById("item-status");
      if (!holder || (state !== "complete" && state !== "in_progress")) { return; }
      var complete = state === "complete";
      var label = document.createElement("span");
      label.className = "status " + (complete ? "status-complete" : "status-in-progress");
      if (complete) {
        var tick = document.createElement("span");
        tick.setAttribute("aria-hidden", "true");
        tick.textContent = "\u2713 ";
        label.appendChild(tick);
      }
      label.appendChild(document.createTextNode(
        complete ? holder.dataset.complete : holder.dataset.inProgress));
      holder.replaceChildren(label);
    }

    function show(result) {
      if (!result) { return; }
      showState(result.status);
      if (!status) { return; }
      var text = status.dataset.template.replace("{percent}", result.watched_percent);
      if (result.status === "complete") { text = status.dataset.complete; }
      status.textContent = text;
    }

    function refreshToken() {
      return fetch(tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (json) { if (json) { token = json.csrf_token; } return Boolean(json); });
    }

    function send(retried) {
      var key = JSON.stringify(playedRanges(video)) + "@" + Math.round(video.currentTime);
      if (key === lastSent || video.played.length === 0) { return; }
      fetch(url, {
        method: "POST", body: body(), credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (response.ok) {
          lastSent = key;
          return response.json().then(show);
        }
        if (response.status === 400 && !retried) {
          // The page may have been open long enough for its token to stop working.
          return refreshToken().then(function (ok) { if (ok) { send(true); } });
        }
      }).catch(function () { /* offline: the next report carries the same ranges */ });
    }

    function beacon() {
      if (video.played.length && navigator.sendBeacon) {
        navigator.sendBeacon(url, body());
      }
    }

    function holdRate() {
      if (video.playbackRate > MAX_RATE) { video.playbackRate = MAX_RATE; }
      if (video.defaultPlaybackRate > MAX_RATE) { video.defaultPlaybackRate = MAX_RATE; }
    }

    holdRate();
    video.addEventListener("ratechange", holdRate);
    video.addEventListener("loadedmetadata", function () {
      var resume = parseFloat(video.dataset.resume || "0");
      if (resume > 0 && resume < video.duration - 5) { video.currentTime = resume; }
    });
    video.addEventListener("play", function () {
      if (!timer) { timer = window.setInterval(function () { send(false); }, HEARTBEAT_MS); }
    });
    ["pause", "ended"].forEach(function (name) {
      video.addEventListener(name, function () {
        window.clearInterval(timer);
        timer = null;
        send(false);
      });
    });
    video.addEventListener("seeked", function () { send(false); });
    window.addEventListener("pagehide", beacon);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { beacon(); }
    });
  }

  document.querySelectorAll("video[data-progress-url]").forEach(setUp);
}());
