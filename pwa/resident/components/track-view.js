// The tracking page /t/{token}: a case's status and history, live, on any device, without staff-only data.
// On the phone that made the case it also offers the rating (once resolved) and withdrawal (before dispatch).

import { photoThumb, photoUrls } from "/pwa/shared/photo-viewer.js";
import { h } from "../lib/dom.js";
import { categoryName, formatTime, t } from "../lib/i18n.js";
import { mineByToken } from "../lib/store.js";
import { FINISHED, WITHDRAWABLE, fetchTrack, followTrack } from "../lib/track.js";
import { ratingForm } from "./rating-form.js";
import { withdrawForm } from "./withdraw-form.js";

function lastSeq(view) {
  return Math.max(0, ...view.timeline.map((e) => e.seq));
}

function statusName(status) {
  return status ? t(`status.${status}`) : t("status.unknown");
}

/**
 * @param {{token: string, client: object, db: object, categories: Map<string, object>}} options
 * @returns {{node: HTMLElement, stop: () => void, hasInput: () => boolean}}
 */
export function trackView({ token, client, db, categories }) {
  const body = h("div", { "data-region": "track" }, h("p", { text: t("app.loading") }));
  const node = h("section", { "data-view": "track" }, h("h1", { tabindex: "-1", text: t("track.title") }), body);
  let mine;
  let form = null;
  let closeStream = null;
  let stopped = false;
  // What this phone just sent, shown until the case has moved on past it: until the log holds more than the
  // one step the sending itself causes.
  let sentLocally = null;
  let sentAfterSeq = 0;
  let fetching = null;

  function category(code) {
    const found = categories.get(code?.code ?? code);
    return found ? categoryName(found) : (code?.name_zh ?? code ?? "");
  }

  function facts(view) {
    const rows = [
      [t("receipt.number"), view.number ?? "—"],
      [t("track.site"), view.site?.name ?? mine?.site_name ?? view.site ?? ""],
      [t("track.category"), category(view.category ?? mine?.category)],
      [t("track.description"), view.description || mine?.description || ""],
    ];
    return h("dl", {}, rows.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: String(v) })]));
  }

  function timeline(view) {
    if (view.timeline.length === 0) return null;
    return [h("h2", { text: t("track.timeline") }),
      h("ol", { class: "timeline", "data-region": "timeline" }, view.timeline.map((e) => h("li", { "data-event": e.type },
        e.at ? h("time", { datetime: e.at, text: formatTime(e.at) }) : null,
        h("span", { text: e.status ? statusName(e.status) : t("event.default") }),
        e.rating ? h("span", { text: ` · ${t(`rating.${e.rating}`)}` }) : null,
        e.text ? h("p", { text: e.text }) : null)))];
  }

  function photos(view) {
    if (view.photos.length === 0) return null;
    // Small renditions here; the full photo only when someone opens one.
    return [h("h2", { text: t("track.photos") }), h("div", { class: "photos", "data-region": "photos" },
      view.photos.map((id, i) => {
        const alt = t("form.photoAlt", { n: i + 1 });
        return photoThumb({ ...photoUrls(id, token), alt, label: t("photo.open", { alt }), closeLabel: t("photo.close") });
      }))];
  }

  function actions(view) {
    if (mine === undefined) return null;
    if (sentLocally && view.timeline.filter((e) => e.seq > sentAfterSeq).length > 1) sentLocally = null;
    if (sentLocally) return h("p", { class: "notice ok", role: "status", text: sentLocally });
    if (view.rateable) {
      form = ratingForm({ caseId: mine.id, client, onDone: (rating) => {
        sentLocally = t(rating === "unsatisfied" ? "rate.reopened" : "rate.done");
        sentAfterSeq = lastSeq(view);
        form = null;
        refresh();
      } });
      return form.node;
    }
    if (WITHDRAWABLE.includes(view.status)) {
      form = withdrawForm({ caseId: mine.id, client, onDone: () => {
        sentLocally = t("withdraw.done");
        sentAfterSeq = lastSeq(view);
        form = null;
        refresh();
      } });
      return form.node;
    }
    return null;
  }

  function render(answer) {
    if (form?.hasInput()) return; // never redraw over what someone is typing
    form = null;
    if (answer.state === "ok") {
      const view = answer.view;
      body.replaceChildren(...[
        answer.cached ? h("p", { class: "notice warn", text: t("track.offline") }) : null,
        h("p", {}, h("span", { class: "badge", "data-status": view.status, text: statusName(view.status) })),
        facts(view), photos(view), timeline(view), actions(view),
      ].flat().filter(Boolean));
      if (closeStream === null && !FINISHED.includes(view.status) && !answer.cached) closeStream = followTrack(token, refresh);
      return;
    }
    // A case made on this phone that the server does not know yet is "waiting to send", not "not found".
    if (mine !== undefined) {
      body.replaceChildren(
        h("p", {}, h("span", { class: "badge", "data-status": "pending", text: t("status.pending") })),
        h("p", { class: "notice warn", text: t("track.notYet") }),
        facts({ number: null, site: null, category: null, description: "", timeline: [], photos: [] }));
      return;
    }
    body.replaceChildren(h("p", { class: "notice warn", "data-error": answer.state,
      text: answer.state === "missing" ? t("track.notFound") : t("track.offline") }));
  }

  // One fetch at a time; an event that arrives during a fetch causes one more, so the last change is never missed.
  let again = false;
  async function refresh() {
    if (stopped) return;
    if (fetching) {
      again = true;
      return fetching;
    }
    fetching = (async () => {
      do {
        again = false;
        const answer = await fetchTrack(token);
        if (!stopped) render(answer);
      } while (again && !stopped);
    })().finally(() => {
      fetching = null;
    });
    return fetching;
  }

  const onCases = () => refresh();
  client.addEventListener("cases", onCases);
  let lastSync = client.state.lastSuccessAt;
  const unsubscribe = client.subscribe((s) => {
    if (s.lastSuccessAt !== lastSync) {
      lastSync = s.lastSuccessAt;
      refresh();
    }
  });
  mineByToken(db, token).then((row) => {
    mine = row;
    refresh();
  });

  return {
    node,
    hasInput: () => form?.hasInput() ?? false,
    stop() {
      stopped = true;
      closeStream?.();
      unsubscribe();
      client.removeEventListener("cases", onCases);
    },
  };
}
