// Leadline's record pages: the stage form shows only what the chosen stage needs (a loss reason
// and comment for a lost stage, the amount to win for a won one). Without this script every
// field shows, and the use case still says what is missing.
(function () {
  "use strict";

  function update(form) {
    var select = form.querySelector("select[name=stage]");
    var chosen = select && select.options[select.selectedIndex];
    var needs = chosen ? chosen.getAttribute("data-needs") || "" : "";
    form.querySelectorAll("[data-needed-for]").forEach(function (pair) {
      var refused = pair.querySelector("[aria-invalid=true]") !== null;
      pair.hidden = !(refused || pair.getAttribute("data-needed-for") === needs);
    });
  }

  function start() {
    document.querySelectorAll("form.stage-change").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
