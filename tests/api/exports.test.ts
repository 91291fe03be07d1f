/**
 * Insurer exports on the storm scenario after a simulated night (plan applied, check-ins, perks,
 * a trip completed, lodging accrued): CSV, XLSX and PDF agree to the penny with the manifest and the
 * live summary; the manifest's hashes are of the files served; insurers see only their incident,
 * cannot write, and never see guests' phone numbers; a perk's justification is there as text and
 * hash; money cells are numbers; tampering is detected and named; a household's claim pack (one PDF)
 * agrees with the spreadsheet and carries its receipts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import QRCode from 'qrcode';
import { sql } from 'drizzle-orm';
import { formatMinor, nightLabel, type ExportManifest, type LedgerTotals } from '../../shared/ledger.js';
import { smallScenario } from '../../seed/small.js';
import { parseCsv, setStayTimes, stormAfterPlan, type Night } from './ledger-fixtures.js';
import { binaryBody, type Agent } from '../helpers/api.js';
import type { ArrivalHousehold } from '../../shared/api.js';

const OUT = path.resolve('test-output/exports');
const SECRET_NOTE = 'guest whispered: SECRET-NOTE-7781';
let n: Night;
let manifest: ExportManifest;
let files: Record<string, Buffer>;
let summary: LedgerTotals;
let photo: Buffer;
let packHouseholds: string[];
let split: ArrivalHousehold;

const download = async (who: Agent, m: ExportManifest, name: string): Promise<Buffer> => {
  const res = await who.get(`${n.base}/exports/${m.exportId}/files/${name}`).buffer(true).parse(binaryBody).expect(200);
  return res.body as Buffer;
};

beforeAll(async () => {
  n = await stormAfterPlan();
  // The night: six households checked in at two hotels, perks (one above the limit, approved), a trip done, accrual run.
  const state = await n.state();
  const here = [n.household(), n.household(), n.household(), n.household()];
  for (const h of here) await n.checkIn(h.partyId);
  const otherHotel = state.hotels.find((h) => h.id !== n.hotelId && state.parties.some((p) => p.hotelId === h.id))!;
  const there = state.parties.filter((p) => p.hotelId === otherHotel.id).slice(0, 2);
  for (const p of there) await n.checkIn(p.id, otherHotel.id);
  await setStayTimes(n, here[0]!.partyId, '2026-10-31T23:10:00Z', '2026-11-02T09:30:00Z');
  await setStayTimes(n, here[1]!.partyId, '2026-11-01T01:40:00Z', null);
  await setStayTimes(n, there[0]!.id, '2026-11-01T00:20:00Z', null);
  const perk = (who: Agent, body: object) => who.post(`${n.base}/ledger/perks`).send(body).expect(201);
  await perk(n.reception, { partyId: here[0]!.partyId, category: 'bar', amountMinor: 4250, receiptRef: 'BAR-001', note: SECRET_NOTE });
  await perk(n.reception, { partyId: here[1]!.partyId, category: 'meals', amountMinor: 3199 });
  const big = (await perk(n.reception, { partyId: here[1]!.partyId, category: 'gifts', amountMinor: 8000, receiptRef: 'FLOWERS-9' })).body;
  await n.duty.post(`${n.base}/ledger/entries/${big.entryId}/approve`).expect(200);
  await perk(n.reception, { partyId: here[2]!.partyId, category: 'laundry', amountMinor: 15000 }); // stays pending
  // A receipt photo (a real PNG) cited by a perk: the household's claim pack carries the picture.
  photo = await QRCode.toBuffer('RECEIPT till 7 total 22.00', { type: 'png', width: 200 });
  const receipt = (await n.reception.post(`${n.base}/ledger/receipts`).set('Content-Type', 'image/png').send(photo).expect(201)).body as { id: string };
  await perk(n.reception, {
    partyId: here[3]!.partyId,
    category: 'meals',
    amountMinor: 2200,
    receiptPhotoId: receipt.id,
    note: 'dinner for two, receipt attached',
  });
  packHouseholds = [here[0]!.partyId, here[3]!.partyId];
  // Part of a family checked in (one member still on the way), and a drink for one member alone.
  split = n.household((h) => h.guests.length >= 3);
  const arrived = split.guests.slice(0, -1).map((g) => g.id);
  await n.reception.post(`${n.base}/hotels/${n.hotelId}/arrivals/checkins`).send({ partyId: split.partyId, guestIds: arrived }).expect(200);
  await setStayTimes(n, split.partyId, '2026-10-31T23:40:00Z', null);
  await perk(n.reception, { partyId: split.partyId, guestId: split.guests[1]!.id, category: 'bar', amountMinor: 1501 });
  await perk(n.duty, { partyId: there[1]!.id, hotelId: otherHotel.id, category: 'other', amountMinor: 1234, note: 'taxi home for meds' });
  const wrong = (await perk(n.duty, { partyId: there[0]!.id, hotelId: otherHotel.id, category: 'meals', amountMinor: 999 })).body;
  await n.duty.post(`${n.base}/ledger/entries/${wrong.entryId}/reverse`).send({ reason: 'duplicate' }).expect(201);
  for (const t of state.trips.slice(0, 3)) await n.duty.post(`${n.base}/ledger/trips/${t.id}/complete`).expect(200);
  await n.duty.post(`${n.base}/ledger/accruals/lodging`).send({ asOf: '2026-11-02T13:00:00Z' }).expect(200);

  manifest = (await n.insurer.post(`${n.base}/exports`).send({}).expect(201)).body;
  summary = (await n.insurer.get(`${n.base}/ledger/summary`).expect(200)).body;
  files = {};
  for (const f of manifest.files) files[f.name] = await download(n.insurer, manifest, f.name);
  mkdirSync(OUT, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(OUT, name), bytes);
  writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2));
});
afterAll(async () => n?.server.close());

/** Headers naming money; `counts_in_total` is the yes/no flag of whether a line counts, not money. */
const MONEY_HEADER = /^(?!counts_in_total$).*(amount|cost|price|total)/i;
/** A number cell's value; a formula's cached result (exceljs reads a cached 0 back as no result). */
const numberOf = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'formula' in v) {
    const result = (v as { result?: unknown }).result;
    return typeof result === 'number' ? result : result === undefined ? 0 : null;
  }
  return null;
};

/**
 * What a claims handler's spreadsheet needs: every money column holds number cells in a currency
 * format (never text, so SUM works), and the Lines' and the households' money each sum to the total.
 */
async function expectMoneyAsNumbers(wb: ExcelJS.Workbook, totalMinor: number) {
  for (const ws of wb.worksheets) {
    if (ws.name === 'Summary') continue;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const money = header.flatMap((h, i) => (MONEY_HEADER.test(h) ? [i + 1] : []));
    expect(money.length).toBeGreaterThan(0);
    ws.eachRow((row, r) => {
      if (r === 1) return;
      for (const c of money) {
        const cell = row.getCell(c);
        if (cell.value === null && ws.name === 'Lines') continue;
        if (numberOf(cell.value) === null) throw new Error(`${ws.name}!${cell.address} (${header[c - 1]}) is not a number: ${JSON.stringify(cell.value)}`);
        if (!/minor/.test(header[c - 1]!)) expect(cell.numFmt).toMatch(/^"£"#,##0\.00;/);
      }
    });
  }
  const sumCol = (sheet: string, name: string, keep: (row: ExcelJS.Row) => boolean) => {
    const ws = wb.getWorksheet(sheet)!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const c = header.indexOf(name) + 1;
    let sum = 0;
    ws.eachRow((row, r) => {
      if (r > 1 && keep(row)) sum += numberOf(row.getCell(c).value) ?? 0;
    });
    return Math.round(sum * 100);
  };
  const lines = wb.getWorksheet('Lines')!;
  const counts = ((lines.getRow(1).values as unknown[]).slice(1) as string[]).indexOf('counts_in_total') + 1;
  expect(sumCol('Lines', 'amount', (row) => row.getCell(counts).value === 'yes')).toBe(totalMinor);
  const hh = wb.getWorksheet('By household')!;
  const isData = (row: ExcelJS.Row) => row.number < hh.rowCount;
  expect(sumCol('By household', 'Total', isData)).toBe(totalMinor);
  const catCols = ((hh.getRow(1).values as unknown[]).slice(1) as string[]).filter((h) => / amount$/.test(h));
  expect(catCols).toHaveLength(7);
  expect(catCols.reduce((s, c) => s + sumCol('By household', c, isData), 0)).toBe(totalMinor);
  expect(numberOf(hh.getRow(hh.rowCount).getCell(((hh.getRow(1).values as unknown[]).slice(1) as string[]).indexOf('Total') + 1).value)! * 100).toBeCloseTo(
    totalMinor,
    6,
  );
}

test('the manifest lists every file with the sha256 of the bytes served, and the ledger head', () => {
  expect(manifest.files.map((f) => f.name).sort()).toEqual(['claim-summary.pdf', 'ledger.csv', 'ledger.xlsx']);
  for (const f of manifest.files) {
    expect(createHash('sha256').update(files[f.name]!).digest('hex')).toBe(f.sha256);
    expect(files[f.name]!.length).toBe(f.bytes);
  }
  expect(manifest).toMatchObject({ headSeq: summary.headSeq, headHash: summary.headHash, totalMinor: summary.totalMinor, lines: summary.lines });
  expect(manifest.range).toMatchObject({ fromSeq: 1, toSeq: summary.headSeq });
  expect(summary.pendingMinor).toBe(15000);
  expect(summary.byCategory.find((c) => c.key === 'lodging')!.amountMinor).toBeGreaterThan(0);
  expect(summary.byCategory.find((c) => c.key === 'transport')!.amountMinor).toBeGreaterThan(0);
});

test('CSV, XLSX and PDF totals reconcile to the penny', async () => {
  // CSV: every line; the posted ones sum to the total, per category too.
  const rows = parseCsv(files['ledger.csv']!.toString('utf8'));
  const header = rows.shift()!;
  const col = (c: string) => header.indexOf(c);
  expect(rows).toHaveLength(manifest.lines);
  const posted = rows.filter((r) => r[col('counts_in_total')] === 'yes');
  const csvTotal = posted.reduce((s, r) => s + Number(r[col('amount_minor')]), 0);
  expect(csvTotal).toBe(manifest.totalMinor);
  for (const c of summary.byCategory)
    expect(posted.filter((r) => r[col('category')] === c.key).reduce((s, r) => s + Number(r[col('amount_minor')]), 0)).toBe(c.amountMinor);
  for (const r of rows) expect(r[col('amount')]).toBe(formatMinor(Number(r[col('amount_minor')])));

  // XLSX: the sheets, each with a total equal to the manifest's.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(files['ledger.xlsx']! as unknown as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By category', 'By hotel', 'By household', 'By guest', 'By night', 'Lines']);
  const cells = (name: string) => {
    const out: unknown[][] = [];
    wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
    return out;
  };
  const summarySheet = new Map(cells('Summary').map((r) => [r[0], r[1]]));
  expect(summarySheet.get('Total (minor units)')).toBe(manifest.totalMinor);
  expect(summarySheet.get('Total')).toMatchObject({ formula: expect.stringContaining('SUMIFS(Lines!'), result: manifest.totalMinor / 100 });
  expect(summarySheet.get('Ledger head hash')).toBe(manifest.headHash);
  const lastOf = (name: string, idx: number) => cells(name).at(-1)![idx];
  expect(lastOf('By category', 2)).toBe(manifest.totalMinor);
  expect(lastOf('By hotel', 3)).toBe(manifest.totalMinor);
  expect(lastOf('By night', 2)).toBe(manifest.totalMinor);
  const hh = cells('By household');
  const totalCol = (hh[0] as string[]).indexOf('Total (minor)');
  expect(hh.at(-1)![totalCol]).toBe(manifest.totalMinor);
  expect(hh.slice(1, -1).reduce((s: number, r) => s + Number(r[totalCol]), 0)).toBe(manifest.totalMinor);
  await expectMoneyAsNumbers(wb, manifest.totalMinor);
  const byCat = cells('By category').slice(1, -1);
  for (const c of summary.byCategory) expect(byCat.find((r) => r[0] === c.key)![2]).toBe(c.amountMinor);
  expect(cells('Lines')).toHaveLength(manifest.lines + 1);
  expect(
    cells('By night')
      .slice(1, -1)
      .map((r) => r[0]),
  ).toEqual(expect.arrayContaining(['2026-10-31', '2026-11-01', '2026-11-02']));

  // PDF: the printed total, each category and the head hash.
  const pdf = path.join(OUT, 'claim-summary.pdf');
  const text = execFileSync('/usr/bin/pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  expect(text).toContain(`Total spend: GBP ${formatMinor(manifest.totalMinor)}`);
  for (const c of summary.byCategory.filter((x) => x.amountMinor !== 0))
    expect(text).toMatch(new RegExp(`${c.key}\\s+GBP ${formatMinor(c.amountMinor).replace('.', '\\.')}`));
  expect(text).toMatch(new RegExp(`Total by category\\s+GBP ${formatMinor(manifest.totalMinor).replace('.', '\\.')}`));
  expect(text).toMatch(new RegExp(`Total by hotel\\s+GBP ${formatMinor(manifest.totalMinor).replace('.', '\\.')}`));
  expect(text).toContain(manifest.headHash);
  // Times as people read them, in the incident's zone: no raw instants in the summary's facts.
  expect(text).toMatch(/Incident started: \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
  expect(text).not.toMatch(/Incident started: \d{4}-\d\d-\d\dT/);
  expect(text).toContain(`${summary.householdNights} household-nights, ${summary.guestNights} guest-nights`);
  expect(summary.guests).toBeGreaterThan(0);
  execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', pdf, path.join(OUT, 'claim-summary')]);
});

test("per guest: every household's money shared among its members to the penny, lodging among those who slept there, a perk for one member theirs", async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(files['ledger.xlsx']! as unknown as ArrayBuffer);
  const rowsOf = (name: string) => {
    const out: Record<string, unknown>[] = [];
    const ws = wb.getWorksheet(name)!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    ws.eachRow((row, i) => {
      if (i === 1 || i === ws.rowCount) return; // header and total row
      const values = (row.values as unknown[]).slice(1);
      out.push(Object.fromEntries(header.map((h, k) => [h, typeof values[k] === 'object' && values[k] ? numberOf(values[k]) : values[k]])));
    });
    return out;
  };
  const guests = rowsOf('By guest');
  const households = rowsOf('By household');
  const minor = (v: unknown) => Math.round(Number(v ?? 0) * 100);
  expect(guests.reduce((s, g) => s + Number(g['Total (minor)']), 0)).toBe(manifest.totalMinor);
  const categories = Object.keys(households[0]!).filter((h) => / amount$/.test(h));
  expect(categories).toHaveLength(7);
  // Every household's members add up to its row, category by category.
  for (const h of households.filter((x) => x['Household id'])) {
    const members = guests.filter((g) => g['Household id'] === h['Household id']);
    expect(members.length).toBeGreaterThan(0);
    for (const c of categories) expect(members.reduce((s, g) => s + minor(g[c]), 0)).toBe(minor(h[c]));
    for (const g of members) expect(minor(g.Total)).toBe(Number(g['Total (minor)']));
  }
  // The split family: the member still on the way has no share of the lodging; the drink is the one member's.
  const family = guests.filter((g) => g['Household id'] === split.partyId);
  expect(family.map((g) => g['Guest id'])).toEqual(split.guests.map((g) => g.id));
  const late = family.at(-1)!;
  expect(late['Checked in']).toBe('no');
  expect(minor(late['Lodging amount'])).toBe(0);
  const lodged = family.slice(0, -1);
  expect(lodged.every((g) => g['Checked in'] === 'yes' && minor(g['Lodging amount']) > 0)).toBe(true);
  expect(Math.max(...lodged.map((g) => minor(g['Lodging amount']))) - Math.min(...lodged.map((g) => minor(g['Lodging amount'])))).toBeLessThanOrEqual(1);
  expect(family.map((g) => minor(g['Bar amount']))).toEqual(family.map((g) => (g['Guest id'] === split.guests[1]!.id ? 1501 : 0)));
  expect(family.find((g) => g['Guest id'] === split.guests[1]!.id)!.Guest).toBe(split.guests[1]!.name);
});

test("insurers never see guests' phone numbers; a perk's justification is there as text beside the hash the chain covers", async () => {
  const state = await n.state();
  const phones = state.parties.map((p) => (p as unknown as { phone?: string }).phone).filter((x): x is string => Boolean(x));
  const withPhone = await n.exec(sql`select phone from parties where incident_id = ${n.incidentId} and phone <> '' limit 5`);
  phones.push(...withPhone.map((r) => String(r.phone)));
  expect(phones.length).toBeGreaterThan(0);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(files['ledger.xlsx']! as unknown as ArrayBuffer);
  const xlsxText = wb.worksheets.map((w) => w.getSheetValues().flat().join('\t')).join('\n');
  const pdfText = execFileSync('/usr/bin/pdftotext', [path.join(OUT, 'claim-summary.pdf'), '-'], { encoding: 'utf8' });
  const lines = (await n.insurer.get(`${n.base}/ledger?limit=5000`).expect(200)).body.lines;
  const apiText = JSON.stringify(lines);
  for (const text of [files['ledger.csv']!.toString('utf8'), xlsxText, pdfText, apiText, JSON.stringify(manifest)]) {
    for (const p of phones) expect(text).not.toContain(p);
  }
  // The justification: readable in the CSV, the spreadsheet and the insurer's API, next to its sha256.
  const rows = parseCsv(files['ledger.csv']!.toString('utf8'));
  const header = rows.shift()!;
  const withNote = rows.filter((r) => r[header.indexOf('note')] === SECRET_NOTE);
  expect(withNote).toHaveLength(1);
  expect(withNote[0]![header.indexOf('note_sha256')]).toBe(createHash('sha256').update(SECRET_NOTE).digest('hex'));
  expect(xlsxText).toContain(SECRET_NOTE);
  expect(xlsxText).toContain('taxi home for meds');
  expect(lines.some((l: { note?: string }) => l.note === SECRET_NOTE)).toBe(true);
});

test('an insurer reads only its own incident and cannot write anything', async () => {
  const other = (await n.duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
  for (const p of ['ledger', 'ledger/summary', 'ledger/verify', 'exports']) await n.insurer.get(`/api/incidents/${other}/${p}`).expect(404);
  await n.insurer.post(`/api/incidents/${other}/exports`).send({}).expect(404);
  const entry = (await n.insurer.get(`${n.base}/ledger?limit=1`).expect(200)).body.lines[0];
  await n.insurer
    .post(`${n.base}/ledger/perks`)
    .send({ partyId: entry.partyId ?? 'P001', category: 'bar', amountMinor: 100 })
    .expect(403);
  await n.insurer.post(`${n.base}/ledger/entries/${entry.id}/reverse`).send({ reason: 'x' }).expect(403);
  await n.insurer.post(`${n.base}/ledger/entries/${entry.id}/approve`).expect(403);
  await n.insurer.post(`${n.base}/ledger/accruals/lodging`).send({}).expect(403);
  await n.insurer.get(`${n.base}/ledger/pending`).expect(403);
  await n.reception.get(`${n.base}/exports`).expect(403);
  // The exports on record say who exported what range.
  const list = (await n.duty.get(`${n.base}/exports`).expect(200)).body.exports;
  expect(list[0]).toMatchObject({ id: manifest.exportId, createdBy: 'Ines Insurer', range: manifest.range, totalMinor: manifest.totalMinor });
});

test('the export verifies against the live ledger, online and offline, and a changed file is caught', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-verify-'));
  const paths = Object.entries(files).map(([name, bytes]) => {
    const p = path.join(dir, `${manifest.exportId.slice(0, 8)}-${name}`);
    writeFileSync(p, bytes);
    return p;
  });
  const mPath = path.join(dir, 'manifest.json');
  writeFileSync(mPath, JSON.stringify(manifest));
  const run = () =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/exports/verify-cli.ts', mPath, ...paths, '--offline'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  const good = run();
  expect(good.stdout).toContain('verified');
  expect(good.stdout).toContain('ok   csv hash chain');
  expect(good.status).toBe(0);
  const csv = files['ledger.csv']!.toString('utf8').replace(',4250,', ',4205,');
  writeFileSync(
    paths.find((p) => p.endsWith('ledger.csv'))!,
    csv,
  );
  const bad = run();
  expect(bad.status).toBe(1);
  expect(bad.stdout).toMatch(/FAIL file ledger.csv/);
  expect(bad.stdout).toMatch(/FAIL csv hash chain: entry #\d+ \([0-9a-f-]{36}\): hash does not match/);
});

test('a claim pack per household: one PDF with its nights, trips, perks (justification and hash) and receipt photos, agreeing with the spreadsheet', async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(files['ledger.xlsx']! as unknown as ArrayBuffer);
  const hh = wb.getWorksheet('By household')!;
  const header = (hh.getRow(1).values as unknown[]).slice(1) as string[];
  const rowOf = (partyId: string) => {
    let found: ExcelJS.Row | null = null;
    hh.eachRow((row) => {
      if (row.getCell(1).value === partyId) found = row;
    });
    return found! as ExcelJS.Row;
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'claim-pack-'));
  for (const partyId of packHouseholds) {
    const pdf = await n.insurer.get(`${n.base}/exports/claim-packs/${partyId}`).buffer(true).parse(binaryBody).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const file = path.join(dir, `${partyId}.pdf`);
    writeFileSync(file, pdf.body as Buffer);
    writeFileSync(path.join(OUT, `claim-pack-${partyId}.pdf`), pdf.body as Buffer);
    const text = execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const row = rowOf(partyId);
    const totalMinor = Number(row.getCell(header.indexOf('Total (minor)') + 1).value);
    expect(text).toContain(`Household total: GBP ${formatMinor(totalMinor)}`);
    expect(text).toContain(`Nights of lodging (${Number(row.getCell(header.indexOf('Nights') + 1).value)})`);
    expect(text).toMatch(/Trips \(\d+\)/);
  }
  const first = execFileSync('/usr/bin/pdftotext', [path.join(dir, `${packHouseholds[0]}.pdf`), '-'], { encoding: 'utf8' });
  expect(first).toContain(`Justification: ${SECRET_NOTE}`);
  expect(first).toContain(createHash('sha256').update(SECRET_NOTE).digest('hex'));
  // The receipt photo is in the pack as a picture (pdfimages lists it), with its sha256.
  const withPhoto = path.join(dir, `${packHouseholds[1]}.pdf`);
  expect(execFileSync('/usr/bin/pdftotext', [withPhoto, '-'], { encoding: 'utf8' })).toContain(createHash('sha256').update(photo).digest('hex'));
  const images = execFileSync('/usr/bin/pdfimages', ['-list', withPhoto], { encoding: 'utf8' }).trim().split('\n').slice(2);
  expect(images.length).toBeGreaterThanOrEqual(1);
  execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '50', withPhoto, path.join(OUT, 'claim-pack')]);
  // Reception may not read claim packs; an unknown household is not found.
  await n.reception.get(`${n.base}/exports/claim-packs/${packHouseholds[0]}`).expect(403);
  await n.insurer.get(`${n.base}/exports/claim-packs/NOPE`).expect(404);
});

test('altering one row in the database is detected and the entry named', async () => {
  const online = (await n.insurer.get(`${n.base}/exports/${manifest.exportId}/verify`).expect(200)).body;
  expect(online.ok).toBe(true);
  expect(online.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['export on record', 'hash chain', 'head hash', 'totals']));
  const viaBody = (
    await n.insurer
      .post(`${n.base}/exports/verify`)
      .send({ manifest, files: manifest.files.map((f) => ({ name: f.name, sha256: f.sha256 })) })
      .expect(200)
  ).body;
  expect(viaBody.ok).toBe(true);

  const [victim] = (await n.exec(sql`select id, seq from ledger_entries where incident_id = ${n.incidentId} and category = 'bar' order by seq limit 1`)) as {
    id: string;
    seq: number;
  }[];
  await n.exec(sql`update ledger_entries set amount_minor = amount_minor - 1000 where id = ${victim!.id}`);
  const chain = (await n.insurer.get(`${n.base}/ledger/verify`).expect(200)).body;
  expect(chain.ok).toBe(false);
  expect(chain.firstBad).toMatchObject({ seq: Number(victim!.seq), id: victim!.id });
  expect(chain.firstBad.reason).toMatch(/altered/);
  const after = (await n.insurer.get(`${n.base}/exports/${manifest.exportId}/verify`).expect(200)).body;
  expect(after.ok).toBe(false);
  expect(after.firstBad).toMatchObject({ id: victim!.id });
  expect(after.checks.find((c: { name: string }) => c.name === 'hash chain').detail).toContain(victim!.id);
  expect(after.checks.find((c: { name: string }) => c.name === 'totals').ok).toBe(false);
});

test("a claim pack's times are read in the incident's zone, as on every other paper, and each perk says when it was bought", async () => {
  const [header, ...rows] = parseCsv(files['ledger.csv']!.toString('utf8'));
  const col = (name: string) => header!.indexOf(name);
  const timezone = (await n.insurer.get(`${n.base}/summary`).expect(200)).body.incident.timezone as string;
  const local = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone }).format(new Date(iso));
  for (const partyId of packHouseholds) {
    const pdf = await n.insurer.get(`${n.base}/exports/claim-packs/${partyId}`).buffer(true).parse(binaryBody).expect(200);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'claim-pack-')), `${partyId}.pdf`);
    writeFileSync(file, pdf.body as Buffer);
    const text = execFileSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' });
    // No machine instants ("2026-10-31T23:10:00.000Z") for a claims handler to convert.
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(text).toContain(`(times in ${timezone})`);
    const perks = rows.filter((r) => r[col('party_id')] === partyId && r[col('kind')] === 'charge' && !['lodging', 'transport'].includes(r[col('category')]!));
    expect(perks.length).toBeGreaterThan(0);
    for (const p of perks) expect(text).toContain(`#${p[col('seq')]} ${local(p[col('occurred_at')]!)} · ${p[col('category')]}`);
    // A pack of several pages (a receipt photo on its own) numbers each one.
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' }))![1]);
    for (let i = 1; i <= pages; i++) expect(text).toContain(`Page ${i} of ${pages} · Claim pack: `);
  }
});

test('the claim summary labels each night "31 Oct", never "10-31" (read as a day and month the wrong way round)', () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'claim-summary-')), 'claim-summary.pdf');
  writeFileSync(file, files['claim-summary.pdf']!);
  const text = execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const nights = summary.byNight.filter((r) => r.amountMinor !== 0).map((r) => r.key);
  expect(nights).toEqual(expect.arrayContaining(['2026-10-31', '2026-11-01']));
  for (const key of nights) {
    expect(text).toContain(nightLabel(key));
    expect(text).not.toContain(key.slice(5));
  }
  expect(nights.map(nightLabel)).toEqual(expect.arrayContaining(['31 Oct', '1 Nov']));
});
