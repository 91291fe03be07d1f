/**
 * The anchor of the ledger's hash chain (docs/decisions/0015). Someone who can write to the
 * database can edit a row and recompute every later hash and the head: the chain alone then checks
 * out. So every export's manifest and the ledger head it fixes are signed with an Ed25519 key the
 * database does not hold (LEDGER_SIGNING_KEY, or a key file beside the data directory made on first
 * start), and the public key travels in the manifest. An insurer holding an earlier export checks a
 * later one (or the live ledger) against the earlier export's signed head, offline: a rewrite of
 * anything up to that head no longer reaches the same hash, and a forger cannot sign a new one.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExportManifest, ManifestSignature } from '../../shared/ledger.js';

export const SIGNATURE_ALG = 'Ed25519';

/** JSON with object keys sorted at every level: the same bytes whatever order a store kept them in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the head signature covers: which incident, how far, and the chain's hash there. */
export function headStatement(incidentId: string, seq: number, hash: string): string {
  return `ledger-head/1\n${incidentId}\n${seq}\n${hash}`;
}

/** What the manifest signature covers: the manifest without its signature block, canonical. */
export function manifestStatement(manifest: ExportManifest): string {
  const { signature: _omit, ...rest } = manifest;
  return canonicalJson(rest);
}

export function keyIdOf(publicKeyB64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyB64, 'base64')).digest('hex').slice(0, 16);
}

export class LedgerSigner {
  readonly publicKey: string;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the ledger signing key must be an Ed25519 private key');
    this.publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
    this.keyId = keyIdOf(this.publicKey);
  }

  /** Sign a manifest (whose head fields are final): the head statement and the manifest itself. */
  sign(manifest: ExportManifest): ManifestSignature {
    const headSignature = sign(null, Buffer.from(headStatement(manifest.incidentId, manifest.headSeq, manifest.headHash)), this.privateKey).toString('base64');
    const manifestSignature = sign(null, Buffer.from(manifestStatement(manifest)), this.privateKey).toString('base64');
    return {
      alg: SIGNATURE_ALG,
      keyId: this.keyId,
      publicKey: this.publicKey,
      head: { seq: manifest.headSeq, hash: manifest.headHash },
      headSignature,
      manifestSignature,
    };
  }
}

/**
 * The signing key: LEDGER_SIGNING_KEY (PEM, or its base64) when set; otherwise the PEM file at
 * `keyFile`, created (owner-only) with a new key when absent. The file is written with 'wx', so
 * two processes starting together end up with the same key.
 */
export function loadLedgerSigner(opts: { pem?: string; keyFile: string }): LedgerSigner {
  if (opts.pem) {
    const text = opts.pem.includes('BEGIN') ? opts.pem : Buffer.from(opts.pem, 'base64').toString('utf8');
    return new LedgerSigner(createPrivateKey(text));
  }
  try {
    return new LedgerSigner(createPrivateKey(readFileSync(opts.keyFile, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(path.dirname(opts.keyFile), { recursive: true });
  try {
    writeFileSync(opts.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return new LedgerSigner(createPrivateKey(readFileSync(opts.keyFile, 'utf8')));
}

/** Where the key file lives when none is configured: beside the data directory, not in it. */
export function defaultKeyFile(dataDir: string): string {
  const dir = path.resolve(dataDir);
  return path.join(path.dirname(dir), `${path.basename(dir)}-ledger-signing-key.pem`);
}

export interface SignatureCheck {
  ok: boolean;
  detail: string;
}

/**
 * Check a manifest's signatures with the public key it carries, and (when given) that the key is
 * the one trusted (`trustedPublicKey`, e.g. from an earlier export the insurer already holds).
 */
export function checkManifestSignature(manifest: ExportManifest, trustedPublicKey?: string): SignatureCheck {
  const s = manifest.signature;
  if (!s) return { ok: false, detail: 'the manifest is not signed (exports made before signing was added carry no signature)' };
  if (s.alg !== SIGNATURE_ALG) return { ok: false, detail: `unknown signature algorithm ${s.alg}` };
  if (trustedPublicKey && s.publicKey !== trustedPublicKey)
    return { ok: false, detail: `signed with key ${s.keyId}, not the trusted key ${keyIdOf(trustedPublicKey)}` };
  if (keyIdOf(s.publicKey) !== s.keyId) return { ok: false, detail: 'the key id does not match the public key' };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(s.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, detail: 'the public key is not readable' };
  }
  if (s.head.seq !== manifest.headSeq || s.head.hash !== manifest.headHash) return { ok: false, detail: "the signed head is not the manifest's head" };
  const headOk = verify(null, Buffer.from(headStatement(manifest.incidentId, s.head.seq, s.head.hash)), key, Buffer.from(s.headSignature, 'base64'));
  if (!headOk) return { ok: false, detail: 'the head signature does not verify: the head was changed after signing' };
  const manifestOk = verify(null, Buffer.from(manifestStatement(manifest)), key, Buffer.from(s.manifestSignature, 'base64'));
  if (!manifestOk) return { ok: false, detail: 'the manifest signature does not verify: the manifest was changed after signing' };
  return { ok: true, detail: `signed (Ed25519, key ${s.keyId}): head #${s.head.seq} ${s.head.hash}` };
}
