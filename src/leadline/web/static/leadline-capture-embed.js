/* Leadline web-to-lead embed: for each form[data-leadline-form] on the page, ask a fresh timing
   token (GET <action>/token) so each page view posts its own, and copy the page's UTM
   parameters, ad click id, address and referrer into hidden fields. No other host is contacted. */
(function () {
  "use strict";
  var PARAMS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                "gclid", "fbclid", "msclkid"];

  function hidden(form, name, value) {
    if (!value) { return; }
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function prepare(form) {
    var query = new URLSearchParams(window.location.search);
    PARAMS.forEach(function (name) { hidden(form, name, query.get(name)); });
    hidden(form, "landing_page", window.location.href);
    hidden(form, "referrer", document.referrer);
    fetch(form.action + "/token", { credentials: "omit" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (body) { if (body && body.token) { hidden(form, "_lt", body.token); } })
      .catch(function () { /* the token in the snippet stays */ });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-leadline-form]"), prepare);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
