// One task: what was reported and where, photos, notes, the actions allowed now, and the history. The case
// comes from the sync client's local store (works offline, shows queued actions at once); the history is the
// server's timeline (GET /api/cases/{id}), kept on the phone for offline reading, with this phone's queued
// actions listed above it as 待同步 until the server has them.
import { el, replace } from "/pwa/console/dom.js";
import { timeline } from "/pwa/console/timeline.js";
import { photoThumb, photoUrls } from "/pwa/shared/photo-viewer.js";
import { caseActions } from "./case-actions.js";
import { countdownFor } from "./deadline.js";
import { formatTime, t } from "./i18n/index.js";
import { loadDetail, saveDetail, waitingPhotos } from "./store.js";

async function fetchDetail(id, token) {
  try {
    const response = await fetch(`/api/cases/${encodeURIComponent(id)}`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` }, cache: "no-store",
    });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

const row = (term, ...value) => [el("dt", { text: term }), el("dd", {}, ...value)];

function photoList(c, waiting, urls) {
  const server = (c.photos ?? []).map((id, i) => {
    const alt = t("case.photo_alt", { n: i + 1 });
    return el("li", {}, photoThumb({ ...photoUrls(id), alt, label: t("case.photo_open", { alt }), closeLabel: t("case.photo_close") }));
  });
  const local = waiting.filter((p) => !p.refused).map((p, i) => {
    const url = URL.createObjectURL(p.blob);
    urls.push(url);
    return el("li", { dataset: { role: "photo-waiting" } },
      el("img", { src: url, alt: t("case.photo_alt", { n: server.length + i + 1 }) }),
      el("span", { class: "chip", text: t("case.photo_waiting") }));
  });
  if (server.length + local.length === 0) return el("p", { text: t("case.no_photos") });
  return el("ul", { class: "photos", dataset: { role: "photos" } }, server, local);
}

function notesList(c) {
  const notes = c.notes ?? [];
  if (notes.length === 0) return null;
  return [el("h2", { text: t("case.notes") }), el("ul", { class: "notes", dataset: { role: "notes" } }, notes.map((n) =>
    el("li", { dataset: { noteId: n.note_id, ...(n.local ? { local: "true" } : {}) } },
      el("span", { text: n.text }),
      n.author?.user || n.author?.pseudonym ? el("span", { class: "muted", text: ` — ${n.author.user ?? n.author.pseudonym}` }) : null,
      n.local ? el("span", { class: "chip", text: t("case.local") }) : null)))];
}

function pendingList(rows) {
  if (rows.length === 0) return null;
  return el("ol", { class: "pending", dataset: { role: "pending-actions" } }, rows.map((r) =>
    el("li", { dataset: { mutation: r.name } },
      el("strong", { text: t(`event.${r.name}`) }), " ",
      el("span", { class: "chip", text: t("case.local") }),
      r.args.text || r.args.reason ? el("div", { text: r.args.text ?? r.args.reason }) : null)));
}

/**
 * @param {HTMLElement} root
 * @param {string} id the case id
 * @param {{client: object, photos: object, db: object, ref: object, device: object, announce: Function}} ctx
 */
export async function mountCase(root, id, ctx) {
  const urls = [];
  const render = async (detail, fromNetwork) => {
    const c = await ctx.client.getCase(id);
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
    if (!c) {
      replace(root, el("p", { role: "alert", text: t("case.not_found") }),
        el("a", { href: "#/", class: "button", text: t("nav.back") }));
      return;
    }
    const [waiting, pending] = await Promise.all([waitingPhotos(ctx.db, id), ctx.client.pending({ caseId: id })]);
    const contact = c.contact ? [c.contact.name, c.contact.phone].filter(Boolean) : [];
    replace(root,
      el("a", { href: "#/", class: "back", text: `← ${t("nav.back")}` }),
      el("h1", {}, el("span", { text: c.number ?? "…" }), " ",
        el("span", { class: "chip", dataset: { role: "case-status", status: c.status }, text: t(`status.${c.status}`) })),
      el("p", { class: "deadline" }, countdownFor(c)),
      el("dl", { class: "facts" },
        row(t("case.site"), `${ctx.ref.site(c.site)}${ctx.ref.address(c.site) ? `（${ctx.ref.address(c.site)}）` : ""}`),
        row(t("case.category"), ctx.ref.category(c.category)),
        row(t("case.reported"), c.created_at ? formatTime(c.created_at) : ""),
        contact.length > 0 ? row(t("case.contact"), contact[0],
          c.contact.phone ? [" ", el("a", { href: `tel:${c.contact.phone}`, text: c.contact.phone })] : null) : null,
        c.reporter ? row(t("case.reporter"), c.reporter) : null),
      el("h2", { text: t("case.description") }),
      el("p", { class: "description", dataset: { role: "description" }, text: c.description ?? "" }),
      c.resolution ? [el("h2", { text: t("case.resolution") }), el("p", { text: c.resolution })] : null,
      el("h2", { text: t("case.photos") }),
      photoList(c, waiting, urls),
      notesList(c),
      caseActions(c, { ...ctx, done: () => render(detail, fromNetwork) }),
      el("h2", { text: t("case.timeline") }),
      pendingList(pending),
      detail && !fromNetwork ? el("p", { class: "hint", text: t("case.timeline_offline") }) : null,
      detail ? timeline(detail.timeline ?? [], { team: ctx.ref.team }) : null);
  };

  const stored = await loadDetail(ctx.db, id);
  await render(stored?.detail ?? null, false);
  const refresh = async () => {
    const fresh = await fetchDetail(id, ctx.device.token);
    if (fresh) await saveDetail(ctx.db, id, fresh);
    const detail = fresh ?? (await loadDetail(ctx.db, id))?.detail ?? null;
    // Keep what the person is typing: a redraw would throw it away.
    if (root.querySelector("textarea")?.value) return;
    await render(detail, fresh !== null);
  };
  await refresh();
  return { caseId: id, refresh };
}
