/* A "select all" checkbox: `<input type="checkbox" data-select-all="reviews">` ticks or clears
   every checkbox named "reviews" in the same form. A file of its own, not an inline handler:
   the Content-Security-Policy allows only our own files (an `onchange=` attribute is blocked). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) {
      return;
    }
    var scope = box.form || box.closest("table") || document;
    scope.querySelectorAll("input[type='checkbox']").forEach(function (other) {
      if (other.name === box.dataset.selectAll && !other.disabled) {
        other.checked = box.checked;
      }
    });
  });
})();
