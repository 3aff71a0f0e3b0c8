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
