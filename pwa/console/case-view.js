// One case: what was reported, by whom (contact), photos, notes, the running deadline, the timeline, and the
// actions the server would allow now (each with its shortcut key).
import { RATINGS, STATUSES } from "/sync/client/names.js";
import { ACTION_KEYS, actionLabel, runAction } from "./actions.js";
import { getJSON } from "./api.js";
import { countdown, syncClock } from "./countdown.js";
import { el, replace } from "./dom.js";
import { t } from "./i18n/index.js";
import { timeline } from "./timeline.js";
import { photoThumb, photoUrls } from "/pwa/shared/photo-viewer.js";

const facts = (pairs) => el("dl", {}, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
  .flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, v)]));

// Small renditions in the list; the full photo opens in the viewer.
const photoList = (photos) => (photos.length
  ? el("ul", { class: "photos", dataset: { role: "photos" } }, photos.map((p, i) => {
    const alt = t("case.photo_alt", { n: i + 1 });
    return el("li", {}, photoThumb({ ...photoUrls(p.id), alt, label: t("case.photo_open", { alt }), closeLabel: t("case.photo_close") }));
  }))
  : el("p", { text: t("case.no_photos") }));

/**
 * Show case `id` in `container`; returns {refresh, onKey, caseId}.
 * @param {{ref: object, client: object, toast: (text: string) => void, navigate: (hash: string) => void}} ctx
 */
export const mountCase = (container, id, ctx) => {
  let current = null;
  const teamName = (code) => ctx.ref.teams.find((x) => x.code === code)?.name ?? code;

  const render = async (data) => {
    const c = data.case;
    current = c;
    syncClock(data.now);
    const pending = await ctx.client.pending({ caseId: c.id });
    const bar = el("div", { class: "actions", role: "toolbar", "aria-label": t("help.case_keys") },
      c.actions.map((name) => el("button", {
        type: "button", dataset: { action: name.slice(5) }, "aria-keyshortcuts": ACTION_KEYS[name],
        on: { click: () => act(name) },
      }, actionLabel(name), " ", el("kbd", { text: ACTION_KEYS[name] }))));
    const contact = c.contact && (c.contact.name || c.contact.phone)
      ? el("span", {}, c.contact.name ?? "", " ", c.contact.phone ? el("a", { href: `tel:${c.contact.phone}`, text: c.contact.phone }) : "")
      : t("case.no_contact");
    replace(container,
      el("p", {}, el("a", { href: "#/board", dataset: { action: "back" }, text: t("case.back") })),
      el("h2", { dataset: { deadlineHolder: "", deadlineState: c.deadline?.state ?? "none" } },
        `${c.number} · `, el("span", { dataset: { role: "case-status" }, text: STATUSES[c.status] ?? c.status })),
      pending.length ? el("p", { role: "status", dataset: { role: "case-pending" }, text: t("case.pending", { count: pending.length }) }) : null,
      bar,
      facts([
        [t("case.category"), c.category_name],
        [t("case.site"), `${c.site_name}（${c.site}）· ${c.community}`],
        [t("case.created"), new Date(c.created_at).toLocaleString("zh-CN", { hour12: false })],
        [t("case.deadline"), c.deadline ? el("span", {}, `${t(`deadline.${c.deadline.kind}`)} `, countdown(c.deadline), c.extended ? t("deadline.extended") : "") : t("deadline.none")],
        [t("case.team"), c.team ? teamName(c.team) : null],
        [t("case.assignee"), c.assignee_name],
        [t("case.contact"), contact],
        [t("case.reporter"), c.reporter ? `${c.reporter.pseudonym}（${t("case.reporter_cases", { n: c.reporter.cases })}）` : null],
        [t("case.hotline"), data.hotline ? `${data.hotline.order_no}（${data.hotline.category}）` : null],
        [t("case.marks"), [c.confidential ? t("case.confidential") : "", c.callback ? t("case.callback") : ""]
          .filter(Boolean).join("，") || null],
        [t("case.duplicate_of"), c.duplicate_of ? el("a", { href: `#/case/${c.duplicate_of}`, text: c.duplicate_of.slice(0, 8) }) : null],
        [t("case.reject_reason"), c.reject_reason],
        [t("case.resolution"), c.resolution],
        [t("case.rating"), c.rating ? `${RATINGS[c.rating] ?? c.rating}${c.rating_comment ? `：${c.rating_comment}` : ""}` : null],
        [t("case.rework", { n: c.rework_count }), c.rework_count ? "⚠" : null],
      ]),
      el("h3", { text: t("case.description") }), el("p", { class: "report", text: c.description }),
      el("h3", { text: t("case.photos") }), photoList(data.photos),
      data.notes.length ? el("h3", { text: t("case.notes") }) : null,
      data.notes.length ? el("ul", {}, data.notes.map((n) => el("li", { text: `${n.author?.user ?? n.author?.pseudonym ?? t(`actor.${n.author?.kind}`)}：${n.text}` }))) : null,
      data.merged.length ? el("h3", { text: t("case.merged") }) : null,
      data.merged.length ? el("ul", {}, data.merged.map((m) => el("li", {}, el("a", { href: `#/case/${m.id}`, text: m.number })))) : null,
      el("h3", { text: t("case.timeline") }), timeline(data.timeline, { team: teamName }));
  };

  const refresh = async () => {
    try {
      await render(await getJSON(`/api/cases/${encodeURIComponent(id)}`));
    } catch (err) {
      replace(container, el("p", { role: "alert", text: t("load_failed", { message: err.message }) }),
        el("p", {}, el("a", { href: "#/board", text: t("case.back") })));
    }
  };

  const act = async (name) => {
    if (!current || !current.actions.includes(name)) return;
    if (await runAction(name, current, ctx)) await refresh();
  };

  const onKey = (event) => {
    if (event.key === "Escape") {
      ctx.navigate("#/board");
      return true;
    }
    const name = Object.keys(ACTION_KEYS).find((n) => ACTION_KEYS[n] === event.key);
    if (!name || !current?.actions.includes(name)) return false;
    event.preventDefault();
    act(name);
    return true;
  };

  refresh();
  return { refresh, onKey, caseId: id };
};
