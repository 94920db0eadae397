// Sites: add, edit, retire, reissue a code (the old code retired with replaced_by the new), poster links.
import { getJSON, sendJSON } from "../api.js";
import { confirmDialog } from "../dialog.js";
import { el, replace } from "../dom.js";
import { t } from "../i18n/index.js";
import { reference } from "../reference.js";
import { attempt, communityField, input, select, values } from "./form.js";

const KINDS = ["community", "residential", "industrial_park", "construction_site", "street", "service_centre"];
const COLUMNS = ["code", "name", "address", "kind", "community", "default_team", "status", "actions"];

export const mountSites = async (container, ctx) => {
  const [{ sites }, { teams }] = await Promise.all([getJSON("/api/admin/sites"), getJSON("/api/admin/teams")]);
  const teamName = (code) => teams.find((x) => x.code === code)?.name ?? code;
  const teamPairs = [["", t("none")], ...teams.map((x) => [x.code, x.name])];
  const reload = async () => {
    ctx.ref = await reference(true);
    mountSites(container, ctx);
  };
  const addForm = el("form", { class: "inline", dataset: { action: "add-site" } },
    input("code", { required: true, placeholder: "BL-TX-009" }), input("name", { required: true }),
    select("kind", KINDS.map((k) => [k, t(`site_kind.${k}`)]), "residential"), communityField(ctx.ref.communities),
    input("address"), select("default_team", teamPairs, ""), el("button", { type: "submit", text: t("admin.add") }));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await attempt(ctx, () => sendJSON("POST", "/api/admin/sites", values(addForm)), t("admin.saved"))) reload();
  });

  const reissue = async (s) => {
    const ok = await confirmDialog({ title: t("admin.reissue"), message: t("admin.confirm_reissue", { code: s.code }),
      confirmLabel: t("admin.reissue"), action: "confirm-reissue" });
    if (!ok) return;
    const result = await attempt(ctx, () => sendJSON("POST", `/api/admin/sites/${s.code}/reissue`, {}));
    if (result) {
      ctx.toast(t("admin.reissued", { code: result.site.code, old: s.code }));
      reload();
    }
  };
  const retire = async (s) => {
    const ok = await confirmDialog({ title: t("admin.retire"), message: t("admin.confirm_retire", { code: s.code }),
      confirmLabel: t("admin.retire"), action: "confirm-retire" });
    if (ok && await attempt(ctx, () => sendJSON("POST", `/api/admin/sites/${s.code}/retire`, {}), t("admin.saved"))) reload();
  };

  const row = (s) => {
    // Name and address sit in their own cells, tied to the row's form by their form= attribute.
    const formId = `site-${s.code}`;
    const edit = el("form", { id: formId, dataset: { action: "edit-site" } });
    const save = async () => attempt(ctx, () => sendJSON("PATCH", `/api/admin/sites/${s.code}`, values(edit)), t("admin.saved"));
    edit.addEventListener("submit", (event) => { event.preventDefault(); save(); });
    const control = (name, value) => el("input", { form: formId, name, value, "aria-label": `${s.code} ${t(`field.${name}`)}`, disabled: !s.active });
    const buttons = s.active ? [
      el("button", { type: "button", dataset: { action: "save-site" }, on: { click: save }, text: t("admin.save") }),
      el("button", { type: "button", dataset: { action: "reissue-site" }, on: { click: () => reissue(s) }, text: t("admin.reissue") }),
      el("button", { type: "button", dataset: { action: "retire-site" }, on: { click: () => retire(s) }, text: t("admin.retire") }),
      el("a", { href: s.links.poster, target: "_blank", text: t("admin.poster") }),
    ] : [];
    return el("tr", { dataset: { site: s.code, active: String(s.active) } },
      el("td", { text: s.code }), el("td", {}, edit, control("name", s.name)), el("td", {}, control("address", s.address)),
      el("td", { text: t(`site_kind.${s.kind}`) }), el("td", { text: s.community }),
      el("td", { text: s.default_team ? teamName(s.default_team) : t("none") }),
      el("td", {}, s.active ? t("admin.active") : t("admin.retired"),
        !s.active && s.replaced_by ? el("span", { text: ` ${t("admin.replaced_by", { code: s.replaced_by })}` }) : null),
      el("td", { class: "buttons-cell" }, ...buttons));
  };

  replace(container, addForm, el("table", {},
    el("thead", {}, el("tr", {}, COLUMNS.map((k) => el("th", { scope: "col", text: t(k === "actions" ? "admin.actions" : `field.${k}`) })))),
    el("tbody", {}, sites.map(row))));
};
