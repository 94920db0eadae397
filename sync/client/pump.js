// A pump: one pass at a time of work that drains a local queue (e.g. photo uploads). A call while a pass runs
// asks for one more pass afterwards; a failing server is retried with jittered backoff; an offline device is
// left to the "online" event. The resident and field apps' photo outboxes both run on it.
import { backoffDelay } from "./syncer.js";

/**
 * @param {() => Promise<"done" | "offline" | "server">} step one pass; a throw counts as "server"
 * @param {() => void} changed called after every pass
 * @returns {{pump: () => Promise<void>, stop: () => void}} pump starts a pass (or queues one); stop cancels a retry
 */
export function createPump(step, changed) {
  let running = null;
  let again = false;
  let timer = null;
  let failures = 0;

  async function run() {
    let outcome;
    try {
      outcome = await step();
    } catch {
      outcome = "server";
    }
    changed();
    clearTimeout(timer);
    if (outcome === "done") {
      failures = 0;
      return;
    }
    failures += 1;
    if (outcome === "server") timer = setTimeout(pump, backoffDelay(failures));
  }

  function pump() {
    if (running !== null) {
      again = true;
      return running;
    }
    running = run().finally(() => {
      running = null;
      if (again) {
        again = false;
        pump();
      }
    });
    return running;
  }

  return Object.freeze({ pump, stop: () => clearTimeout(timer) });
}
