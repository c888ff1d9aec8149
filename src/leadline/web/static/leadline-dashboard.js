/* Leadline's dashboard: draws each <figure data-chart> from the numbers in its own table (the
   <td data-value> cells), with the vendored Chart.js. The table stays for screen readers. */
(function () {
  "use strict";
  var COLOURS = ["#1f5fbf", "#2a9d8f", "#c77d00", "#b5446e", "#6d597a", "#4d7c0f", "#8a4b08", "#0e7490"];
  var WON = "#2a7d3f", LOST = "#b3261e", QUOTA = "#1d2330";

  function read(table) {
    var heads = table.querySelectorAll("thead th");
    var series = [];
    for (var i = 1; i < heads.length; i++) { series.push({ name: heads[i].textContent.trim(), values: [] }); }
    var labels = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      labels.push(row.querySelector("th").textContent.trim());
      row.querySelectorAll("td").forEach(function (cell, index) { series[index].values.push(Number(cell.dataset.value)); });
    });
    return { labels: labels, series: series };
  }

  function config(kind, numbers, figure) {
    var first = numbers.series[0];
    var whole = { beginAtZero: true, ticks: { precision: 0 } };  // counts and amounts: no 0.2 of a lead
    var base = { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: false } } };
    if (kind !== "doughnut") { base.scales = kind === "funnel" ? { x: whole } : { y: whole }; }
    if (kind === "doughnut") {
      base.plugins.legend = { display: true, position: "right" };
      return { type: "doughnut", options: base, data: { labels: numbers.labels, datasets: [
        { label: first.name, data: first.values, backgroundColor: COLOURS } ] } };
    }
    if (kind === "funnel") {
      base.indexAxis = "y";
      return { type: "bar", options: base, data: { labels: numbers.labels, datasets: [
        { label: first.name, data: first.values, backgroundColor: COLOURS[0] } ] } };
    }
    if (kind === "trend") {
      base.plugins.legend = { display: true };
      return { type: "bar", options: base, data: { labels: numbers.labels, datasets: [
        { label: numbers.series[0].name, data: numbers.series[0].values, backgroundColor: WON },
        { label: numbers.series[1].name, data: numbers.series[1].values, backgroundColor: LOST } ] } };
    }
    var datasets = [{ label: first.name, data: first.values, backgroundColor: COLOURS[0], order: 2 }];
    if (kind === "forecast" && figure.dataset.quota) {
      var quota = Number(figure.dataset.quota);
      base.plugins.legend = { display: true };
      datasets.push({ type: "line", label: "Quota", data: numbers.labels.map(function () { return quota; }),
                      borderColor: QUOTA, borderDash: [6, 4], pointRadius: 0, order: 1 });
    }
    return { type: "bar", options: base, data: { labels: numbers.labels, datasets: datasets } };
  }

  function draw(figure) {
    var table = figure.querySelector("table.numbers");
    var canvas = figure.querySelector("canvas");
    if (!table || !canvas || typeof window.Chart === "undefined") { return; }
    new window.Chart(canvas, config(figure.dataset.chart, read(table), figure));
    figure.dataset.drawn = "true";
  }

  function start() { document.querySelectorAll("figure[data-chart]").forEach(draw); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
