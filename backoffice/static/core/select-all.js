/* A "select all" checkbox: `<input type="checkbox" data-select-all="reviews">` ticks or clears
   every checkbox named "reviews" in the same form; and it follows them: unticking one row
   clears it (half-ticked while some rows are), ticking the last one ticks it. A file of its
   own, not an inline handler: the Content-Security-Policy allows only our own files (an
   `onchange=` attribute is blocked). */
(function () {
  "use strict";

  function scopeOf(box) {
    return box.form || box.closest("table") || document;
  }

  function rowsOf(scope, name) {
    return Array.prototype.filter.call(
      scope.querySelectorAll("input[type='checkbox']"),
      function (other) { return other.name === name && !other.disabled; }
    );
  }

  function follow(selectAll) {
    var rows = rowsOf(scopeOf(selectAll), selectAll.dataset.selectAll);
    var ticked = rows.filter(function (row) { return row.checked; }).length;
    selectAll.checked = rows.length > 0 && ticked === rows.length;
    selectAll.indeterminate = ticked > 0 && ticked < rows.length;
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") {
      return;
    }
    if (box.dataset.selectAll) {
      box.indeterminate = false;
      rowsOf(scopeOf(box), box.dataset.selectAll).forEach(function (other) {
        other.checked = box.checked;
      });
      return;
    }
    if (!box.name) {
      return;
    }
    scopeOf(box).querySelectorAll("input[type='checkbox'][data-select-all]").forEach(
      function (selectAll) {
        if (selectAll.dataset.selectAll === box.name) {
          follow(selectAll);
        }
      }
    );
  });
})();
