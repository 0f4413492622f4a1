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
  var connectionLost = false; /* the connection dropped since the last session_confirm */
  var focusInputWhenReady = false;
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  /* Polling only: Rasa 3.6's Sanic 21.12 cannot complete a websocket upgrade on Python 3.11,
     and a failed upgrade leaves the Engine.IO session holding every packet. */
  var socket = window.io(serverUrl(), { transports: ["polling"] });

  function serverUrl() {
    var requested = new URLSearchParams(window.location.search).get("server");
    return requested && /^https?:\/\/\S+$/.test(requested) ? requested.replace(/\/+$/, "") : DEFAULT_SERVER;
  }

  /* state: "connecting", "online" or "offline" (styled in chat.css); the status line is a
     live region, so screen readers announce each change. */
  function setReady(ready, text, state) {
    input.disabled = !ready;
    sendButton.disabled = !ready;
    statusLine.textContent = text;
    statusLine.dataset.state = state;
    if (ready && focusInputWhenReady) {
      focusInputWhenReady = false;
      input.focus();
    }
  }

  function scrollToEnd() {
    if (messages.lastElementChild) {
      messages.lastElementChild.scrollIntoView({
        block: "end",
        behavior: reducedMotion.matches ? "auto" : "smooth"
      });
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

  /* The plan's downloads (actions/plan.py sends them after the plan): links to files made in
     the page, so nothing is fetched from a server. */
  function addDownloads(download) {
    var item = document.createElement("li");
    item.className = "msg msg-bot";
    var group = document.createElement("div");
    group.className = "downloads";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Download your plan");
    [
      { content: download.text, type: "text/plain", name: "my-back-care-plan.txt", label: "Download plan (text)" },
      { content: download.ics, type: "text/calendar", name: "my-back-care-plan.ics", label: "Add to calendar (.ics)" }
    ].forEach(function (file) {
      if (!file.content) {
        return;
      }
      var link = document.createElement("a");
      link.className = "download";
      link.href = URL.createObjectURL(new Blob([file.content], { type: file.type + ";charset=utf-8" }));
      link.download = file.name;
      link.textContent = file.label;
      group.appendChild(link);
    });
    item.appendChild(group);
    messages.appendChild(item);
    scrollToEnd();
  }

  function send(message, shownText) {
    if (!sessionId || !message) {
      return;
    }
    /* a quick reply chosen by keyboard disappears below; keep the focus in the chat */
    var keyboardOnReply = document.activeElement && document.activeElement.matches(".quick-reply:focus-visible");
    clearQuickReplies();
    if (keyboardOnReply) {
      input.focus();
    }
    addBubble("user", shownText);
    socket.emit("user_uttered", { message: message, session_id: sessionId });
  }

  socket.on("connect", function () {
    setReady(false, "Starting your session…", "connecting");
    socket.emit("session_request", { session_id: window.localStorage.getItem(SESSION_KEY) });
  });

  socket.on("session_confirm", function (data) {
    sessionId = data && data.session_id ? data.session_id : data;
    window.localStorage.setItem(SESSION_KEY, sessionId);
    setReady(true, connectionLost ? "Reconnected — you can carry on." : "Connected", "online");
    connectionLost = false;
  });

  socket.on("bot_uttered", function (data) {
    if (data.plan_download) {
      addDownloads(data.plan_download);
      return;
    }
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
    connectionLost = true;
    setReady(false, "Connection lost — reconnecting…", "offline");
  });

  socket.on("connect_error", function () {
    if (!connectionLost) {
      setReady(false, "Cannot reach the assistant at " + serverUrl() + " — retrying…", "offline");
    }
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
    focusInputWhenReady = true;
    if (socket.connected) {
      sessionId = null;
      setReady(false, "Starting a new session…", "connecting");
      socket.emit("session_request", { session_id: null });
    }
  });
})();
