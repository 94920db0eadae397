// One case: what was reported, by whom (contact), photos, notes, the running deadline, the timeline, and the
// actions the server would allow now (each with its shortcut key).
//
// The view is drawn once and then updated in place (patch.js): live events, the outbox's acknowledgements and
// the minute's safety net all refresh it, often while a dispatcher is typing a note, pressing a button or reading
// down the timeline. Status, facts, actions, notes, photos, the pending list and the timeline change node by node;
// the note form is never redrawn; what holds the focus or is being pressed stays; the page does not jump. When
// someone else moves the case meanwhile, a banner says so (and so does an open action dialog, whose text stays).
import { ACTION_KEYS, actionLabel, runAction } from "./actions.js";
import { getJSON } from "./api.js";
import { caseFacts } from "./case-facts.js";
import { syncClock } from "./countdown.js";
import { el, replace } from "./dom.js";
import { categoryName, locale, ratingName, statusName, t } from "./i18n/index.js";
import { noteForm } from "./note-form.js";
import { afterRelease, held, keepScroll, patchList, pressedWithin, setText } from "./patch.js";
import { oneAtATime } from "./serial.js";
import { entrySig, timelineItem } from "./timeline.js";
import { photoThumb, photoUrls } from "/pwa/shared/photo-viewer.js";

const region = (tag, name, props = {}, ...children) => el(tag, { ...props, dataset: { region: name, ...(props.dataset ?? {}) } }, ...children);

const photoItem = (p, i) => {
  const stage = t(`photo.stage.${p.stage ?? "resident"}`);
  const alt = t("case.photo_alt", { n: i + 1, stage });
  return el("li", { dataset: { stage: p.stage ?? "resident" } },
    photoThumb({ ...photoUrls(p.id), alt, label: t("case.photo_open", { alt }), closeLabel: t("case.photo_close") }),
    el("span", { class: "stage", text: stage }));
};

const noteItem = (n) => el("li", {},
  el("strong", { text: n.author?.name ?? n.author?.user ?? n.author?.pseudonym ?? t(`actor.${n.author?.kind}`) }), `：${n.text}`);

const pendingItem = (row) => el("li", { text: t("case.pending_item", { name: actionLabel(row.name) }) });

// The moves of the case that someone else made since `seenSeq` (the person's own, from any of their desks, are
// no news to them).
const movedByOthers = (data, seenSeq, me) => data.timeline
  .filter((e) => e.seq > seenSeq && e.payload?.to && !(e.actor.kind === "staff" && e.actor.user === me));

/**
 * Show case `id` in `container`; returns {refresh, onKey, caseId}.
 * @param {{ref: object, client: object, me: string, toast: (text: string) => void, navigate: (hash: string) => void}} ctx
 */
export const mountCase = (container, id, ctx) => {
  let current = null;
  let seenSeq = null;
  const teamName = (code) => ctx.ref.teams.find((x) => x.code === code)?.name ?? code;
  const names = { team: teamName };

  const status = el("span", { dataset: { role: "case-status" } });
  const urgent = el("span", { class: "badge urgent", dataset: { role: "urgent" }, hidden: true, text: t("case.urgent") });
  const number = el("span");
  const title = region("h2", "title", { dataset: { deadlineHolder: "" } }, number, " · ", status, " ", urgent);
  const changed = region("div", "changed", { role: "status" });
  const rework = region("div", "rework");
  const pending = region("ul", "pending", { dataset: { role: "case-pending" } });
  const actions = region("div", "actions", { class: "actions", role: "toolbar", "aria-label": t("help.case_keys") });
  const facts = region("dl", "facts");
  const report = el("p", { class: "report", dataset: { role: "report" } });
  const photos = region("ul", "photos", { class: "photos", dataset: { role: "photos" } });
  const noPhotos = el("p", { text: t("case.no_photos") });
  const notes = region("ul", "notes", { dataset: { role: "notes" } });
  const merged = region("ul", "merged");
  const mergedHeading = el("h3", { text: t("case.merged"), hidden: true });
  const trail = region("ol", "timeline", { dataset: { role: "timeline" } });
  const form = noteForm({ caseId: id, client: ctx.client, toast: ctx.toast, onQueued: () => refresh() });
  let drawn = false;

  const skeleton = () => replace(container,
    el("p", {}, el("a", { href: "#/board", dataset: { action: "back" }, text: t("case.back") })),
    changed, title, rework, pending, actions, facts,
    el("h3", { text: t("case.description") }), report,
    el("h3", { text: t("case.photos") }), noPhotos, photos,
    el("h3", { text: t("case.notes") }), notes, form,
    mergedHeading, merged,
    el("h3", { text: t("case.timeline") }), trail);

  const markClosed = (c) => {
    // A button kept because a person is on it, for an action no longer open, says so instead of vanishing.
    for (const button of actions.children) {
      const open = c.actions.includes(`case.${button.dataset.action}`);
      if (open) button.removeAttribute("aria-disabled");
      else button.setAttribute("aria-disabled", "true");
    }
  };

  const paintActions = (c) => {
    if (pressedWithin(actions)) {
      // Nothing moves under the finger: new buttons wait until it lifts (and the click has landed).
      markClosed(c);
      afterRelease(() => paintActions(current));
      return;
    }
    patchList(actions, c.actions.map((name) => ({
      key: name, sig: name,
      render: () => el("button", {
        type: "button", dataset: { action: name.slice(5) }, "aria-keyshortcuts": ACTION_KEYS[name],
        on: { click: () => act(name) },
      }, actionLabel(name), " ", el("kbd", { text: ACTION_KEYS[name] })),
    })));
    markClosed(c);
  };

  const paintChanged = (moves) => {
    const last = moves.at(-1);
    const who = last.actor.name ?? last.actor.user ?? last.actor.pseudonym ?? t(`actor.${last.actor.kind}`);
    const text = t("case.changed", { who, status: statusName(last.payload.to) });
    replace(changed, el("p", { dataset: { role: "changed-banner" } }, text, " ",
      el("button", { type: "button", dataset: { action: "dismiss-changed" }, on: { click: () => replace(changed) }, text: t("case.changed_dismiss") })));
    // An action dialog open on this case keeps what was typed, and learns what happened.
    const notice = document.querySelector(`dialog[open][data-case-id="${CSS.escape(id)}"] [data-role="dialog-notice"]`);
    if (notice) {
      notice.textContent = t("case.changed_dialog", { who, status: statusName(last.payload.to) });
      notice.hidden = false;
    }
  };

  const paint = async (data) => {
    const c = data.case;
    current = c;
    syncClock(data.now);
    const queued = await ctx.client.pending({ caseId: c.id });
    if (!drawn) {
      skeleton();
      drawn = true;
    }
    const top = Math.max(0, ...data.timeline.map((e) => e.seq));
    const moves = seenSeq === null ? [] : movedByOthers(data, seenSeq, ctx.me);
    seenSeq = top;
    keepScroll(container, () => {
      setText(number, c.number);
      setText(status, statusName(c.status));
      urgent.hidden = !c.urgent;
      title.dataset.deadlineState = c.deadline?.state ?? "none";
      if (moves.length) paintChanged(moves);
      const reworkSig = JSON.stringify([c.rework_count, c.rework]);
      if (rework.dataset.sig !== reworkSig && !held(rework)) {
        rework.dataset.sig = reworkSig;
        replace(rework, c.rework ? el("p", { class: "rework", dataset: { role: "rework" } },
          el("strong", { text: t("case.rework", { n: c.rework_count }) }), " ",
          c.rework.reason ? t(c.rework.by === "resident" ? "case.rework_resident" : "case.rework_staff", { reason: c.rework.reason }) : "") : null);
      }
      patchList(pending, queued.map((row) => ({ key: String(row.mid), sig: row.name, render: () => pendingItem(row) })));
      pending.hidden = queued.length === 0;
      paintActions(c);
      caseFacts(facts, data, { teamName, category: categoryName(c, ctx.ref), rating: c.rating ? ratingName(c.rating) : null, locale: locale() });
      setText(report, c.description);
      patchList(photos, data.photos.map((p, i) => ({ key: p.id, sig: `${i}:${p.stage}`, render: () => photoItem(p, i) })));
      noPhotos.hidden = data.photos.length > 0;
      patchList(notes, data.notes.map((n) => ({ key: n.id, sig: n.text, render: () => noteItem(n) })));
      notes.dataset.empty = String(data.notes.length === 0);
      patchList(merged, data.merged.map((m) => ({ key: m.id, sig: m.number,
        render: () => el("li", {}, el("a", { href: `#/case/${m.id}`, text: m.number })) })));
      mergedHeading.hidden = data.merged.length === 0;
      patchList(trail, data.timeline.map((e) => ({ key: String(e.seq), sig: entrySig(e), render: () => timelineItem(e, names) })));
    });
  };

  const load = async () => {
    try {
      await paint(await getJSON(`/api/cases/${encodeURIComponent(id)}`));
    } catch (err) {
      if (drawn) {
        // Keep the case on screen (and whatever is being typed); say the update failed.
        if (!held(changed)) replace(changed, el("p", { role: "alert", text: t("load_failed", { message: err.message }) }));
        return;
      }
      replace(container, el("p", { role: "alert", text: t("load_failed", { message: err.message }) }),
        el("p", {}, el("a", { href: "#/board", text: t("case.back") })));
    }
  };

  const refresh = oneAtATime(load);

  const act = async (name) => {
    if (!current || !current.actions.includes(name)) {
      if (current) ctx.toast(t("case.action_gone", { name: actionLabel(name), status: statusName(current.status) }));
      return;
    }
    if (await runAction(name, current, ctx)) await refresh();
  };

  const onKey = (event) => {
    if (event.key === "Escape") {
      ctx.navigate("#/board");
      return true;
    }
    if (event.key === "n") {
      event.preventDefault();
      form.querySelector("textarea").focus();
      return true;
    }
    const name = Object.keys(ACTION_KEYS).find((n) => ACTION_KEYS[n] === event.key);
    if (!name || !current?.actions.includes(name)) return false;
    event.preventDefault();
    act(name);
    return true;
  };

  // Another case may still be on screen: it goes at once, so nothing on it can be pressed by mistake.
  replace(container, el("p", { role: "status", text: t("loading") }));
  refresh();
  return { refresh, onKey, caseId: id };
};
