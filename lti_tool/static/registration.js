// LTI Dynamic Registration 1.0: the confirmation form posts once, and the last page tells the
// platform to close its registration window (Moodle and Canvas listen for this subject).
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector("[data-busy-text]");
      if (button) { button.disabled = true; }
      if (status) { status.textContent = status.getAttribute("data-busy-text"); }
    });
  });
  document.querySelectorAll("[data-lti-close]").forEach(function (button) {
    button.addEventListener("click", function () {
      (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
    });
  });
}());
