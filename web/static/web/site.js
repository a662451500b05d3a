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
});
