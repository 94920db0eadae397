// Administration (admin role): tabs for sites, categories and time limits, teams, users.
import { el, replace } from "../dom.js";
import { t } from "../i18n/index.js";
import { mountCategories } from "./categories.js";
import { mountSites } from "./sites.js";
import { mountTeams } from "./teams.js";
import { mountUsers } from "./users.js";

const PAGES = { sites: mountSites, categories: mountCategories, teams: mountTeams, users: mountUsers };

export const mountAdmin = (container, page, ctx) => {
  const name = page in PAGES ? page : "sites";
  const body = el("div");
  replace(container, el("h2", { text: t("admin.title") }),
    el("nav", { class: "admin-tabs", "aria-label": t("admin.title") }, Object.keys(PAGES).map((p) =>
      el("a", { href: `#/admin/${p}`, "aria-current": p === name ? "page" : null, text: t(`admin.${p}`) }))),
    body);
  PAGES[name](body, ctx).catch((err) => replace(body, el("p", { role: "alert", text: t("load_failed", { message: err.message }) })));
  return { refresh: () => null, onKey: () => false, caseId: null };
};
