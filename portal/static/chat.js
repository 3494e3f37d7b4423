// The handbook's chat box: messages go to the portal (same origin), which talks to the bot.
// The conversation id is an HttpOnly cookie the portal sets; this script never sees it.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("chat");
    if (!box) { return; }
    var log = document.getElementById("chat-log");
    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-input");
    var endpoint = box.getAttribute("data-endpoint");
    var busy = false;

    function bubble(cls, text) {
      var p = document.createElement("p");
      p.className = "bubble " + cls;
      p.textContent = text;
      log.appendChild(p);
      log.scrollTop = log.scrollHeight;
      return p;
    }

    function buttons(parent, list) {
      var row = document.createElement("div");
      row.className = "chat-buttons";
      list.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(button);
      });
      parent.appendChild(row);
    }

    function send(message, shown) {
      if (busy) { return; }
      busy = true;
      bubble("user", shown);
      var waiting = bubble("bot waiting", "…");
      fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({message: message})
      }).then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      }).then(function (result) {
        waiting.remove();
        if (!result.ok) {
          bubble("bot error", result.body.error || "Có lỗi, bạn thử lại nhé.");
          return;
        }
        var messages = result.body.messages || [];
        if (!messages.length) { bubble("bot", "Mình chưa có câu trả lời, bạn hỏi cách khác nhé."); }
        messages.forEach(function (m) {
          var shownBubble = bubble("bot", m.text || "");
          if (m.buttons && m.buttons.length) { buttons(shownBubble, m.buttons); }
        });
        log.scrollTop = log.scrollHeight;
      }).catch(function () {
        waiting.remove();
        bubble("bot error", "Không kết nối được, bạn thử lại nhé.");
      }).then(function () { busy = false; });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var message = input.value;
      if (!message.trim()) {
        bubble("bot error", "Bạn gõ câu hỏi vào ô rồi bấm Gửi nhé.");
        return;
      }
      input.value = "";
      send(message, message);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
