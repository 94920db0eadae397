// The hybrid logical clock, browser side: the same string format as sync/hlc.py,
// "<13-digit ms since the epoch>-<4 hex digit counter>", so that strings sort as the clock compares.
// The functions are pure (the last value and "now" come in, the next value goes out) because the last
// value lives in IndexedDB: whichever tab writes next reads it in the same transaction.

const MS_DIGITS = 13;
const COUNTER_DIGITS = 4;
const COUNTER_MAX = 0xffff;
const PATTERN = /^(\d{13})-([0-9a-f]{4})$/;
// A fresh clock reads as the epoch, as sync/hlc.py's ZERO does, so both clocks give the same readings.
const ZERO = Object.freeze({ ms: 0, counter: 0 });

/**
 * Format a clock reading as a string.
 * @param {{ms: number, counter: number}} t
 * @returns {string} e.g. "1795000000000-0003"
 */
export function format({ ms, counter }) {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 10 ** MS_DIGITS) throw new RangeError(`bad HLC ms: ${ms}`);
  if (!Number.isInteger(counter) || counter < 0 || counter > COUNTER_MAX) {
    throw new RangeError(`bad HLC counter: ${counter}`);
  }
  return `${String(ms).padStart(MS_DIGITS, "0")}-${counter.toString(16).padStart(COUNTER_DIGITS, "0")}`;
}

/**
 * Parse a clock string; throws on anything that is not exactly the protocol's format.
 * @param {string} text
 * @returns {{ms: number, counter: number}}
 */
export function parse(text) {
  const m = PATTERN.exec(text);
  if (m === null) throw new SyntaxError(`not an HLC string: ${JSON.stringify(text)}`);
  return { ms: Number(m[1]), counter: parseInt(m[2], 16) };
}

// A counter that would overflow moves the clock 1 ms ahead instead: the order stays strict and the
// format stays fixed-width, at the price of running a little ahead of the wall clock under a burst.
function next(ms, counter) {
  return counter > COUNTER_MAX ? { ms: ms + 1, counter: 0 } : { ms, counter };
}

/**
 * The clock reading for a local event: later than `last` and than the wall clock.
 * @param {string|null|undefined} last the previous reading, or nothing for a fresh clock
 * @param {number} [now] wall clock in ms (defaults to Date.now())
 * @returns {string}
 */
export function tick(last, now = Date.now()) {
  const wall = Math.floor(now);
  const prev = last ? parse(last) : ZERO;
  if (wall > prev.ms) return format({ ms: wall, counter: 0 });
  return format(next(prev.ms, prev.counter + 1));
}

/**
 * The clock reading after seeing a remote timestamp: later than both `last` and `remote`, so that a change
 * made here after seeing another device's change sorts after it even when this device's clock is behind.
 * @param {string|null|undefined} last
 * @param {string} remote
 * @param {number} [now]
 * @returns {string}
 */
export function receive(last, remote, now = Date.now()) {
  const wall = Math.floor(now);
  const r = parse(remote);
  const l = last ? parse(last) : ZERO;
  const ms = Math.max(wall, l.ms, r.ms);
  if (ms === wall && ms > l.ms && ms > r.ms) return format({ ms, counter: 0 });
  let counter;
  if (ms === l.ms && ms === r.ms) counter = Math.max(l.counter, r.counter) + 1;
  else if (ms === l.ms) counter = l.counter + 1;
  else counter = r.counter + 1;
  return format(next(ms, counter));
}
