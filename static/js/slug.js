/*
 * Studio forms for something new (a module, a reading, a recording, a self-assessment)
 * fill the slug as the title is typed, by the rule the server follows when the slug is
 * left empty (learning/core/slugs.py): accents folded, ASCII lower-case, hyphens between
 * words, at most the field's length, and -2, -3… when a sibling has it already (the form
 * lists the slugs taken, `data-slug-taken`). Once the slug is edited by hand it is left
 * alone; emptied by hand, it follows the title again. Without JavaScript the server fills
 * an empty slug the same way.
 *
 * Listeners sit on the document, so a form shown again after an upload (upload.js puts
 * the server's page in place of the old one) works as the first did.
 */
(function () {
  "use strict";

  var SPELT = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l",
    "ı": "i"
  };
  var SPELT_PATTERN = /[ßẞæÆœŒøØđĐðÐþÞłŁı]/g;
  var DEFAULT_MAX = 80;

  function cut(slug, max) {
    if (slug.length <= max) { return slug; }
    var part = slug.slice(0, max);
    if (slug.charAt(max) !== "-" && part.indexOf("-") !== -1) {
      part = part.slice(0, part.lastIndexOf("-"));
    }
    return part.replace(/^-+|-+$/g, "");
  }

  function slugify(text, max) {
    var spelt = text.replace(/['\u2019\u02bc]/g, "")
      .replace(SPELT_PATTERN, function (letter) { return SPELT[letter]; });
    // Accents are marks once decomposed: dropped, not word breaks.
    var folded = spelt.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return cut(folded.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""), max);
  }

  function uniqueSlug(slug, taken, max) {
    slug = cut(slug, max);
    if (taken.indexOf(slug) === -1) { return slug; }
    for (var number = 2; ; number += 1) {
      var suffix = "-" + number;
      var candidate = cut(slug, max - suffix.length) + suffix;
      if (taken.indexOf(candidate) === -1) { return candidate; }
    }
  }

  function parts(element) {
    var form = element.form;
    if (!form || !form.hasAttribute("data-slug-from-title")) { return null; }
    var title = form.elements.namedItem("title");
    var slug = form.elements.namedItem("slug");
    if (!title || !slug) { return null; }
    return { form: form, title: title, slug: slug };
  }

  function slugFor(found, title) {
    if (!title.trim()) { return ""; }
    var max = found.slug.maxLength > 0 ? found.slug.maxLength : DEFAULT_MAX;
    var taken;
    try {
      taken = JSON.parse(found.form.getAttribute("data-slug-taken") || "[]");
    } catch (error) {
      taken = [];
    }
    var base = slugify(title, max) || found.form.getAttribute("data-slug-fallback") || "item";
    return uniqueSlug(base, taken, max);
  }

  function following(found) {
    var state = found.form.dataset.slugFollows;
    if (state === undefined) {
      // As the page came: a slug empty or made from the title as it was is the site's.
      var value = found.slug.value;
      state = (value === "" || value === slugFor(found, found.title.defaultValue)) ? "yes" : "no";
      found.form.dataset.slugFollows = state;
    }
    return state === "yes";
  }

  document.addEventListener("input", function (event) {
    var found = parts(event.target);
    if (!found) { return; }
    if (event.target === found.slug) {
      found.form.dataset.slugFollows = found.slug.value === "" ? "yes" : "no";
    } else if (event.target === found.title && following(found)) {
      found.slug.value = slugFor(found, found.title.value);
    }
  });
}());
