// Photos are shrunk in the browser before they are stored or sent: a long edge of about 1600 px, as JPEG.
// Decoding is also the test that a file is a picture at all (a PDF renamed .jpg fails here).

import { PHOTO_MAX_MB } from "./validate.js";

export const LONG_EDGE = 1600;
export const QUALITY = 0.85;
// An original larger than this is refused before decoding: an old phone could run out of memory on it.
export const ORIGINAL_MAX_MB = 20;

/** A photo the app refuses; `key` names the message in the catalogue. */
export class PhotoError extends Error {
  constructor(key, params = {}) {
    super(key);
    this.key = key;
    this.params = params;
  }
}

async function decode(file) {
  try {
    return await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    // Some browsers decode formats in <img> that createImageBitmap refuses (HEIC on Safari).
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    } catch {
      throw new PhotoError("form.photoNotImage");
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

/**
 * The photo as a JPEG Blob whose long edge is at most LONG_EDGE; EXIF (GPS included) is not carried over.
 * @param {Blob} file
 * @returns {Promise<Blob>}
 */
export async function shrinkPhoto(file) {
  if (file.size > ORIGINAL_MAX_MB * 1024 * 1024) throw new PhotoError("form.photoTooLarge", { max: ORIGINAL_MAX_MB });
  const image = await decode(file);
  const width = image.width;
  const height = image.height;
  if (!width || !height) throw new PhotoError("form.photoNotImage");
  const scale = Math.min(1, LONG_EDGE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  image.close?.();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  if (blob === null) throw new PhotoError("form.photoNotImage");
  if (blob.size > PHOTO_MAX_MB * 1024 * 1024) throw new PhotoError("form.photoTooLarge", { max: PHOTO_MAX_MB });
  return blob;
}
