// The conversion dialog (templates/conversion/dialog.html): the controls that belong to one
// opportunity choice are enabled only while it is chosen. Without this script every control
// stays enabled and the server ignores or refuses what does not fit the choice.
(function () {
  "use strict";
  var form = document.querySelector("form.conversion");
  if (!form) { return; }
  var dependants = { create: form.querySelector("input[name=one_per_product]"),
                     attach: form.querySelector("select[name=opportunity_id]") };
  function update() {
    var chosen = form.querySelector("input[name=opportunity]:checked");
    Object.keys(dependants).forEach(function (choice) {
      var control = dependants[choice];
      if (control) { control.disabled = !chosen || chosen.value !== choice; }
    });
  }
  form.querySelectorAll("input[name=opportunity]").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
  // A new account search replaces the found accounts: if the chosen one went with them, the
  // choice shown falls back to "a new account", which is what the form would send.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "account-results") { return; }
    if (!form.querySelector("input[name=account]:checked")) {
      form.querySelector("input[name=account][value='']").checked = true;
    }
  });
})();
