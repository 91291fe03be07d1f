/**
 * `npm run verify-export -- MANIFEST.json FILES... [--earlier=EARLIER-MANIFEST.json ...] [--offline]`
 * Checks an insurer export: each file's sha256 against the manifest; the CSV's hash chain, line
 * count, total and head hash (offline); then, unless --offline, the manifest against the live
 * ledger in the database `npm start` uses (DATABASE_URL or DATA_DIR): the chain recomputed from
 * entry #1, the head hash and the totals. Exit 0 when everything holds, 1 otherwise (the first
 * entry that fails is named), 2 on bad usage. Every manifest's Ed25519 signature is checked; with
 * --earlier (manifests of exports already held), their signed heads must still be in this export's
 * chain, and this one must be signed with the same key: a rewritten ledger is caught offline.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exportManifestSchema, type ExportManifest, type ExportVerification } from '../../shared/ledger.js';
import { checkCsv, checkEarlier, manifestFileFor, sha256OfBytes, type CsvCheck } from './offline.js';

const args = process.argv.slice(2);
const offline = args.includes('--offline');
const [manifestPath, ...files] = args.filter((a) => !a.startsWith('--'));
if (!manifestPath) {
  console.error('usage: npm run verify-export -- MANIFEST.json [ledger.csv ledger.xlsx claim-summary.pdf] [--offline]');
  process.exit(2);
}
function readManifest(file: string): ExportManifest {
  const parsed = exportManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    console.error(`${file} is not a ledger export manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  return parsed.data;
}
const manifest = readManifest(manifestPath);
const earlier = args.filter((a) => a.startsWith('--earlier=')).map((a) => readManifest(a.slice('--earlier='.length)));
let csvCheck: CsvCheck | null = null;
const checks: ExportVerification['checks'] = [];
const fileHashes: { name: string; sha256: string }[] = [];
for (const f of files) {
  const bytes = readFileSync(f);
  const listed = manifestFileFor(manifest, path.basename(f));
  const sha = sha256OfBytes(bytes);
  if (!listed) checks.push({ name: `file ${path.basename(f)}`, ok: false, detail: 'not listed in the manifest' });
  else {
    fileHashes.push({ name: listed.name, sha256: sha });
    checks.push({
      name: `file ${listed.name}`,
      ok: sha === listed.sha256,
      detail: sha === listed.sha256 ? 'sha256 matches the manifest' : `sha256 ${sha} differs from the manifest's ${listed.sha256}: the file was changed`,
    });
  }
  if (listed?.format === 'csv') {
    csvCheck = checkCsv(manifest, bytes.toString('utf8'));
    checks.push(...csvCheck.checks);
  }
}
checks.push(...checkEarlier(manifest, csvCheck, earlier));
if (!offline) {
  const [{ loadConfig }, { openDatabase }, { EventBus }, { LedgerService }, { ExportService }] = await Promise.all([
    import('../config.js'),
    import('../db/client.js'),
    import('../events/log.js'),
    import('../ledger/service.js'),
    import('./service.js'),
  ]);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const bus = new EventBus();
    const live = await new ExportService(database.db, new LedgerService(database.db, bus), null).verify(manifest.incidentId, manifest, [], earlier);
    checks.push(...live.checks.map((c) => ({ ...c, name: `live ${c.name}` })));
  } finally {
    await database.close();
  }
}
for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
const ok = checks.length > 0 && checks.every((c) => c.ok);
console.log(
  ok
    ? `Export ${manifest.exportId} verified: head #${manifest.headSeq} ${manifest.headHash}, total ${manifest.currency} ${manifest.totalMinor} minor units.`
    : `Export ${manifest.exportId} FAILED verification.`,
);
process.exit(ok ? 0 : 1);
