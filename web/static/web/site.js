// Small helpers; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // "Select all" ticks every box of the bulk-approval form on this page.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var form = box.form ? box.form.id : "";
      document
        .querySelectorAll('input[type=checkbox][name="' + box.dataset.selectAll + '"][form="' + form + '"]')
        .forEach(function (item) { item.checked = box.checked; });
    });
  });
  // Browsers ignore autofocus on elements that are not form fields in some cases; make sure
  // the first error (or the results) gets the focus, and is scrolled into view.
  var first = document.querySelector("[autofocus]");
  if (first && document.activeElement !== first) {
    first.focus();
  }
  // A message after a redirect ("Logged 2 hours ...") is in the page from the start, and a
  // screen reader announces only what changes in a live region: copy it into the page's empty
  // status region once the page has loaded, so that it is read out.
  var messages = document.getElementById("messages");
  var announce = document.getElementById("announce");
  if (messages && announce) {
    window.setTimeout(function () { announce.textContent = messages.textContent.trim(); }, 250);
  }
  // One submission per click: a second click while the page loads would send the form again
  // (or press the button of the card that slides into its place).
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[type=submit]:disabled").forEach(function (b) { b.disabled = false; });
  });
});
