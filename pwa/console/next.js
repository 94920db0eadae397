// Where the sign-in page may send a person afterwards: a path on this site and nothing else. Browsers drop tabs
// and line breaks from URLs and read "\" as "/", so "/\t/evil.example" would become "//evil.example", another
// site: any whitespace, control or format character, or a backslash, makes the target unsafe, as on the server
// (server/routes/staff_pages.py safe_next).
const SAFE = /^\/(?![/\\])[^\\\s\p{C}]*$/u;

/** `next` if it is a same-origin absolute path, else "". @param {unknown} next */
export const safeNext = (next) => (typeof next === "string" && next.length <= 2000 && SAFE.test(next) ? next : "");
