// The platform's side of LTI Dynamic Registration 1.0: when the tool in the iframe posts
// {subject: "org.imsglobal.lti.close"}, close the registration and list the tools again.
(function () {
  "use strict";
  var frame = document.getElementById("registration-frame");
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow) { return; }  // only the registration's own frame
    if (!event.data || event.data.subject !== "org.imsglobal.lti.close") { return; }
    window.location.assign(frame.getAttribute("data-done-url"));
  });
}());
