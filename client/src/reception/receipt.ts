/**
 * A receipt photo from the phone's camera, made small enough for hotel Wi-Fi (a phone photo is
 * often 3–8 MB; a receipt reads fine at 1600 px as a JPEG) and uploaded before the perk that
 * cites it: POST ledger/receipts with the image as the body -> { id, sha256, ... }.
 */
import { readJson } from './usePerks.js';

export const RECEIPT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const RECEIPT_MAX_BYTES = 5 * 1024 * 1024;
const MAX_SIDE = 1600;

export interface UploadedReceipt {
  id: string;
  sha256: string;
  contentType: string;
  bytes: number;
  ref: string;
}

/** Re-encode as a JPEG no larger than MAX_SIDE on its long side; the original when that fails or is not smaller. */
export async function shrinkPhoto(file: Blob): Promise<Blob> {
  if (typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= 1_500_000 && (RECEIPT_TYPES as readonly string[]).includes(file.type)) {
      bitmap.close();
      return file;
    }
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const out = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
    return out && (out.size < file.size || !(RECEIPT_TYPES as readonly string[]).includes(file.type)) ? out : file;
  } catch {
    return file;
  }
}

/** Upload the photo; errors carry plain words (too big, wrong kind, not possible yet). */
export async function uploadReceipt(incidentId: string, photo: Blob): Promise<UploadedReceipt> {
  const image = await shrinkPhoto(photo);
  if (!(RECEIPT_TYPES as readonly string[]).includes(image.type)) throw new Error('The receipt must be a photo (JPEG, PNG or WebP).');
  if (image.size > RECEIPT_MAX_BYTES) throw new Error('The photo is larger than 5 MB. Take it again a little further away.');
  let res: Response;
  try {
    res = await fetch(`/api/incidents/${encodeURIComponent(incidentId)}/ledger/receipts`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': image.type, accept: 'application/json' }, body: image });
  } catch {
    throw Object.assign(new Error('Cannot reach the server to upload the receipt. Try again when the connection is back.'), { status: 0 });
  }
  if (res.status === 404 && !(res.headers.get('content-type') ?? '').includes('json')) throw new Error('Receipt photos cannot be uploaded yet. Remove the photo to record the perk without it.');
  try {
    return await readJson<UploadedReceipt>(res);
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found' && /endpoint/i.test((err as Error).message)) throw new Error('Receipt photos cannot be uploaded yet. Remove the photo to record the perk without it.');
    throw err;
  }
}
