// The device sign-in: username and password, `device: true`; the token is kept in IndexedDB by auth.js.
// After the shared /login page (a session cookie only), the username is filled in and the password asked once
// more, because a device token is issued only at sign-in.
import { el, replace } from "/pwa/console/dom.js";
import { SignInError, sessionUser, signIn } from "./auth.js";
import { t } from "./i18n/index.js";

/**
 * @param {HTMLElement} root
 * @param {{db: object, onSignedIn: (device: object) => void}} ctx
 */
export async function mountLogin(root, { db, onSignedIn }) {
  const session = navigator.onLine ? await sessionUser() : null;
  const username = el("input", { id: "field-username", name: "username", type: "text", autocomplete: "username",
    autocapitalize: "none", required: true, value: session?.role === "field" ? session.username : "" });
  const password = el("input", { id: "field-password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const error = el("p", { class: "error", role: "alert", dataset: { role: "login-error" } });
  const button = el("button", { type: "submit", class: "primary", dataset: { action: "submit" }, text: t("login.submit") });
  const form = el("form", { dataset: { action: "login" }, novalidate: true },
    el("h1", { text: t("login.title") }),
    el("p", { class: "hint", text: session?.role === "field" ? t("login.session", { name: session.display_name }) : t("login.hint") }),
    el("label", { for: "field-username", text: t("login.username") }), username,
    el("label", { for: "field-password", text: t("login.password") }), password,
    error, button);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = username.value.trim();
    if (!name || !password.value) {
      error.textContent = t("login.missing");
      (name ? password : username).focus();
      return;
    }
    button.disabled = true;
    button.textContent = t("login.busy");
    error.textContent = "";
    try {
      onSignedIn(await signIn(db, name, password.value));
    } catch (err) {
      error.textContent = err instanceof SignInError ? err.serverMessage || t(err.key) : t("login.failed");
      password.value = "";
      password.focus();
    } finally {
      button.disabled = false;
      button.textContent = t("login.submit");
    }
  });
  replace(root, form);
  (username.value ? password : username).focus();
}
