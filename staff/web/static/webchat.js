// The counsellors' web chat: messages go to the service (same origin), which talks to Rasa.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var toggle = document.getElementById("details-toggle");
  var csrf = chat.getAttribute("data-csrf");

  // The latest message (and its details box, when shown) in view: the chat scrolled to its end,
  // and the page scrolled so that the chat's end and the composer are on the screen (on a phone
  // the chat and the composer do not fit above the fold together).
  function showLatest() {
    chat.scrollTop = chat.scrollHeight;
    form.scrollIntoView({block: "nearest"});
  }

  toggle.addEventListener("change", function () {
    chat.classList.toggle("show-details", toggle.checked);
    showLatest();
  });

  function bubble(cls, text) {
    var div = document.createElement("div");
    div.className = "bubble " + cls;
    div.textContent = text;
    chat.appendChild(div);
    showLatest();
    return div;
  }

  function detailsBox(details) {
    var box = document.createElement("div");
    box.className = "details";
    if (!details || !details.intent) {
      box.textContent = "Không có chi tiết.";
      return box;
    }
    // What the bot recognised: the parse's entities and the slots the turn set, named for people.
    var recognised = (details.recognised || []).map(function (r) { return r[0] + ": " + r[1]; }).join("; ");
    var lines = [
      "Ý định: " + details.intent + " (" + Math.round(details.confidence * 100) + "%)",
      "Khả năng khác: " + (details.ranking || []).slice(1).map(function (r) { return r[0] + " " + Math.round(r[1] * 100) + "%"; }).join(", "),
      "Bot nhận ra: " + (recognised || "không có"),
      "Hành động trả lời: " + ((details.actions || []).join(", ") || "không có")
    ];
    lines.forEach(function (line) {
      var p = document.createElement("div");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }

  function send(message, shown) {
    bubble("user", shown);
    var waiting = bubble("bot waiting", "…");
    fetch("/tu-van/tro-chuyen/gui", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({message: message})
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (result) {
      waiting.remove();
      if (!result.ok) {
        bubble("bot error", result.body.error || "Có lỗi, hãy thử lại.");
        return;
      }
      var messages = result.body.messages || [];
      if (!messages.length) {
        bubble("bot", "(bot không trả lời gì)");
      }
      var last = null;
      messages.forEach(function (m) {
        last = bubble("bot", m.text || "");
        if (m.buttons && m.buttons.length) {
          var row = document.createElement("div");
          row.className = "buttons";
          m.buttons.forEach(function (b) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "small choice";
            button.textContent = b.title;
            button.addEventListener("click", function () { send(b.payload, b.title); });
            row.appendChild(button);
          });
          last.appendChild(row);
        }
      });
      (last || chat.lastChild).appendChild(detailsBox(result.body.details));
      showLatest();
    }).catch(function () {
      waiting.remove();
      bubble("bot error", "Không kết nối được, hãy thử lại.");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = input.value;
    if (!message.trim()) { return; }
    input.value = "";
    send(message, message);
  });
})();
