/* Every POST form of the staff UI carries an idempotency key (core/idempotency.py): a
   double click or a resubmission after a slow answer does the work once and shows the first
   result. Each form gets a random key when the page loads; a submission of the same form
   with other values (after a download, say, the page stays) gets a new one. A file of its
   own, not an inline script: the Content-Security-Policy allows only our own files. */
(function () {
  "use strict";
  var FIELD = "idempotency_key";

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return (b + 256).toString(16).slice(1); })
      .join("");
  }

  function isPost(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post";
  }

  function keyInput(form) {
    var input = form.querySelector("input[name='" + FIELD + "']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      input.value = newKey();
      form.appendChild(input);
    }
    return input;
  }

  function content(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (e) {
      data = new FormData(form);
    }
    var parts = [];
    data.forEach(function (value, name) {
      if (name === FIELD) { return; }
      parts.push(name + "=" + (typeof value === "string" ? value : value.name + ":" + value.size));
    });
    return parts.join("&");
  }

  function stampAll() {
    Array.prototype.forEach.call(document.forms, function (form) {
      if (isPost(form)) { keyInput(form); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !isPost(form)) { return; }
    var input = keyInput(form);
    var sent = content(form, event.submitter);
    if (form.dataset.idempotencySent !== undefined && form.dataset.idempotencySent !== sent) {
      input.value = newKey();
    }
    form.dataset.idempotencySent = sent;
  }, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", stampAll);
  } else {
    stampAll();
  }
})();
