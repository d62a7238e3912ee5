/*
 * The reading editor (templates/studio/_reading_editor.html): the preview follows the
 * typing, and the image picker puts an image's Markdown into the text at the cursor.
 *
 * The preview is the server's: the text is posted (with the form's CSRF token) to the
 * studio's preview address, which answers with the sanitised HTML participants will see and
 * the list of what saving would remove; nothing is rendered here. Without JavaScript the
 * form's Preview button and the picker's button send the form back, nothing saved.
 *
 * Listeners sit on the document, so a form shown again after an upload (upload.js puts the
 * server's page in place of the old one) works as the first did.
 */
(function () {
  "use strict";

  var WAIT_MS = 400;  // after the last key, before asking the server
  var timers = new WeakMap();
  var asked = new WeakMap();  // the number of the latest request, so late answers are dropped

  function editorOf(node) { return node.closest ? node.closest("[data-editor]") : null; }
  function textOf(editor) { return editor.querySelector("textarea"); }

  function say(editor, selector, message) {
    var status = editor.querySelector(selector);
    if (status) { status.textContent = message; }
  }

  function showRemoved(editor, messages) {
    var box = editor.querySelector("[data-removed]");
    var list = editor.querySelector("[data-removed-list]");
    list.replaceChildren();
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    box.hidden = messages.length === 0;
  }

  function refresh(editor) {
    var form = editor.closest("form");
    var token = form.querySelector("input[name=csrf_token]");
    var data = new FormData();
    data.append("body", textOf(editor).value);
    if (token) { data.append("csrf_token", token.value); }
    var number = (asked.get(editor) || 0) + 1;
    asked.set(editor, number);
    fetch(editor.dataset.previewUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: token ? { "X-CSRFToken": token.value } : {}
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (answer) {
      if (asked.get(editor) !== number) { return; }
      if (!answer.ok) {
        say(editor, "[data-preview-status]", answer.json.error || "");
        return;
      }
      // The server's HTML, sanitised by the one sanitiser, as the page would show it.
      editor.querySelector("[data-preview-body]").innerHTML = answer.json.html;
      showRemoved(editor, answer.json.removed);
      say(editor, "[data-preview-status]", "");
    }).catch(function () {
      if (asked.get(editor) === number) {
        say(editor, "[data-preview-status]", editor.dataset.previewFailed || "");
      }
    });
  }

  function later(editor) {
    clearTimeout(timers.get(editor));
    timers.set(editor, setTimeout(function () { refresh(editor); }, WAIT_MS));
  }

  function escapeAlt(text) {
    return text.replace(/\\/g, "\\\\").replace(/\[/g, "\\[").replace(/\]/g, "\\]");
  }

  function insertAtCursor(area, line) {
    var start = area.selectionStart;
    var end = area.selectionEnd;
    var before = area.value.slice(0, start);
    var after = area.value.slice(end);
    // The image is a paragraph of its own: blank lines around it, as many as are missing.
    var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var tail = after === "" || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
    area.setRangeText(lead + line + tail, start, end, "end");
  }

  function fieldError(field, message) {
    var wrapper = field.closest(".field");
    var error = wrapper.querySelector(".error[data-js]");
    if (!message) {
      if (error) { error.remove(); }
      wrapper.classList.remove("field-error");
      field.removeAttribute("aria-invalid");
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "error";
      error.id = field.id + "-error";
      error.setAttribute("data-js", "");
      field.insertAdjacentElement("beforebegin", error);
      var described = (field.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(error.id) === -1) {
        described.push(error.id);
        field.setAttribute("aria-describedby", described.join(" ").trim());
      }
    }
    error.textContent = message;
    wrapper.classList.add("field-error");
    field.setAttribute("aria-invalid", "true");
  }

  function insertImage(editor, button) {
    var picker = button.closest(".image-picker");
    var chosen = picker.querySelector("input[type=radio]:checked");
    var alt = picker.querySelector("input[name='picker-alt']");
    if (!chosen) {
      say(editor, ".editor-picker-status", picker.dataset.chooseFirst);
      picker.querySelector("input[type=radio]").focus();
      return;
    }
    var description = alt.value.trim();
    if (!description) {
      fieldError(alt, picker.dataset.describeFirst);
      alt.focus();
      return;
    }
    fieldError(alt, "");
    var area = textOf(editor);
    insertAtCursor(area, "![" + escapeAlt(description) + "](" + chosen.dataset.src + ")");
    say(editor, ".editor-picker-status", picker.dataset.inserted);
    area.focus();
    refresh(editor);
  }

  document.addEventListener("input", function (event) {
    var editor = editorOf(event.target);
    if (editor && event.target === textOf(editor)) { later(editor); }
  });

  document.addEventListener("change", function (event) {
    // Choosing an image offers its name as the description, when none is written yet.
    var editor = editorOf(event.target);
    if (!editor || event.target.type !== "radio") { return; }
    var alt = editor.querySelector("input[name='picker-alt']");
    if (alt && !alt.value.trim() && event.target.dataset.label) {
      alt.value = event.target.dataset.label;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[name=editor]") : null;
    var editor = button && editorOf(button);
    if (!editor) { return; }
    event.preventDefault();
    if (button.value === "pick-image") {
      insertImage(editor, button);
    } else {
      refresh(editor);
    }
  });

  function setUp(root) {
    root.querySelectorAll("[data-editor] button[data-js-label]").forEach(function (button) {
      if (button.textContent !== button.dataset.jsLabel) {
        button.textContent = button.dataset.jsLabel;
      }
    });
  }

  setUp(document);
  // A page put in place by upload.js: its buttons say what they do with JavaScript too.
  new MutationObserver(function () { setUp(document); })
    .observe(document.body, { childList: true, subtree: true });
}());
