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

// Drafts: a form marked data-draft="<key>" keeps what was typed in this tab's
// sessionStorage (gone when the tab closes) until the server takes it, so a form posted
// after the session expired comes back filled in once the agent has logged in again.
// - htmx forms: a 2xx answer to the form's own request clears the draft;
// - plain forms: the submit leaves a "sent" mark; the next page clears the draft unless
//   it is the login or an error page (the mark is carried on) or the same form again
//   (a validation error, or the form after logging in), where the draft is restored.
(function () {
  "use strict";
  var PREFIX = "kefu-draft:", SENT = "kefu-draft-sent";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) return;

  function typed(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !/^(hidden|file|password|submit|button)$/.test(el.type) && el.name !== "csrf_token";
    });
  }
  var loggingOut = false;
  function save(form) {
    if (loggingOut) return;  // a change event's late save must not bring a draft back
    var data = { __touched: [] };
    typed(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
      if (el.dataset.touched === "1") data.__touched.push(el.name);
    });
    store.setItem(PREFIX + form.dataset.draft, JSON.stringify(data));
  }
  function restore(form) {
    var raw = store.getItem(PREFIX + form.dataset.draft);
    if (!raw) return;
    var data; try { data = JSON.parse(raw); } catch (e) { return; }
    var text = false;
    typed(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.checked = data[el.name] === el.value; return; }
      if (!(el.name in data)) return;
      el.value = data[el.name];
      // A choice the agent made still outranks the suggestions; a filled-in one does not.
      if ((data.__touched || []).indexOf(el.name) >= 0) el.dataset.touched = "1";
      if (data[el.name] && (el.tagName === "TEXTAREA" || el.type === "text" || el.type === "")) text = true;
    });
    if (!text) return;
    var notice = form.querySelector("[data-draft-notice]");
    if (notice) notice.hidden = false;
    // Ask again for the suggestions that belong to the restored text.
    typed(form).forEach(function (el) {
      if (el.getAttribute("hx-post") && el.value) el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  function onPage() {
    var sent = store.getItem(SENT);
    store.removeItem(SENT);
    var forms = document.querySelectorAll("form[data-draft]");
    if (sent) {
      var back = Array.prototype.some.call(forms, function (f) { return f.dataset.draft === sent; });
      if (!back && document.querySelector("[data-keep-drafts]")) store.setItem(SENT, sent);
      else if (!back) store.removeItem(PREFIX + sent);  // the server took it
    }
    forms.forEach(restore);
  }
  document.addEventListener("input", function (event) {
    var form = event.target && event.target.closest && event.target.closest("form[data-draft]");
    if (form) save(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.closest && event.target.closest("form[data-draft]");
    if (form) setTimeout(function () { save(form); }, 0);  // after tickets.js marks the choice as the agent's
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute && /\/logout$/.test(form.getAttribute("action") || "")) {
      // Logging out leaves nothing typed behind for the next person at this desk.
      loggingOut = true;
      Object.keys(store).forEach(function (key) { if (key.indexOf(PREFIX) === 0) store.removeItem(key); });
      store.removeItem(SENT);
      return;
    }
    if (!form.dataset || !form.dataset.draft) return;
    save(form);
    if (!form.hasAttribute("hx-post")) store.setItem(SENT, form.dataset.draft);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt, xhr = event.detail && event.detail.xhr;
    if (!elt || !elt.dataset || !elt.dataset.draft || !xhr) return;
    if (xhr.status >= 200 && xhr.status < 300) store.removeItem(PREFIX + elt.dataset.draft);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onPage);
  else onPage();
})();
