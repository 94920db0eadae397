// The site the QR code names, shown at the top of the report so the person knows where it goes.

import { h } from "../lib/dom.js";

/** @param {{code: string, name: string, community: string, address?: string}} site */
export function siteHeader(site) {
  const where = [site.community, site.address].filter(Boolean).join(" · ");
  return h("section", { class: "site", "data-site": site.code },
    h("h1", { text: site.name }),
    h("p", { text: where }));
}
