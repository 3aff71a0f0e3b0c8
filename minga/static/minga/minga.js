// Send Django's CSRF token with every htmx request (the token sits on <body>).
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrf;
  if (token) {
    event.detail.headers["X-CSRFToken"] = token;
  }
});
// Language switcher: submit on change, no inline script (the CSP forbids it).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});
// A meeting's time is shown where it happens; a reader elsewhere also sees it in their
// own time zone (the browser's), after it.
document.addEventListener("DOMContentLoaded", function () {
  var here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time[data-zone]").forEach(function (element) {
    if (!here || here === element.dataset.zone) {
      return;
    }
    var when = new Date(element.getAttribute("datetime"));
    var text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "medium",
      timeStyle: "short",
    }).format(when);
    var note = document.createElement("span");
    note.className = "muted";
    note.textContent = " · " + text + " " + (element.dataset.localLabel || "");
    element.after(note);
  });
});
