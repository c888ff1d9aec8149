// Leadline's leads list: "Select all on this page" ticks or clears every lead's box of the list
// shown (htmx replaces the list, so the handler listens on the document).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box || box.id !== "select-all") { return; }
  var form = box.closest("form");
  if (!form) { return; }
  form.querySelectorAll('input[type="checkbox"][name="lead"]').forEach(function (lead) {
    lead.checked = box.checked;
  });
});
