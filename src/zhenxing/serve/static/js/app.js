/* zhenxing: small enhancements shared by every page. Loaded as a file: the CSP forbids inline script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Filter forms apply as soon as a choice changes (their submit button is for browsers without script).
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target && event.target.tagName === "SELECT") {
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      });
    });
  });
})();
