/*
 * The instrument's form adds, removes and moves rows (a band, a dimension, a statement)
 * with submit buttons named "row" (learning/studio/rows.py). Without JavaScript the
 * browser posts the form and the server shows it again with the change made and nothing
 * typed lost. Here the same post is made in the background and the server's new form put
 * in place of the old one (the element marked data-rows-root), with the focus on the row
 * the change concerns (the form's data-focus names it). Should the request fail, the form
 * is posted as it would be without JavaScript.
 */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]), textarea, select, button";

  function focusOn(root) {
    var form = root.querySelector("form[data-rows]");
    var id = form && form.getAttribute("data-focus");
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var control = target.matches(FIELDS) ? target : target.querySelector(FIELDS);
    if (control) { control.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=row]");
    var form = button && button.form;
    if (!form || !form.hasAttribute("data-rows") || button.hasAttribute("data-plain")) {
      return;
    }
    var root = form.closest("[data-rows-root]");
    if (!root || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    var body = new FormData(form);
    body.append(button.name, button.value);
    root.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-rows-root]");
        if (!fresh) { throw new Error("no form in the answer"); }
        fresh = document.importNode(fresh, true);
        root.replaceWith(fresh);
        focusOn(fresh);
      })
      .catch(function () {
        root.removeAttribute("aria-busy");
        button.setAttribute("data-plain", "");
        button.click();
      });
  });
}());
