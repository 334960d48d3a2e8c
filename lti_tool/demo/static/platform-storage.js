// LTI client-side platform storage, the platform side (1EdTech "LTI Client Side postMessages"
// and "Platform Storage"; shared notes/lti-advantage.md §1). This course page is the frame the
// tool names with lti_storage_target=_parent. Like Canvas, it keeps the data in localStorage,
// namespaced by the tool's origin, and answers only the LearnLoop iframe.
(function () {
  "use strict";
  var MAX_CHARS = 4096;  // Canvas's limit on key + value
  var frame = document.getElementById("learnloop-frame");
  var toolOrigin = frame.dataset.toolOrigin;
  var SUPPORTED = ["lti.capabilities", "lti.put_data", "lti.get_data"];

  function storageKey(origin, key) { return "lti-storage|" + origin + "|" + key; }

  function reply(event, body) {
    body.subject = event.data.subject + ".response";
    body.message_id = event.data.message_id;
    event.source.postMessage(body, event.origin);
  }

  function fail(event, code, message) { reply(event, { error: { code: code, message: message } }); }

  var handlers = {
    "lti.capabilities": function (event) {
      reply(event, {
        supported_messages: SUPPORTED.map(function (subject) { return { subject: subject }; })
      });
    },
    "lti.put_data": function (event) {
      var data = event.data;
      var name = storageKey(event.origin, data.key);
      if (data.value === null || data.value === undefined || data.value === "") {
        localStorage.removeItem(name);  // an empty value deletes the key
      } else if (String(data.key).length + String(data.value).length > MAX_CHARS) {
        return fail(event, "storage_exhaustion", "key and value exceed " + MAX_CHARS + " characters");
      } else {
        localStorage.setItem(name, String(data.value));
      }
      reply(event, { key: data.key, value: data.value });
    },
    "lti.get_data": function (event) {
      var value = localStorage.getItem(storageKey(event.origin, event.data.key));
      reply(event, { key: event.data.key, value: value });
    }
  };

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== frame.contentWindow || !data || typeof data.subject !== "string") { return; }
    if (data.subject.indexOf("lti.") !== 0 || /\.response$/.test(data.subject)) { return; }
    if (!data.message_id) { return fail(event, "bad_request", "message_id is required"); }
    if (!handlers[data.subject]) { return fail(event, "unsupported_subject", data.subject); }
    if (data.subject !== "lti.capabilities") {
      if (event.origin !== toolOrigin) { return fail(event, "wrong_origin", event.origin); }
      if (typeof data.key !== "string" || !data.key) { return fail(event, "bad_request", "key is required"); }
    }
    try {
      handlers[data.subject](event);
    } catch (e) {
      fail(event, "error", String(e && e.message || e));
    }
  });
})();
