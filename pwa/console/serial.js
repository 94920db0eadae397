// Reloads that come in bursts (live events, keystrokes, acknowledgements) run one at a time, plus one more if any
// were asked for meanwhile: an older answer never paints over a newer one, and a burst costs two reads, not ten.

/**
 * @param {() => Promise<void>} work
 * @returns {() => Promise<void>} call it as often as you like
 */
export const oneAtATime = (work) => {
  let running = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = work().finally(() => {
      running = null;
      if (again) {
        again = false;
        run();
      }
    });
    return running;
  };
  return run;
};
