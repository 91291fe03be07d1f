/**
 * A receipt photo from the phone's camera, made small enough for hotel Wi-Fi (a phone photo is
 * often 3–8 MB; a receipt reads fine at 1600 px as a JPEG) and uploaded before the perk that
 * cites it: POST ledger/receipts with the image as the body -> { id, sha256, ... }.
 */
import { perkUrls, readAnswer, send, ApiError, HEAVY_REQUEST_DEADLINE_MS } from '../api.js';
import { RECEIPT_CONTENT_TYPES, RECEIPT_MAX_BYTES, type ReceiptUpload } from '../../../shared/ledger.js';

const RECEIPT_TYPES: readonly string[] = RECEIPT_CONTENT_TYPES;
const MAX_SIDE = 1600;
const NOT_YET = 'Receipt photos cannot be uploaded yet. Remove the photo to record the perk without it.';

/** Re-encode as a JPEG no larger than MAX_SIDE on its long side; the original when that fails or is not smaller. */
export async function shrinkPhoto(file: Blob): Promise<Blob> {
  if (typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= 1_500_000 && RECEIPT_TYPES.includes(file.type)) {
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
    return out && (out.size < file.size || !RECEIPT_TYPES.includes(file.type)) ? out : file;
  } catch {
    return file;
  }
}

/** Upload the photo; errors carry plain words (too big, wrong kind, not possible yet). */
export async function uploadReceipt(incidentId: string, photo: Blob): Promise<ReceiptUpload> {
  const image = await shrinkPhoto(photo);
  if (!RECEIPT_TYPES.includes(image.type)) throw new Error('The receipt must be a photo (JPEG, PNG or WebP).');
  if (image.size > RECEIPT_MAX_BYTES) throw new Error('The photo is larger than 5 MB. Take it again a little further away.');
  let res: Response;
  try {
    res = await send(perkUrls.receipts(incidentId), { method: 'POST', body: image, deadlineMs: HEAVY_REQUEST_DEADLINE_MS });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server to upload the receipt. Try again when the connection is back.');
  }
  if (res.status === 404 && !(res.headers.get('content-type') ?? '').includes('json')) throw new Error(NOT_YET);
  try {
    return await readAnswer<ReceiptUpload>(res);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not_found' && /endpoint/i.test(err.message)) throw new Error(NOT_YET);
    throw err;
  }
}
