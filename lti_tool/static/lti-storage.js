// LTI client-side platform storage (1EdTech "LTI Client Side postMessages" and "Platform
// Storage"; see shared notes/lti-advantage.md §1). Used when the LMS offers lti_storage_target
// (Canvas does), because the browser may withhold our cookies inside the LMS iframe.
(function () {
  "use strict";
  var TIMEOUT_MS = 2000;

  function targetFrame(name) {
    if (name === "_parent") { return window.parent; }
    try { return window.parent.frames[name] || null; } catch (e) { return null; }
  }

  function send(frameName, origin, message) {
    return new Promise(function (resolve, reject) {
      var frame = targetFrame(frameName);
      if (!frame || frame === window) { reject(new Error("no storage frame")); return; }
      message.message_id = "ll-" + Math.random().toString(36).slice(2) + Date.now();
      var timer = setTimeout(function () { finish(); reject(new Error("timeout")); }, TIMEOUT_MS);
      function finish() { clearTimeout(timer); window.removeEventListener("message", onMessage); }
      function onMessage(event) {
        var data = event.data;
        if (event.origin !== origin || !data || data.message_id !== message.message_id) { return; }
        if (data.subject !== message.subject + ".response") { return; }
        finish();
        if (data.error) { reject(new Error(data.error.code || "error")); } else { resolve(data); }
      }
      window.addEventListener("message", onMessage);
      frame.postMessage(message, origin);
    });
  }

  function keyFor(state) { return "state-" + state; }

  window.LearnLoopStorage = {
    // Login: remember the state in the platform, then continue to the platform's login.
    rememberStateThenGo: function (el) {
      var d = el.dataset;
      send(d.target, d.origin, { subject: "lti.put_data", key: keyFor(d.state), value: d.state })
        .catch(function () { /* the state cookie is the fallback */ })
        .then(function () { window.location.assign(d.authUrl); });
    },
    // Launch: read the state back; only a match completes the sign-in.
    verifyState: function (el) {
      var d = el.dataset;
      var form = document.getElementById("complete-launch");
      send(d.target, d.origin, { subject: "lti.get_data", key: keyFor(d.state) })
        .then(function (reply) {
          if (reply.value !== d.state) { throw new Error("state mismatch"); }
          return send(d.target, d.origin, { subject: "lti.put_data", key: keyFor(d.state), value: null })
            .catch(function () { /* deleting is best effort */ });
        })
        .then(function () { form.submit(); })
        .catch(function () {
          document.getElementById("verifying").hidden = true;
          document.getElementById("verify-failed").hidden = false;
        });
    }
  };
})();
