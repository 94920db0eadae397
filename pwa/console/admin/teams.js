// Teams cases are dispatched to: add, rename, retire (inactive teams stay on the cases they handled).
import { getJSON, sendJSON } from "../api.js";
import { el, replace } from "../dom.js";
import { t } from "../i18n/index.js";
import { reference } from "../reference.js";
import { attempt, communityField, input, select, values } from "./form.js";

const KINDS = ["vanguard", "grid", "property", "mediation", "department"];

export const mountTeams = async (container, ctx) => {
  const { teams } = await getJSON("/api/admin/teams");
  const reload = async () => {
    ctx.ref = await reference(true);
    mountTeams(container, ctx);
  };
  const addForm = el("form", { class: "inline", dataset: { action: "add-team" } },
    input("code", { required: true, placeholder: "TX-WG2" }), input("name", { required: true }),
    select("kind", KINDS.map((k) => [k, t(`team_kind.${k}`)]), "grid"), communityField(ctx.ref.communities, { required: false }),
    el("button", { type: "submit", text: t("admin.add") }));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await attempt(ctx, () => sendJSON("POST", "/api/admin/teams", values(addForm)), t("admin.saved"))) reload();
  });
  const row = (team) => el("tr", { dataset: { team: team.code } },
    el("td", { text: team.code }), el("td", { text: team.name }), el("td", { text: t(`team_kind.${team.kind}`) }),
    el("td", { text: team.community ?? "" }), el("td", { text: team.active ? t("admin.active") : t("admin.inactive") }),
    el("td", {}, el("button", { type: "button", dataset: { action: team.active ? "disable-team" : "enable-team" }, on: { click: async () => {
      if (await attempt(ctx, () => sendJSON("PATCH", `/api/admin/teams/${team.code}`, { active: !team.active }), t("admin.saved"))) reload();
    } }, text: team.active ? t("admin.disable") : t("admin.enable") })));
  replace(container, addForm, el("table", {},
    el("thead", {}, el("tr", {}, ["code", "name", "kind", "community", "status"].map((k) => el("th", { scope: "col", text: t(`field.${k}`) })), el("th", { scope: "col", text: t("admin.actions") }))),
    el("tbody", {}, teams.map(row))));
};
