// Draws every [data-chart] element with ECharts (the option is JSON in the attribute),
// on page load and whenever htmx swaps new content in.
(function () {
  "use strict";
  function draw(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var locale = document.documentElement.lang === "en" ? "EN" : "ZH";
      var chart = window.echarts.init(el, null, { renderer: "svg", locale: locale });
      chart.setOption(JSON.parse(el.dataset.chart));
      el.dataset.chartReady = "1";
      if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
})();
