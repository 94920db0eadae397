// A photo as a small thumbnail that opens the full size in a viewer, shared by the resident, field and console
// apps. The thumbnail loads only the small rendition (/api/photos/{id}?size=small); the full photo is fetched
// when someone taps it. The viewer is a modal <dialog>: focus moves to its close button, Esc or the button or a
// tap beside the photo closes it, and focus returns to the thumbnail. Labels come from the calling app's own
// catalogue, so this module holds no words of its own.

const STYLES = "/pwa/shared/photo-viewer.css";

function make(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

// One stylesheet for the three apps, added once by whichever first shows a photo.
function ensureStyles() {
  if (!document.querySelector(`link[href="${STYLES}"]`)) document.head.append(make("link", { rel: "stylesheet", href: STYLES }));
}

/**
 * Show `src` full size in a modal viewer; focus returns to `opener` when it closes.
 * @param {{src: string, alt: string, closeLabel: string, opener?: HTMLElement}} options
 * @returns {HTMLDialogElement}
 */
export function openViewer({ src, alt, closeLabel, opener }) {
  ensureStyles();
  const close = make("button", { type: "button", "data-action": "close-photo", text: closeLabel });
  const dialog = make("dialog", { "data-role": "photo-viewer", "aria-label": alt },
    make("img", { src, alt, "data-role": "photo-full" }), make("p", {}, close));
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  };
  close.addEventListener("click", finish);
  dialog.addEventListener("close", finish);
  // A tap on the backdrop lands on the dialog itself, not on what it holds.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) finish();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  return dialog;
}

/**
 * A button showing the photo's small rendition; pressing it opens the full photo in the viewer.
 * @param {{small: string, full: string, alt: string, label: string, closeLabel: string}} options
 *   `small` and `full` are the two URLs (with `?token=` where the page needs one); `label` names the button
 * @returns {HTMLButtonElement}
 */
export function photoThumb({ small, full, alt, label, closeLabel }) {
  ensureStyles();
  const button = make("button", { type: "button", class: "photo-thumb", "data-action": "open-photo",
    "aria-label": label },
  make("img", { src: small, alt: "", loading: "lazy", width: 96, height: 96 }));
  button.addEventListener("click", () => openViewer({ src: full, alt, closeLabel, opener: button }));
  return button;
}

/**
 * The two URLs of stored photo `id`: its small rendition and its full size.
 * @param {string} id
 * @param {string} [token] a case's track token, for a resident's page
 */
export function photoUrls(id, token) {
  const base = `/api/photos/${encodeURIComponent(id)}`;
  const query = token ? `token=${encodeURIComponent(token)}` : "";
  return { small: `${base}?size=small${query ? `&${query}` : ""}`, full: query ? `${base}?${query}` : base };
}
