// Sites: add, edit, retire, reissue a code (the old code retired with replaced_by the new), poster links.
import { getJSON, sendJSON } from "../api.js";
import { el, replace } from "../dom.js";
import { t } from "../i18n/index.js";
import { reference } from "../reference.js";
import { attempt, input, select, values } from "./form.js";

const KINDS = ["community", "residential", "industrial_park", "construction_site", "street", "service_centre"];


export const mountSites = async (container, ctx) => {
  const [{ sites }, { teams }] = await Promise.all([getJSON("/api/admin/sites"), getJSON("/api/admin/teams")]);
  const teamPairs = [["", t("none")], ...teams.map((x) => [x.code, x.name])];
  const reload = async () => {
    await reference(true);
    mountSites(container, ctx);
  };
  const addForm = el("form", { class: "inline", dataset: { action: "add-site" } },
    input("code", { required: true, placeholder: "BL-TX-009" }), input("name", { required: true }),
    select("kind", KINDS.map((k) => [k, t(`site_kind.${k}`)]), "residential"), input("community", { required: true }),
    input("address"), select("default_team", teamPairs, ""), el("button", { type: "submit", text: t("admin.add") }));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await attempt(ctx, () => sendJSON("POST", "/api/admin/sites", values(addForm)), t("admin.saved"))) reload();
  });

  const row = (s) => {
    const edit = el("form", { dataset: { action: "edit-site" } },
      el("input", { name: "name", value: s.name, "aria-label": t("field.name"), disabled: !s.active }),
      el("input", { name: "address", value: s.address, "aria-label": t("field.address"), disabled: !s.active }));
    const save = async () => attempt(ctx, () => sendJSON("PATCH", `/api/admin/sites/${s.code}`, values(edit)), t("admin.saved"));
    edit.addEventListener("submit", (event) => { event.preventDefault(); save(); });
    const buttons = s.active ? [
      el("button", { type: "button", dataset: { action: "save-site" }, on: { click: save }, text: t("admin.save") }),
      el("button", { type: "button", dataset: { action: "reissue-site" }, on: { click: async () => {
        if (!confirm(t("admin.confirm_reissue", { code: s.code }))) return;
        const result = await attempt(ctx, () => sendJSON("POST", `/api/admin/sites/${s.code}/reissue`, {}));
        if (result) { ctx.toast(t("admin.reissued", { code: result.site.code, old: s.code })); reload(); }
      } }, text: t("admin.reissue") }),
      el("button", { type: "button", dataset: { action: "retire-site" }, on: { click: async () => {
        if (confirm(t("admin.confirm_retire", { code: s.code })) && await attempt(ctx, () => sendJSON("POST", `/api/admin/sites/${s.code}/retire`, {}), t("admin.saved"))) reload();
      } }, text: t("admin.retire") }),
      el("a", { href: s.links.poster, target: "_blank", text: t("admin.poster") }),
    ] : [el("span", { text: t("admin.retired") }), s.replaced_by ? el("span", { text: t("admin.replaced_by", { code: s.replaced_by }) }) : null];
    return el("tr", { dataset: { site: s.code, active: String(s.active) } },
      el("td", { text: s.code }), el("td", {}, edit), el("td", { text: t(`site_kind.${s.kind}`) }),
      el("td", { text: s.community }), el("td", { text: s.default_team ?? "" }), el("td", {}, ...buttons));
  };

  replace(container, addForm, el("table", {},
    el("thead", {}, el("tr", {}, ["code", "name", "kind", "community", "default_team", "status"].map((k) => el("th", { scope: "col", text: t(`field.${k}`) })))),
    el("tbody", {}, sites.map(row))));
};
