// Ticket pages: SLA countdowns and intake suggestions.
// [data-remaining] holds the business seconds left the server computed; running clocks tick
// down once a second (the queue re-reads the server every 30 s, which corrects any drift
// outside service hours). The suggestions panel fills the form's category, department,
// emotion and priority (the urgency as the ticket would get it) unless the agent has chosen them.
(function () {
  "use strict";
  function show(seconds) {
    var sign = seconds < 0 ? "-" : "";
    var s = Math.abs(seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return sign + h + ":" + (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }
  function tick() {
    document.querySelectorAll("[data-remaining]").forEach(function (el) {
      if (el.dataset.running !== "1") return;
      var left = parseInt(el.dataset.remaining, 10) - 1;
      el.dataset.remaining = String(left);
      el.textContent = show(left);
      if (left < 0) el.classList.add("danger");
    });
  }
  setInterval(tick, 1000);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.dataset && el.dataset.suggested) el.dataset.touched = "1";
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target || event.target.id !== "suggest") return;
    var panel = event.target.querySelector(".suggest");
    if (!panel) return;
    ["category", "department", "emotion", "priority"].forEach(function (name) {
      var field = document.querySelector('[data-suggested="' + name + '"]');
      var value = panel.dataset[name];
      if (field && value && field.dataset.touched !== "1") {
        field.value = value;
        field.dataset.filled = "1";
      }
    });
  });
})();
