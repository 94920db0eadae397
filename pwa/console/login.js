// The staff sign-in form: posts to /api/auth/login and sends the person to the app for their role.
import { both, has, tEn } from "./i18n/index.js";
import { safeNext } from "./next.js";

const HOME_BY_ROLE = Object.freeze({ admin: "/console/", dispatcher: "/console/", field: "/field/" });

const showError = (form, text) => {
  const box = form.querySelector('[data-role="login-error"]');
  box.textContent = text;
  box.hidden = !text;
};

const submit = async (form) => {
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  const button = form.querySelector('[data-action="submit"]');
  for (const input of [form.elements.username, form.elements.password]) input.removeAttribute("aria-invalid");
  if (!username || !password) {
    showError(form, both("login.missing"));
    (username ? form.elements.password : form.elements.username).setAttribute("aria-invalid", "true");
    (username ? form.elements.password : form.elements.username).focus();
    return;
  }
  button.disabled = true;
  showError(form, "");
  form.setAttribute("aria-busy", "true");
  try {
    const response = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password }),
      credentials: "same-origin",
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const key = `login.${body.error}`;
      // The server's message is the precise one (it names the lock-out time); the catalogue adds English.
      const text = has(key) ? `${body.message || both(key)} · ${tEn(key)}` : body.message || both("login.failed");
      showError(form, text);
      form.elements.password.value = "";
      form.elements.password.setAttribute("aria-invalid", "true");
      form.elements.password.focus();
      return;
    }
    const next = safeNext(form.dataset.next);
    const home = HOME_BY_ROLE[body.user.role] ?? "/";
    // A field worker asking for the console still lands in the field app: the console would refuse them.
    window.location.assign(next && (body.user.role !== "field" || !next.startsWith("/console")) ? next : home);
  } catch {
    showError(form, both("login.network"));
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
};

const form = document.querySelector('[data-action="login"]');
form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit(form);
});
