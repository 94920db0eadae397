// The live feed: an EventSource on /api/events that reconnects by itself and misses nothing.
// The browser retries a dropped stream on its own, sending Last-Event-ID; when it gives up instead (an error
// status, a server restart mid-handshake) we open a new stream from the last id we saw, after a backoff.
// Every time a stream opens, `onOpen` runs, and the console reloads what it shows: together with the replay
// from the last id, that covers anything that happened while no stream was open.
import { EVENTS } from "/sync/client/names.js";

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * @param {{onEvent: (type: string, data: object, id: string) => void, onOpen: () => void,
 *          onStatus: (status: "connecting"|"online"|"offline") => void}} handlers
 * @returns {{close: () => void}}
 */
export const connectLive = ({ onEvent, onOpen, onStatus }) => {
  let source = null;
  let lastId = "";
  let retryMs = RETRY_MIN_MS;
  let timer = null;
  let closed = false;

  const open = () => {
    timer = null;
    onStatus("connecting");
    const url = lastId ? `/api/events?last_event_id=${encodeURIComponent(lastId)}` : "/api/events";
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener("open", () => {
      retryMs = RETRY_MIN_MS;
      onStatus("online");
      onOpen();
    });
    for (const type of EVENTS) {
      source.addEventListener(type, (event) => {
        if (event.lastEventId) lastId = event.lastEventId;
        let data = {};
        try {
          data = JSON.parse(event.data);
        } catch {
          // A malformed message is still a sign that something changed: the handler reloads.
        }
        onEvent(type, data, event.lastEventId);
      });
    }
    source.addEventListener("error", () => {
      onStatus("offline");
      if (source.readyState === EventSource.CLOSED && !closed && timer === null) {
        timer = setTimeout(open, retryMs * (0.5 + Math.random() / 2));
        retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
      }
    });
  };

  // After the network comes back (another Wi-Fi, a cable plugged in again) an old stream may look open but be
  // dead; start a new one at once from the last event seen instead of waiting to notice.
  const restart = () => {
    if (closed) return;
    clearTimeout(timer);
    source?.close();
    retryMs = RETRY_MIN_MS;
    open();
  };
  const wentOffline = () => onStatus("offline");
  window.addEventListener("online", restart);
  window.addEventListener("offline", wentOffline);

  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source?.close();
      window.removeEventListener("online", restart);
      window.removeEventListener("offline", wentOffline);
    },
  };
};
