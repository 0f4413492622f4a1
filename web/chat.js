/* Chat page for the Rasa socket.io channel (session_persistence: true).
   Rasa server: http://localhost:5005 unless the page is opened with ?server=http://HOST:PORT. */
(function () {
  "use strict";

  var DEFAULT_SERVER = "http://localhost:5005";
  var SESSION_KEY = "backcare-chat-session-id";

  var messages = document.getElementById("messages");
  var statusLine = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message-input");
  var sendButton = document.getElementById("send");
  var sessionId = null;
  /* Polling only: Rasa 3.6's Sanic 21.12 cannot complete a websocket upgrade on Python 3.11,
     and a failed upgrade leaves the Engine.IO session holding every packet. */
  var socket = window.io(serverUrl(), { transports: ["polling"] });

  function serverUrl() {
    var requested = new URLSearchParams(window.location.search).get("server");
    return requested && /^https?:\/\/\S+$/.test(requested) ? requested.replace(/\/+$/, "") : DEFAULT_SERVER;
  }

  function setReady(ready, text) {
    input.disabled = !ready;
    sendButton.disabled = !ready;
    statusLine.textContent = text;
  }

  function scrollToEnd() {
    if (messages.lastElementChild) {
      messages.lastElementChild.scrollIntoView({ block: "end" });
    }
  }

  /* Appends text to parent, turning http(s) links into anchors (no HTML is interpreted). */
  function appendLinkified(parent, text) {
    var pattern = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addBubble(sender, text) {
    var item = document.createElement("li");
    item.className = "msg msg-" + sender;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = sender === "user" ? "You: " : "Assistant: ";
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    if (sender === "bot") {
      appendLinkified(bubble, text);
    } else {
      bubble.textContent = text;
    }
    item.appendChild(label);
    item.appendChild(bubble);
    messages.appendChild(item);
    scrollToEnd();
    return item;
  }

  function clearQuickReplies() {
    messages.querySelectorAll(".quick-replies").forEach(function (group) { group.remove(); });
  }

  function addQuickReplies(item, replies) {
    var group = document.createElement("div");
    group.className = "quick-replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    replies.forEach(function (reply) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "quick-reply";
      button.textContent = reply.title;
      button.addEventListener("click", function () { send(reply.payload, reply.title); });
      group.appendChild(button);
    });
    item.appendChild(group);
    scrollToEnd();
  }

  function send(message, shownText) {
    if (!sessionId || !message) {
      return;
    }
    clearQuickReplies();
    addBubble("user", shownText);
    socket.emit("user_uttered", { message: message, session_id: sessionId });
  }

  socket.on("connect", function () {
    setReady(false, "Starting your session…");
    socket.emit("session_request", { session_id: window.localStorage.getItem(SESSION_KEY) });
  });

  socket.on("session_confirm", function (data) {
    sessionId = data && data.session_id ? data.session_id : data;
    window.localStorage.setItem(SESSION_KEY, sessionId);
    setReady(true, "Connected");
  });

  socket.on("bot_uttered", function (data) {
    var replies = data.quick_replies || data.buttons || [];
    if (!data.text && !replies.length) {
      return;
    }
    var item = addBubble("bot", data.text || "");
    if (replies.length) {
      addQuickReplies(item, replies);
    }
  });

  socket.on("disconnect", function () {
    sessionId = null;
    setReady(false, "Connection lost — reconnecting…");
  });

  socket.on("connect_error", function () {
    setReady(false, "Cannot reach the assistant at " + serverUrl() + " — retrying…");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text) {
      send(text, text);
      input.value = "";
    }
    input.focus();
  });

  document.getElementById("new-chat").addEventListener("click", function () {
    window.localStorage.removeItem(SESSION_KEY);
    messages.replaceChildren();
    if (socket.connected) {
      sessionId = null;
      setReady(false, "Starting a new session…");
      socket.emit("session_request", { session_id: null });
    }
    input.focus();
  });
})();
