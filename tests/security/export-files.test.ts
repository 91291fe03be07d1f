/**
 * Insurer exports on disk (guests' names, every penny) were written under the shared temporary
 * directory as 0755 directories and 0644 files: any user of the machine could read them, and one
 * who made the directory first owned it (and could swap files before an insurer downloaded them).
 * Now the export directory is this server's user's alone (0700, files 0600); one that belongs to
 * someone else, or is a symlink, is not used. And exports were never removed, so an insurer making
 * them at the limit's pace (each the whole ledger three times over) filled the disk: only the
 * files of an incident's newest EXPORT_FILES_KEPT exports stay.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { EXPORT_FILES_KEPT, privateDir } from '../../server/exports/service.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'rc-export-files-'));
const exportDir = path.join(root, 'exports');
const savedEnv = process.env.EXPORT_DIR;
let server: TestServer;

beforeAll(async () => {
  // As an earlier version left it: a world-readable directory.
  mkdirSync(exportDir, { mode: 0o755 });
  chmodSync(exportDir, 0o755);
  process.env.EXPORT_DIR = exportDir;
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  if (savedEnv === undefined) delete process.env.EXPORT_DIR;
  else process.env.EXPORT_DIR = savedEnv;
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (p: string) => statSync(p).mode & 0o777;

test("an export's directory and files can be read by the server's user alone", async () => {
  const insurer = await signIn(server.url, DEMO.insurer);
  const incidentId = (await insurer.get('/api/incidents').expect(200)).body.incidents[0].id as string;
  const manifest = (await insurer.post(`/api/incidents/${incidentId}/exports`).send({}).expect(201)).body as { exportId: string };
  expect(modeOf(exportDir)).toBe(0o700);
  const dir = path.join(exportDir, manifest.exportId);
  expect(modeOf(dir)).toBe(0o700);
  const files = readdirSync(dir);
  expect(files.sort()).toEqual(['claim-summary.pdf', 'ledger.csv', 'ledger.xlsx', 'manifest.json']);
  for (const f of files) expect(modeOf(path.join(dir, f))).toBe(0o600);
});

test('a symlink in place of the directory is not followed', () => {
  const target = mkdtempSync(path.join(root, 'elsewhere-'));
  const link = path.join(root, 'linked');
  symlinkSync(target, link);
  const used = privateDir(link);
  expect(used).not.toBe(link);
  expect(lstatSync(used).isDirectory()).toBe(true);
  expect(modeOf(used)).toBe(0o700);
});

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
(asRoot ? test : test.skip)('a directory another user made first is not used (they could read or swap the files)', () => {
  const theirs = path.join(root, 'theirs');
  mkdirSync(theirs, { mode: 0o777 });
  chownSync(theirs, 65534, 65534);
  const used = privateDir(theirs);
  expect(used).not.toBe(theirs);
  expect(statSync(used).uid).toBe(process.getuid!());
  expect(modeOf(used)).toBe(0o700);
});

test("only the files of an incident's newest exports are kept; older manifests stay on record", async () => {
  const insurer = await signIn(server.url, DEMO.insurer);
  const incidentId = (await insurer.get('/api/incidents').expect(200)).body.incidents[0].id as string;
  const base = `/api/incidents/${incidentId}/exports`;
  let made = (await insurer.get(base).expect(200)).body.exports.length as number;
  for (; made < EXPORT_FILES_KEPT + 2; made++) await insurer.post(base).send({}).expect(201);
  const list = (await insurer.get(base).expect(200)).body.exports as { id: string }[];
  expect(list).toHaveLength(EXPORT_FILES_KEPT + 2);
  const kept = list.slice(0, EXPORT_FILES_KEPT);
  const gone = list.slice(EXPORT_FILES_KEPT);
  for (const e of kept) expect(readdirSync(path.join(exportDir, e.id))).toContain('ledger.csv');
  for (const e of gone) expect(() => statSync(path.join(exportDir, e.id))).toThrow();
  const old = await insurer.get(`${base}/${gone[0]!.id}/files/ledger.csv`).expect(404);
  expect(old.body.error.message).toMatch(/no longer kept/);
  await insurer.get(`${base}/${gone[0]!.id}`).expect(200);
  await insurer.get(`${base}/${kept[0]!.id}/files/ledger.csv`).expect(200);
});
