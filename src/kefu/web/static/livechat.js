// Live web chat over a WebSocket: the subscriber's widget (data-role="customer") and the
// agent's desk (data-role="agent"). Text is always set with textContent, never as HTML.
// The socket reconnects after a drop and resumes after the last message id it has.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function connect(path, onFrame, onState) {
    var socket = null, closedByUs = false, delay = 500;
    function open(query) {
      var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path + (query ? "?" + query : "");
      socket = new WebSocket(url);
      socket.onopen = function () { delay = 500; onState(true); };
      socket.onmessage = function (event) { onFrame(JSON.parse(event.data)); };
      socket.onclose = function () {
        onState(false);
        if (!closedByUs) setTimeout(function () { open(api.query()); }, delay);
        delay = Math.min(delay * 2, 10000);
      };
    }
    var api = {
      query: function () { return ""; },
      send: function (frame) {
        if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
        return false;
      },
      start: function () { open(api.query()); },
      close: function () { closedByUs = true; if (socket) socket.close(); },
    };
    window.addEventListener("beforeunload", api.close);
    return api;
  }

  // Tells the other side "typing" at most once per `every` ms while keys are pressed; the
  // server forgets it a few seconds after the last one, so nothing needs to say "stopped".
  function typingSignal(send, every) {
    var last = 0;
    return function () {
      var now = Date.now();
      if (now - last < every) return;
      if (send()) last = now;
    };
  }

  function appendMessage(log, m, meLabel, mine) {
    if (log.querySelector('[data-id="' + m.id + '"]')) return;
    var item = el("li", "chat-msg " + m.sender + (m.origin === "robot" ? " from-robot" : ""));
    item.dataset.id = m.id;
    item.appendChild(el("span", "who", (mine ? meLabel : m.name) + " · " + m.time));
    item.appendChild(el("div", "chat-text", m.text));
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function customer(root) {
    var labels = JSON.parse(root.dataset.labels);
    var log = root.querySelector("#live-log"), status = root.querySelector("#live-status");
    var form = root.querySelector("#live-form"), input = root.querySelector("#live-text");
    var startButton = root.querySelector("#live-start"), endButton = root.querySelector("#live-end");
    var error = root.querySelector("#live-error"), typing = root.querySelector("#live-typing");
    var last = Number(root.dataset.after || 0);

    function show(state) {
      var active = state === "queued" || state === "offered" || state === "assigned";
      form.hidden = !active; endButton.hidden = !active; startButton.hidden = active;
      if (labels[state]) status.textContent = labels[state];
      root.dataset.state = state || "";
    }
    var link = connect(root.dataset.socket, function (frame) {
      if (frame.type === "error") { error.textContent = frame.message; return; }
      if (frame.type !== "chat") return;
      error.textContent = "";
      if (frame.reset) { log.textContent = ""; }
      frame.messages.forEach(function (m) {
        appendMessage(log, m, labels.me, m.sender === "customer");
        last = Math.max(last, m.id);
      });
      show(frame.contact ? frame.contact.state : "");
      typing.hidden = !frame.typing;
    }, function (up) { if (!up) status.textContent = labels.offline; else show(root.dataset.state); });
    link.query = function () { return "after=" + last; };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (text && link.send({ type: "send", text: text })) input.value = "";
    });
    var signal = typingSignal(function () { return link.send({ type: "typing" }); }, 2000);
    input.addEventListener("input", function () { if (input.value.trim() && !form.hidden) signal(); });
    startButton.addEventListener("click", function () { link.send({ type: "start" }); });
    endButton.addEventListener("click", function () { link.send({ type: "end" }); });
    link.start();
  }

  function agent(root) {
    var labels = JSON.parse(root.dataset.labels), max = Number(root.dataset.max || 2000);
    var chats = root.querySelector("#desk-chats"), empty = root.querySelector("#desk-empty");
    var error = root.querySelector("#desk-error"), closed = root.querySelector("#desk-closed");
    var link = connect(root.dataset.socket, function (frame) {
      if (frame.type === "error") { error.textContent = frame.message; return; }
      if (frame.type !== "desk") return;
      error.textContent = "";
      root.querySelector("#desk-presence").textContent = labels[frame.agent.presence] || frame.agent.presence;
      root.querySelector("#desk-capacity").textContent = frame.agent.capacity_chat;
      root.querySelector("#desk-load").textContent = frame.chats.filter(function (c) { return c.state === "assigned"; }).length;
      var present = {};
      frame.chats.forEach(function (c) { present[c.id] = true; panel(c); });
      Array.prototype.forEach.call(chats.querySelectorAll(".chat-panel"), function (p) {
        if (!present[p.dataset.contactId]) p.remove();
      });
      frame.messages.forEach(function (m) {
        var p = chats.querySelector('.chat-panel[data-contact-id="' + m.contact_id + '"] .chat-log');
        if (p) appendMessage(p, m, "", false);
      });
      empty.hidden = frame.chats.length > 0;
      Array.prototype.forEach.call(chats.querySelectorAll(".chat-panel"), function (p) {
        p.querySelector(".chat-typing").hidden = (frame.typing || []).indexOf(Number(p.dataset.contactId)) < 0;
      });
      closed.textContent = "";
      (frame.closed || []).forEach(function (c) {
        closed.appendChild(el("li", "chat-closed", labels.closed + " #" + c.id + "：" + (labels[c.reason] || c.reason)));
      });
    }, function (up) { if (!up) error.textContent = labels.offline; });

    function panel(c) {
      var p = chats.querySelector('.chat-panel[data-contact-id="' + c.id + '"]');
      if (!p) {
        p = el("article", "chat-panel");
        p.dataset.contactId = c.id;
        var who = c.customer.number ? c.customer.name + " " + c.customer.number : "#" + c.id;
        p.setAttribute("aria-label", labels.customer + " " + who);
        var head = el("header", "chat-head");
        head.appendChild(el("strong", "", who));
        head.appendChild(el("span", "badge chat-channel", labels["channel_" + c.channel] || c.channel));
        if (c.from_robot) head.appendChild(el("span", "badge", labels.from_robot));
        head.appendChild(el("span", "chat-state"));
        head.appendChild(el("span", "chat-ticket"));
        p.appendChild(head);
        var log = el("ol", "chat-log");
        log.setAttribute("aria-label", labels.customer + " " + who);
        p.appendChild(log);
        var typing = el("p", "chat-typing", labels.typing);
        typing.hidden = true;
        typing.setAttribute("aria-live", "polite");
        p.appendChild(typing);
        var accept = el("button", "button primary chat-accept", labels.accept);
        accept.type = "button";
        accept.addEventListener("click", function () {
          link.send({ type: "accept", contact_id: c.id, offer_seq: Number(p.dataset.offerSeq) });
        });
        p.appendChild(accept);
        var form = el("form", "chat-form chat-reply");
        var input = el("input");
        input.type = "text"; input.maxLength = max; input.required = true; input.autocomplete = "off";
        input.setAttribute("aria-label", labels.reply);
        var send = el("button", "button primary", labels.send);
        send.type = "submit";
        form.appendChild(input); form.appendChild(send);
        var signal = typingSignal(function () { return link.send({ type: "typing", contact_id: c.id }); }, 2000);
        input.addEventListener("input", function () { if (input.value.trim()) signal(); });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var text = input.value.trim();
          if (text && link.send({ type: "send", contact_id: c.id, text: text })) input.value = "";
        });
        p.appendChild(form);
        var tools = el("div", "chat-tools");
        var demand = el("input"); demand.type = "text"; demand.maxLength = 400;
        demand.setAttribute("aria-label", labels.core_demand); demand.placeholder = labels.core_demand;
        var ticket = el("button", "button", labels.ticket); ticket.type = "button";
        ticket.addEventListener("click", function () {
          link.send({ type: "ticket", contact_id: c.id, core_demand: demand.value });
        });
        var number = el("input"); number.type = "number"; number.min = 1;
        number.setAttribute("aria-label", labels.ticket_no); number.placeholder = labels.ticket_no;
        var linkButton = el("button", "button", labels.link); linkButton.type = "button";
        linkButton.addEventListener("click", function () {
          link.send({ type: "link", contact_id: c.id, ticket_id: number.value });
        });
        var end = el("button", "button chat-end", labels.end); end.type = "button";
        end.addEventListener("click", function () { link.send({ type: "end", contact_id: c.id }); });
        [demand, ticket, number, linkButton, end].forEach(function (n) { tools.appendChild(n); });
        p.appendChild(tools);
        chats.appendChild(p);
      }
      p.dataset.offerSeq = c.offer_seq;
      p.dataset.state = c.state;
      p.querySelector(".chat-state").textContent = labels[c.state] || c.state;
      var ticketLabel = p.querySelector(".chat-ticket");
      ticketLabel.textContent = "";
      if (c.ticket_id) {
        var open = el("a", "", labels.linked + " #" + c.ticket_id);
        open.href = "/tickets/" + Number(c.ticket_id);
        open.target = "_blank";
        ticketLabel.appendChild(open);
      }
      p.querySelector(".chat-accept").hidden = c.state !== "offered";
      p.querySelector(".chat-reply").hidden = c.state !== "assigned";
      p.querySelector(".chat-tools").hidden = c.state !== "assigned";
    }

    Array.prototype.forEach.call(root.querySelectorAll("[data-presence]"), function (button) {
      button.addEventListener("click", function () { link.send({ type: "presence", state: button.dataset.presence }); });
    });
    link.start();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var c = document.getElementById("livechat");
    if (c) customer(c);
    var a = document.getElementById("desk");
    if (a) agent(a);
  });
})();
