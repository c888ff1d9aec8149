// The pipeline board: HTML5 drag and drop and the "Move to…" forms post a move to /board/move.
// The answer is the board's columns (replaced in place) or a refusal as JSON: a refusal naming an
// input the dialog asks for (a loss reason, an amount to win) opens the dialog; any other snaps the
// card back to where it was and shows the message.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var dialog = document.getElementById("board-dialog");
  var dialogForm = document.getElementById("board-dialog-form");
  var errorLine = document.getElementById("board-error");
  var statusLine = document.getElementById("board-status");
  var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  var dragged = null;
  var pending = null; // the move the dialog completes: {card, stage, origin}

  var picker = document.getElementById("process-picker");
  if (picker) {
    picker.addEventListener("change", function () { picker.submit(); });
  }

  function nameOf(card) {
    return card.querySelector(".card-name").textContent;
  }

  function originOf(card) {
    return { list: card.parentElement, next: card.nextElementSibling };
  }

  function snapBack(card, origin) {
    if (origin && card.parentElement !== origin.list) {
      origin.list.insertBefore(card, origin.next && origin.next.parentElement === origin.list ? origin.next : null);
    }
    card.classList.remove("moving");
  }

  function say(message) {
    statusLine.textContent = message;
  }

  function refuse(message) {
    errorLine.textContent = message;
  }

  function replaceColumns(html, opportunityId) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("#board-columns");
    document.getElementById("board-columns").replaceWith(fresh);
    var moved = fresh.querySelector('[data-opportunity="' + opportunityId + '"] .card-name');
    if (moved) { moved.focus(); }
  }

  function post(card, stage, extra) {
    var body = new URLSearchParams({
      opportunity: card.dataset.opportunity, version: card.dataset.version, stage: stage,
      process: board.dataset.process
    });
    Object.keys(extra || {}).forEach(function (key) { body.set(key, extra[key]); });
    return fetch("/board/move", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "x-csrftoken": headers["x-csrftoken"] || "", "accept": "application/json, text/html" }
    });
  }

  function columnOf(stage) {
    return board.querySelector('.column[data-stage="' + stage + '"]');
  }

  function move(card, stage, origin, extra) {
    var column = columnOf(stage);
    errorLine.textContent = "";
    card.classList.add("moving");
    return post(card, stage, extra).then(function (response) {
      if (response.ok) {
        return response.text().then(function (html) {
          if (dialog.open) { dialog.close("moved"); }
          pending = null;
          replaceColumns(html, card.dataset.opportunity);
          say("Moved " + nameOf(card) + " to " + (column ? column.dataset.label : "another stage") + ".");
        });
      }
      return response.json().then(function (refusal) {
        if (refusal.asks && column) {
          ask(card, stage, origin, refusal);
          return;
        }
        if (dialog.open) { dialog.close("refused"); }
        pending = null;
        snapBack(card, origin);
        refuse(refusal.message);
      });
    }).catch(function () {
      if (dialog.open) { dialog.close("refused"); }
      snapBack(card, origin);
      refuse("The move could not be sent; check the connection and try again.");
    });
  }

  function ask(card, stage, origin, refusal) {
    var column = columnOf(stage);
    var outcome = column.dataset.outcome;
    pending = { card: card, stage: stage, origin: origin };
    dialogForm.elements.opportunity.value = card.dataset.opportunity;
    dialogForm.elements.stage.value = stage;
    dialogForm.elements.version.value = card.dataset.version;
    document.getElementById("board-dialog-title").textContent =
      (outcome === "won" ? "Close " + nameOf(card) + " as won" :
        outcome === "lost" ? "Close " + nameOf(card) + " as lost" :
          "Move " + nameOf(card) + " to " + column.dataset.label);
    var shown = null;
    dialogForm.querySelectorAll("[data-asks]").forEach(function (part) {
      var asked = part.dataset.asks === refusal.field;
      if (asked || !part.hidden && dialog.open) {
        part.hidden = false;
      } else {
        part.hidden = true;
      }
      var error = part.querySelector(".error");
      error.textContent = part.dataset.asks === refusal.field && dialog.open ? refusal.message : "";
      if (asked) { shown = part; }
    });
    document.getElementById("board-dialog-message").textContent = dialog.open ? "" : refusal.message;
    if (!dialog.open) { dialog.showModal(); }
    var control = shown && shown.querySelector("select, input");
    if (control) { control.focus(); }
  }

  dialogForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!pending) { dialog.close(); return; }
    var extra = {};
    dialogForm.querySelectorAll("[data-asks]:not([hidden]) [name]").forEach(function (control) {
      extra[control.name] = control.value;
    });
    move(pending.card, pending.stage, pending.origin, extra);
  });

  function cancel() {
    if (pending) { snapBack(pending.card, pending.origin); say("The move was cancelled."); }
    pending = null;
  }

  document.getElementById("board-dialog-cancel").addEventListener("click", function () {
    dialog.close("cancel");
  });
  dialog.addEventListener("close", function () {
    if (dialog.returnValue !== "moved" && dialog.returnValue !== "refused") { cancel(); }
    dialogForm.reset();
    dialog.returnValue = "";
  });

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".opportunity-card");
    if (!card) { return; }
    dragged = { card: card, origin: originOf(card) };
    event.dataTransfer.setData("text/plain", card.dataset.opportunity);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  board.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".opportunity-card");
    if (card) { card.classList.remove("dragging"); }
    board.querySelectorAll(".column.over").forEach(function (c) { c.classList.remove("over"); });
  });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("over");
  });
  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove("over"); }
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    column.classList.remove("over");
    var card = dragged.card, origin = dragged.origin;
    dragged = null;
    if (origin.list.closest(".column") === column) { return; }
    column.querySelector(".cards").prepend(card);  // shown where it was dropped while the move is sent
    move(card, column.dataset.stage, origin, {});
  });

  board.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form.move");
    if (!form) { return; }
    event.preventDefault();
    var card = form.closest(".opportunity-card");
    move(card, form.elements.stage.value, originOf(card), {});
  });
}());
