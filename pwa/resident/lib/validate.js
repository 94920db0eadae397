// The rules a report must meet before it is queued, so nothing the server will refuse is ever queued.
// Each check returns null when the value is fine, else [catalogue key, params].

export const DESCRIPTION_MAX = 2000;
export const NAME_MAX = 20;
export const COMMENT_MAX = 500;
export const PHOTOS_MAX = 3;
export const PHOTO_MAX_MB = 10;

// Mainland mobile: 11 digits starting 13–19. Landline: area code 0xx(x) and 7–8 digits, or 7–8 digits alone.
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^(0\d{2,3})?[2-9]\d{6,7}$/;

/** @param {string} text */
export function checkDescription(text) {
  const trimmed = text.trim();
  if (trimmed === "") return ["form.descriptionEmpty", {}];
  if ([...trimmed].length > DESCRIPTION_MAX) return ["form.descriptionLong", { max: DESCRIPTION_MAX }];
  return null;
}

/** @param {string} name */
export function checkName(name) {
  return [...name.trim()].length > NAME_MAX ? ["form.nameLong", { max: NAME_MAX }] : null;
}

/** The phone number as digits (spaces and dashes dropped); "" for none. @param {string} phone */
export function normalisePhone(phone) {
  return phone.replace(/[\s-]/g, "");
}

/** @param {string} phone */
export function checkPhone(phone) {
  const digits = normalisePhone(phone);
  if (digits === "") return null;
  if (!/^\d+$/.test(digits)) return ["form.phoneChars", {}];
  if (!MOBILE.test(digits) && !LANDLINE.test(digits)) return ["form.phoneFormat", {}];
  return null;
}

/** @param {string|null} category @param {Array<{code: string}>} categories */
export function checkCategory(category, categories) {
  return categories.some((c) => c.code === category) ? null : ["form.categoryRequired", {}];
}

/** @param {string} comment */
export function checkComment(comment) {
  return [...comment.trim()].length > COMMENT_MAX ? ["rate.commentLong", { max: COMMENT_MAX }] : null;
}
