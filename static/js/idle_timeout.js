// Warns a signed-in user before the server signs them out (accounts/signin/middleware.py holds
// the rule; this only tells the user). The seconds left come from data attributes on <body>,
// then from the X-Session-Idle-Remaining header of later htmx and "Stay signed in" responses.
//
// Only the user's click on "Stay signed in" extends the session: nothing here sends a request
// on its own, except reloading the page once the time is up so the server's log-out shows.
// A page load or "Stay signed in" in another tab of the portal moves this tab's deadline too.
(() => {
  "use strict";

  const body = document.body;
  const modalElement = document.getElementById("session-timeout-modal");
  if (!("sessionIdleRemainingSeconds" in body.dataset) || !modalElement || !window.bootstrap) {
    return;
  }
  const loadedAt = Date.now();
  const warningSeconds = Number(body.dataset.sessionWarningSeconds) || 0;
  const keepAliveUrl = body.dataset.sessionKeepAliveUrl;
  const absoluteDeadline = loadedAt + Number(body.dataset.sessionAbsoluteRemainingSeconds) * 1000;
  const IDLE_HEADER = "X-Session-Idle-Remaining";
  // The server counts whole seconds; reload a little after the limit so it has surely passed.
  const RELOAD_MARGIN_MS = 1500;
  const STORAGE_KEY = "portal.session.idleDeadline";

  const modal = bootstrap.Modal.getOrCreateInstance(modalElement);
  const stayButton = modalElement.querySelector("[data-session-stay]");
  const reasons = modalElement.querySelectorAll("[data-session-reason]");
  const countdowns = modalElement.querySelectorAll("[data-session-countdown]");

  let idleDeadline = loadedAt + Number(body.dataset.sessionIdleRemainingSeconds) * 1000;
  let warningTimer = null;
  let expiryTimer = null;
  let countdownTimer = null;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch {
      return "";
    }
  }

  function deadline() {
    return Math.min(idleDeadline, absoluteDeadline);
  }

  function absoluteIsFirst() {
    return absoluteDeadline <= idleDeadline;
  }

  function formatRemaining(ms) {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function updateCountdown() {
    const text = formatRemaining(deadline() - Date.now());
    countdowns.forEach((element) => {
      element.textContent = text;
    });
  }

  function showWarning() {
    const reason = absoluteIsFirst() ? "absolute" : "idle";
    reasons.forEach((element) => {
      element.hidden = element.dataset.sessionReason !== reason;
    });
    // "Stay signed in" cannot move the limit counted from log-in.
    stayButton.hidden = reason === "absolute";
    updateCountdown();
    clearInterval(countdownTimer);
    countdownTimer = setInterval(updateCountdown, 1000);
    modal.show();
  }

  function hideWarning() {
    clearInterval(countdownTimer);
    countdownTimer = null;
    modal.hide();
  }

  function expire() {
    // A GET of this page (never a re-sent form): the server answers with the login page.
    window.location.assign(window.location.href.split("#")[0]);
  }

  function schedule() {
    clearTimeout(warningTimer);
    clearTimeout(expiryTimer);
    const remaining = deadline() - Date.now();
    warningTimer = setTimeout(showWarning, Math.max(0, remaining - warningSeconds * 1000));
    expiryTimer = setTimeout(expire, Math.max(0, remaining) + RELOAD_MARGIN_MS);
  }

  function setIdleDeadline(at, { share = true } = {}) {
    idleDeadline = at;
    if (share) {
      try {
        localStorage.setItem(STORAGE_KEY, String(at));
      } catch {
        // Storage may be disabled; this tab still keeps its own time.
      }
    }
    if (countdownTimer !== null && deadline() - Date.now() > warningSeconds * 1000) {
      hideWarning();
    }
    schedule();
  }

  // The seconds left that the server sent with a response, if it did.
  function followServer(headerValue) {
    if (headerValue !== null && headerValue !== "" && !Number.isNaN(Number(headerValue))) {
      setIdleDeadline(Date.now() + Number(headerValue) * 1000);
      return true;
    }
    return false;
  }

  stayButton.addEventListener("click", async () => {
    stayButton.disabled = true;
    try {
      const response = await fetch(keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204 || !followServer(response.headers.get(IDLE_HEADER))) {
        expire();
      }
    } catch {
      expire();
    } finally {
      stayButton.disabled = false;
    }
  });

  modalElement.addEventListener("shown.bs.modal", () => {
    (stayButton.hidden ? modalElement.querySelector("button") : stayButton).focus();
  });

  // htmx requests reach the server, which may count them as activity.
  body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.status > 0) {
      followServer(xhr.getResponseHeader(IDLE_HEADER));
    }
  });

  // Another tab of the portal loaded a page or chose "Stay signed in".
  window.addEventListener("storage", (event) => {
    if (event.key === STORAGE_KEY && Number(event.newValue) > idleDeadline) {
      setIdleDeadline(Number(event.newValue), { share: false });
    }
  });

  setIdleDeadline(idleDeadline);
})();
