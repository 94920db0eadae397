// Updating what is on screen in place, so that a refresh never takes anything from under a person's hands: the
// element that has focus, the one being pressed (between pointer down and click) and everything inside them stay
// the same nodes, and the page does not jump.
//
// Lists are keyed: each child carries `data-key` and `data-sig` (a signature of what it shows). A child whose
// signature is unchanged is left alone; a changed one is replaced, unless it is held, and then it waits for the
// next update; a new one is inserted where it belongs; one no longer listed is removed, unless held.

let pressed = null;
let waiting = [];
document.addEventListener("pointerdown", (event) => { pressed = event.target; }, true);
// The click follows pointerup in the same task; forget the pressed element only after it, then run what waited.
const release = () => setTimeout(() => {
  pressed = null;
  const run = waiting;
  waiting = [];
  for (const fn of run) fn();
}, 0);
document.addEventListener("pointerup", release, true);
document.addEventListener("pointercancel", release, true);

/** Whether `node` holds the focus or the element being pressed (so replacing it would take it away). */
export const held = (node) => {
  const active = document.activeElement;
  return Boolean((active && active !== document.body && node.contains(active)) || (pressed && node.contains(pressed)));
};

/** Whether the element being pressed is inside `node`. */
export const pressedWithin = (node) => Boolean(pressed && node.contains(pressed));

/**
 * Run `fn` once the pointer is released (after the click it makes), or now when nothing is pressed. For a row of
 * buttons: a button appearing before the one under the finger would move it, and the click would land on its
 * neighbour.
 */
export const afterRelease = (fn) => {
  if (pressed) waiting.push(fn);
  else fn();
};

/**
 * Make the element children of `parent` the `items`, in order.
 * @param {Element} parent holds only keyed children
 * @param {Array<{key: string, sig: string, render: () => Element}>} items
 */
export const patchList = (parent, items) => {
  const current = new Map([...parent.children].map((child) => [child.dataset.key, child]));
  const wanted = items.map(({ key, sig, render }) => {
    const old = current.get(key);
    current.delete(key);
    if (old && (old.dataset.sig === sig || held(old))) return old;
    const node = render();
    node.dataset.key = key;
    node.dataset.sig = sig;
    if (old) old.replaceWith(node);
    return node;
  });
  // What is no longer listed goes, unless a person is on it: then it stays until the next update.
  for (const gone of current.values()) if (!held(gone)) gone.remove();
  let ref = parent.firstElementChild;
  for (const node of wanted) {
    if (node === ref) {
      ref = ref.nextElementSibling;
    } else if (node.parentNode === parent && held(node)) {
      // Moving a node takes the focus out of it: move what stands before it to after it instead.
      const after = node.nextSibling;
      while (ref && ref !== node) {
        const next = ref.nextElementSibling;
        parent.insertBefore(ref, after);
        ref = next;
      }
      ref = node.nextElementSibling;
    } else {
      parent.insertBefore(node, ref);
    }
  }
};

/**
 * Set `node`'s text only when it differs (an unchanged text node keeps a screen reader's place and a selection).
 * @param {Node} node
 * @param {string} text
 */
export const setText = (node, text) => {
  if (node.textContent !== text) node.textContent = text;
};

const onScreen = (node) => {
  const box = node.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
};

/**
 * Run `update` (which changes `container`) without moving what the person is on: the element being pressed or
 * holding the focus, if it is on screen, or else the first keyed or region element visible at the top of the
 * window, stays at the same height on screen.
 * @param {Element} container
 * @param {() => void} update
 */
export const keepScroll = (container, update) => {
  const active = document.activeElement;
  const touched = [pressed, active].find((node) => node && node !== document.body && container.contains(node) && onScreen(node));
  const anchor = touched ?? [...container.querySelectorAll("[data-key], [data-region]")]
    .find((node) => node.getBoundingClientRect().bottom > 0);
  const before = anchor?.getBoundingClientRect().top;
  update();
  if (anchor?.isConnected) {
    const shift = anchor.getBoundingClientRect().top - before;
    if (shift) window.scrollBy(0, shift);
  }
};
