// Names for the codes in a case: sites and categories (public), teams (staff). The field worker keeps the
// last copy of each, so names still show offline; a code stands in for a name never seen.
import { currentLang } from "./i18n/index.js";

let loaded = null;

async function getList(path, key, token) {
  try {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, { headers });
    return response.ok ? (await response.json())[key] ?? [] : [];
  } catch {
    return [];
  }
}

/** Load once per page (again with `refresh`): `{site(code), category(code), team(code), address(code)}`. */
export async function reference(token, refresh = false) {
  if (loaded && !refresh) return loaded;
  const [sites, categories, teams] = await Promise.all([
    getList("/api/sites", "sites"), getList("/api/categories", "categories"), getList("/api/teams", "teams", token),
  ]);
  const bySite = new Map(sites.map((s) => [s.code, s]));
  const byCategory = new Map(categories.map((c) => [c.code, c]));
  const byTeam = new Map(teams.map((x) => [x.code, x]));
  loaded = Object.freeze({
    site: (code) => bySite.get(code)?.name ?? code ?? "",
    address: (code) => bySite.get(code)?.address ?? "",
    category: (code) => {
      const c = byCategory.get(code);
      if (!c) return code ?? "";
      return currentLang() === "en" ? c.name_en : c.name_zh;
    },
    team: (code) => byTeam.get(code)?.name ?? code ?? "",
  });
  return loaded;
}
