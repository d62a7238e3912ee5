/*
 * Studio upload forms (a recording's video and captions, a reading's PDF) show how much of
 * their files has been sent: a <progress> bar and a line of text that screen readers hear.
 * The form is sent with XMLHttpRequest, whose upload reports its progress; what the server
 * answers is then shown as if the browser had loaded it: the page it redirects to (with
 * its message), the form again with the server's errors, or, for a refusal such as 413
 * (too large), the server's own words beside the form. Without JavaScript, without a
 * file chosen, or by a button with a name of its own (the reading editor's Preview, which
 * saves nothing), the form is sent as any other.
 */
(function () {
  "use strict";

  // The path of the page on show, which after an upload the browser did not load itself.
  var shownPath = window.location.pathname;

  function chosenFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function serverMessage(doc) {
    // An error page says what went wrong in its heading and first paragraph.
    var main = doc && doc.querySelector("main");
    if (!main) { return ""; }
    var parts = [];
    var heading = main.querySelector("h1");
    var paragraph = main.querySelector("p");
    if (heading) { parts.push(heading.textContent.trim()); }
    if (paragraph) { parts.push(paragraph.textContent.trim()); }
    return parts.join(": ");
  }

  function showPage(doc, url) {
    var main = document.querySelector("main");
    var next = doc.querySelector("main");
    main.replaceWith(document.adoptNode(next));
    document.title = doc.title;
    if (url && url !== window.location.href) {
      window.history.pushState({ uploaded: true }, "", url);
      shownPath = window.location.pathname;
    }
    next.querySelectorAll("form[data-upload]").forEach(setUp);
    var summary = next.querySelector(".error-summary");
    (summary || next).focus();
  }

  function setUp(form) {
    var box = form.querySelector(".upload-progress");
    if (!box || !window.FormData || !window.XMLHttpRequest) { return; }
    var bar = box.querySelector("progress");
    var text = box.querySelector(".upload-progress-text");
    var button = form.querySelector("button[type=submit]:not([hidden]):not([name])");
    var busy = false;

    function say(message) {
      box.hidden = false;
      text.textContent = message;
    }

    function done() {
      busy = false;
      if (button) { button.disabled = false; }
    }

    form.addEventListener("submit", function (event) {
      if (!chosenFiles(form) || (event.submitter && event.submitter.name)) { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      if (button) { button.disabled = true; }
      bar.value = 0;
      bar.removeAttribute("hidden");
      say(box.dataset.sending.replace("{percent}", "0"));

      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.responseType = "document";
      var lastSaid = 0;
      request.upload.addEventListener("progress", function (progress) {
        if (!progress.lengthComputable) { return; }
        var percent = Math.floor(progress.loaded * 100 / progress.total);
        bar.value = percent;
        // Each tenth is announced; the bar moves with every report.
        if (percent - lastSaid >= 10 || percent === 100) {
          lastSaid = percent;
          say(box.dataset.sending.replace("{percent}", String(percent)));
        }
      });
      request.upload.addEventListener("load", function () {
        bar.value = 100;
        say(box.dataset.checking);
      });
      request.addEventListener("load", function () {
        var doc = request.response;
        if (request.status >= 200 && request.status < 300 && doc && doc.querySelector("main")) {
          showPage(doc, request.responseURL);
          return;
        }
        done();
        bar.setAttribute("hidden", "");
        say(serverMessage(doc) || box.dataset.failed);
      });
      request.addEventListener("error", function () {
        done();
        bar.setAttribute("hidden", "");
        say(box.dataset.failed);
      });
      request.send(new FormData(form));
    });
  }

  window.addEventListener("popstate", function () {
    // Back (or forward) from a page shown after an upload: load what the address now says.
    if (window.location.pathname !== shownPath) { window.location.reload(); }
  });

  document.querySelectorAll("form[data-upload]").forEach(setUp);
}());
