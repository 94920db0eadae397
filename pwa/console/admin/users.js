// Staff accounts: add, disable or enable (disabling ends every sign-in and device), reset a password.
import { getJSON, sendJSON } from "../api.js";
import { field, formDialog } from "../dialog.js";
import { el, replace } from "../dom.js";
import { t } from "../i18n/index.js";
import { attempt, input, select, values } from "./form.js";

const ROLES = ["dispatcher", "field", "admin"];

export const mountUsers = async (container, ctx) => {
  const [{ users }, { teams }] = await Promise.all([getJSON("/api/admin/users"), getJSON("/api/admin/teams")]);
  const reload = () => mountUsers(container, ctx);
  const addForm = el("form", { class: "inline", dataset: { action: "add-user" } },
    input("username", { required: true, autocomplete: "off" }), input("display_name", { required: true }),
    select("role", ROLES.map((r) => [r, t(`role.${r}`)]), "field"),
    select("team", [["", t("none")], ...teams.map((x) => [x.code, x.name])], ""),
    input("password", { type: "password", required: true, minlength: 8, autocomplete: "new-password" }),
    el("button", { type: "submit", text: t("admin.add") }));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await attempt(ctx, () => sendJSON("POST", "/api/admin/users", values(addForm)), t("admin.saved"))) reload();
  });
  const resetPassword = (u) => formDialog({
    title: `${t("admin.reset_password")} ${u.username}`, action: "reset-password-form",
    fields: [field(t("admin.new_password"), el("input", { id: "new-password", name: "password", type: "password", minlength: 8, required: true, autocomplete: "new-password" }))],
    onSubmit: async (form) => {
      try {
        await sendJSON("POST", `/api/admin/users/${u.username}/password`, { password: form.elements.password.value });
        ctx.toast(t("admin.password_reset", { user: u.username }));
        return "";
      } catch (err) {
        return err.message;
      }
    },
  });
  const row = (u) => el("tr", { dataset: { user: u.username, active: String(u.active) } },
    el("td", { text: u.username }), el("td", { text: u.display_name }), el("td", { text: t(`role.${u.role}`) }),
    el("td", { text: u.team ? teams.find((x) => x.code === u.team)?.name ?? u.team : t("none") }), el("td", { text: u.active ? t("admin.active") : t("admin.inactive") }),
    el("td", {},
      el("button", { type: "button", dataset: { action: u.active ? "disable-user" : "enable-user" }, on: { click: async () => {
        if (await attempt(ctx, () => sendJSON("PATCH", `/api/admin/users/${u.username}`, { active: !u.active }), t("admin.saved"))) reload();
      } }, text: u.active ? t("admin.disable") : t("admin.enable") }), " ",
      el("button", { type: "button", dataset: { action: "reset-password" }, on: { click: () => resetPassword(u) }, text: t("admin.reset_password") })));
  replace(container, addForm, el("table", {},
    el("thead", {}, el("tr", {}, ["username", "display_name", "role", "team", "status"].map((k) => el("th", { scope: "col", text: t(`field.${k}`) })), el("th", { scope: "col", text: t("admin.actions") }))),
    el("tbody", {}, users.map(row))));
};
