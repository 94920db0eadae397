// Short tones made with WebAudio: a rising two-note chime for a new report, a repeated low-high alarm for a
// deadline that is near or passed. No audio file to fetch or cache.
// Browsers start audio only after the person has interacted with the page, so the context is created on the
// first click or key press, and the toggle lets a dispatcher silence both.

let context = null;
let enabled = localStorage.getItem("mashangban-console-sound") !== "off";

// Seconds from the start and frequency (Hz) of each note.
const TONES = Object.freeze({
  arrival: [[0, 880], [0.18, 1320]],
  alert: [[0, 660], [0.16, 990], [0.32, 660], [0.48, 990]],
});
// How each tone is counted on the page (document.body.dataset), so a test or a curious person can tell it
// was played even where no speaker is.
const COUNTERS = Object.freeze({ arrival: "chimes", alert: "alarms" });

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

/** Play tone `kind` ("arrival" or "alert"); returns whether it was scheduled. */
export const chime = (kind = "arrival") => {
  const counter = COUNTERS[kind];
  document.body.dataset[counter] = String(Number(document.body.dataset[counter] || 0) + 1);
  if (!enabled) return false;
  const ctx = ensureContext();
  if (!ctx || ctx.state !== "running") return false;
  const start = ctx.currentTime;
  for (const [offset, frequency] of TONES[kind]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.14);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.16);
  }
  return true;
};
