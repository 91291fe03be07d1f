/**
 * Receipt photos: uploaded by staff before the perk that cites them, stored once per incident and
 * content (the same photo twice is the same receipt), cited by entries as `photo:<sha256>` so the
 * hash chain covers the bytes. Readable by duty managers, admins, the incident's insurers and the
 * reception of the hotel that uploaded it; "not found" for anyone else.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { SessionUser } from '../auth/types.js';
import { AppError } from '../http/errors.js';
import { PHOTO_REF_PREFIX, RECEIPT_CONTENT_TYPES, type ReceiptContentType, type ReceiptUpload } from '../../shared/ledger.js';
import { loadIncident } from './context.js';
import { insertReceipt, receiptWithData, uncitedUploads, type ReceiptInfo } from './receipt-repo.js';
import { countOf } from '../../shared/plural.js';
import { pngUnreadable, SIZE_LIMIT_WORDS, tooLargeToDecode } from './image-size.js';

/** What the first bytes say the image is (JPEG, PNG or WebP), or null. */
export function sniffImageType(b: Uint8Array): ReceiptContentType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export function isReceiptType(t: string): t is ReceiptContentType {
  return (RECEIPT_CONTENT_TYPES as readonly string[]).includes(t);
}

const bodyError = (message: string) => new AppError('validation_failed', `body: ${message}`, { fields: [{ path: 'body', message }] });

/** Who may fetch a receipt photo (the route has already checked the incident is theirs). */
export function canReadReceipt(user: Pick<SessionUser, 'role' | 'hotelId'>, receipt: Pick<ReceiptInfo, 'hotelId'>): boolean {
  return user.role !== 'reception' || (receipt.hotelId !== null && receipt.hotelId === user.hotelId);
}

/** Receipt photos one member of staff may hold uploaded but cited by no perk. */
export const MAX_UNCITED_UPLOADS = 20;

export class ReceiptService {
  constructor(private readonly db: Db) {}

  /** Store an uploaded photo whose magic bytes match its declared type; the same photo again answers the same receipt. */
  async upload(incidentId: string, user: SessionUser, declared: ReceiptContentType, body: unknown): Promise<ReceiptUpload> {
    if (!Buffer.isBuffer(body) || body.length === 0) throw bodyError('expected the image bytes as the request body');
    const actual = sniffImageType(body);
    if (actual !== declared)
      throw bodyError(`the bytes are ${actual ? `a ${actual.slice(6).toUpperCase()} image` : 'not a JPEG, PNG or WebP image'}, not the declared ${declared}`);
    // A small file may declare a huge picture (a decompression bomb): refused before it is stored.
    const tooLarge = tooLargeToDecode(body, declared);
    if (tooLarge) throw bodyError(`the photo is ${tooLarge.width} x ${tooLarge.height} pixels; a receipt photo may have ${SIZE_LIMIT_WORDS}: send it smaller`);
    // A PNG the claim pack's PDF writer cannot read safely is refused before it is stored (see pngUnreadable).
    const unreadable = declared === 'image/png' ? pngUnreadable(body) : null;
    if (unreadable) throw bodyError(`this PNG cannot be read (${unreadable}): take the photo again, or send it as a JPEG`);
    await loadIncident(this.db, incidentId);
    const sha256 = createHash('sha256').update(body).digest('hex');
    // Photos are uploaded just before the perk that cites them: a pile that no perk cites is not
    // receipts but a disk filling up (and, on the embedded database, memory).
    const { uncited, stored } = await uncitedUploads(this.db, incidentId, user.id, sha256);
    if (!stored && uncited >= MAX_UNCITED_UPLOADS)
      throw new AppError(
        'conflict',
        `${countOf(uncited, 'receipt photo')} you uploaded ${uncited === 1 ? 'is' : 'are'} not on any perk yet. Record those perks (or take the photo off the form) before uploading more.`,
        { uncited, limit: MAX_UNCITED_UPLOADS },
      );
    const row = await insertReceipt(this.db, {
      incidentId,
      sha256,
      contentType: declared,
      bytes: body.length,
      data: body,
      uploadedBy: user.id,
      hotelId: user.role === 'reception' ? user.hotelId : null,
    });
    return { id: row.id, sha256: row.sha256, contentType: row.contentType as ReceiptContentType, bytes: row.bytes, ref: `${PHOTO_REF_PREFIX}${row.sha256}` };
  }

  /** The photo's bytes, or "not found" when it is not this incident's or not this reader's. */
  async read(incidentId: string, user: SessionUser, receiptId: string): Promise<{ contentType: string; sha256: string; data: Buffer }> {
    const row = await receiptWithData(this.db, incidentId, receiptId);
    if (!row || !canReadReceipt(user, row)) throw new AppError('not_found', 'No such receipt photo.');
    const data = Buffer.isBuffer(row.data)
      ? row.data
      : Buffer.from((row.data as Uint8Array).buffer, (row.data as Uint8Array).byteOffset, (row.data as Uint8Array).byteLength);
    return { contentType: row.contentType, sha256: row.sha256, data };
  }
}
