// A short two-note tone made with WebAudio for a new report: no audio file to fetch or cache.
// Browsers start audio only after the person has interacted with the page, so the context is created on the
// first click or key press, and the toggle lets a dispatcher silence it.

let context = null;
let enabled = localStorage.getItem("mashangban-console-sound") !== "off";

const ensureContext = () => {
  if (!context && (window.AudioContext || window.webkitAudioContext)) {
    context = new (window.AudioContext || window.webkitAudioContext)();
  }
  if (context?.state === "suspended") context.resume().catch(() => {});
  return context;
};

/** Create the audio context on the first interaction (the autoplay rules require one). */
export const armOnInteraction = () => {
  const arm = () => ensureContext();
  window.addEventListener("pointerdown", arm, { once: true });
  window.addEventListener("keydown", arm, { once: true });
};

export const soundEnabled = () => enabled;

export const setSound = (on) => {
  enabled = on;
  localStorage.setItem("mashangban-console-sound", on ? "on" : "off");
  if (on) ensureContext();
};

/** Play the tone (about 0.4 s); returns whether it was scheduled. */
export const chime = () => {
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  if (!enabled) return false;
  const ctx = ensureContext();
  if (!ctx || ctx.state !== "running") return false;
  const start = ctx.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.18, 1320]]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.22);
  }
  return true;
};
