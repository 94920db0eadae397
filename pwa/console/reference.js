// Reference data the console's filters and forms offer: sites, communities, categories, teams.
import { getJSON } from "./api.js";

let cache = null;

/** Loaded once per page; `refresh` after an admin change. */
export const reference = async (refresh = false) => {
  if (cache && !refresh) return cache;
  const [sites, categories, teams] = await Promise.all([
    getJSON("/api/sites"), getJSON("/api/categories"), getJSON("/api/teams"),
  ]);
  const communities = [...new Set(sites.sites.map((s) => s.community))].sort((a, b) => a.localeCompare(b, "zh-CN"));
  cache = Object.freeze({ sites: sites.sites, categories: categories.categories, teams: teams.teams, communities });
  return cache;
};
