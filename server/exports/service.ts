/**
 * Insurer exports. An export fixes the ledger at its current head (toSeq), aggregates once, then
 * streams CSV, XLSX and PDF to files through sha256 taps, writes a manifest (file hashes, head hash,
 * totals) and records who exported what range in `exports`. Verification recomputes the chain and
 * the totals from the live ledger and compares them with a manifest, naming the first bad entry.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/client.js';
import * as repo from './repo.js';
import { AppError, parseOr400 } from '../http/errors.js';
import type { SessionUser } from '../auth/types.js';
import {
  exportRequestSchema,
  formatMoneyMinor,
  photoSha256,
  type BadEntry,
  type ExportFile,
  type ExportListItem,
  type ExportManifest,
  type ExportVerification,
} from '../../shared/ledger.js';
import { loadIncident, loadTotalsContext, type IncidentRow } from '../ledger/context.js';
import { hashAtSeq, pagesOf, readHead, type LedgerRow } from '../ledger/repo.js';
import { LedgerAggregator } from '../ledger/totals.js';
import { guestShares } from '../ledger/guest-shares.js';
import type { LedgerService } from '../ledger/service.js';
import type { Names } from './lines.js';
import type { ExportFigures, ExportMeta } from './meta.js';
import { hashingFile, type HashedSink } from './sink.js';
import { CsvWriter } from './csv.js';
import { lineValues } from './lines.js';
import { receiptIdsBySha } from '../ledger/receipt-repo.js';
import { canonicalJson as chainCanonical, checkLink, GENESIS_HASH } from '../ledger/chain.js';
import { checkManifestSignature, type LedgerSigner } from './signing.js';
import { countOf } from '../../shared/plural.js';

export const EXPORT_FILES = { csv: 'ledger.csv', xlsx: 'ledger.xlsx', pdf: 'claim-summary.pdf' } as const;
export const MANIFEST_FILE = 'manifest.json';
export const CONTENT_TYPES: Record<string, string> = {
  'ledger.csv': 'text/csv; charset=utf-8',
  'ledger.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'claim-summary.pdf': 'application/pdf',
  'manifest.json': 'application/json',
};

export interface ExportRange {
  toSeq: number;
  from: Date | null;
  to: Date | null;
}

/**
 * The directory exports are written to, readable by this server's user alone. The default is under
 * the shared temporary directory, where any user of the machine could read exports made there
 * (0755 directories, 0644 files) or, by making the directory first, own it and swap files before
 * an insurer downloads them. A directory that is ours is made private (0700, its earlier exports
 * with it); one that is not ours, or is not a plain directory (a symlink), is not used: a fresh
 * private directory beside it is made instead.
 */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  if (st.isDirectory() && (uid === null || st.uid === uid)) {
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return dir;
  }
  return mkdtempSync(`${dir}-`);
}

/** How many of an incident's exports keep their files on this server (the newest). */
export const EXPORT_FILES_KEPT = 20;

export class ExportService {
  readonly dir: string;
  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    /** Signs manifests and heads (server/exports/signing.ts); null where nothing is exported (the verify CLI). */
    private readonly signer: LedgerSigner | null,
    dir = process.env.EXPORT_DIR ?? path.join(os.tmpdir(), 'rc-exports'),
  ) {
    this.dir = privateDir(dir);
  }

  /**
   * Lines of the range, a page at a time, in seq order, while the whole chain #1..toSeq is checked
   * on the way (link, hash, then the head and the receipt photos at the end): an export is never
   * made from a ledger that fails verification. Throws a 409 naming the first bad entry.
   */
  private async *lines(incidentId: string, range: ExportRange, headHash: string): AsyncGenerator<LedgerRow[]> {
    let prev = { seq: 0, hash: GENESIS_HASH };
    const photos = new Map<string, { seq: number; id: string }>();
    for await (const page of pagesOf(this.db, incidentId, range.toSeq)) {
      for (const r of page) {
        const reason = checkLink(prev, r, chainCanonical(r));
        if (reason) throw tampered({ seq: r.seq, id: r.id, reason });
        const sha = photoSha256(r.receiptRef);
        if (sha && !photos.has(sha)) photos.set(sha, { seq: r.seq, id: r.id });
        prev = { seq: r.seq, hash: r.hash };
      }
      yield range.from || range.to ? page.filter((r) => (!range.from || r.occurredAt >= range.from) && (!range.to || r.occurredAt < range.to)) : page;
    }
    if (prev.seq !== range.toSeq)
      throw tampered({ seq: prev.seq + 1, id: '', reason: `entries after #${prev.seq} are missing (expected up to #${range.toSeq})` });
    if (prev.hash !== headHash) throw tampered({ seq: range.toSeq, id: '', reason: 'the last entry does not match the recorded chain head' });
    const photoBad = await this.ledger.checkReceipts(incidentId, photos);
    if (photoBad) throw tampered(photoBad);
  }

  /** Names and head counts for the range's figures, and an empty aggregator to feed. */
  private async prepare(incident: IncidentRow): Promise<{ agg: LedgerAggregator; names: Names }> {
    const [ctx, userNames, receiptIds] = await Promise.all([
      loadTotalsContext(this.db, incident),
      repo.userNames(this.db),
      receiptIdsBySha(this.db, incident.id),
    ]);
    return {
      agg: new LedgerAggregator(ctx),
      names: { households: ctx.households, hotelNames: ctx.hotelNames, userNames, receiptIds },
    };
  }

  /** The figures every file takes; `perGuest` also shares each household's money out among its members. */
  private async finish(agg: LedgerAggregator, incidentId: string, toSeq: number, perGuest = false): Promise<ExportFigures> {
    const households = [...agg.households.values()].sort((a, b) => a.partyId.localeCompare(b.partyId));
    return {
      totals: agg.result(toSeq, await this.headAt(incidentId, toSeq)),
      households,
      guests: perGuest ? guestShares(households, await repo.membersByHousehold(this.db, incidentId), agg.guestDirect, agg.rideShares) : [],
      unallocatedTransportMinor: agg.unallocatedTransportMinor,
    };
  }

  private async headAt(incidentId: string, seq: number): Promise<string> {
    return (await hashAtSeq(this.db, incidentId, seq)) ?? '';
  }

  /** Write each file through a hash tap; the export's directory holds them until downloaded. */
  async create(incidentId: string, user: SessionUser, raw: unknown, formats: (keyof typeof EXPORT_FILES)[] = ['csv', 'xlsx', 'pdf']): Promise<ExportManifest> {
    const req = parseOr400(exportRequestSchema, raw ?? {}, 'body');
    const incident = await loadIncident(this.db, incidentId);
    const head = await readHead(this.db, incidentId);
    const range: ExportRange = { toSeq: head.seq, from: req.from ? new Date(req.from) : null, to: req.to ? new Date(req.to) : null };
    const exportId = randomUUID();
    const createdAt = new Date();
    const meta: ExportMeta = {
      exportId,
      incident: { id: incident.id, name: incident.name, startedAt: incident.startedAt.toISOString(), timezone: incident.timezone, currency: incident.currency },
      createdAt: createdAt.toISOString(),
      createdBy: `${user.name} <${user.email}>`,
      range: { fromSeq: head.seq ? 1 : 0, toSeq: head.seq, occurredFrom: range.from?.toISOString() ?? null, occurredTo: range.to?.toISOString() ?? null },
    };
    if (!this.signer) throw new Error('exports need a signing key');
    const { agg, names } = await this.prepare(incident);
    const dir = this.exportDir(exportId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files: ExportFile[] = [];
    const record = async (format: ExportFile['format'], sink: HashedSink) => {
      const { sha256, bytes } = await sink.finished();
      files.push({ name: EXPORT_FILES[format], format, bytes, sha256 });
    };
    const csvSink = formats.includes('csv') ? hashingFile(path.join(dir, EXPORT_FILES.csv)) : null;
    const xlsxSink = formats.includes('xlsx') ? hashingFile(path.join(dir, EXPORT_FILES.xlsx)) : null;
    const csv = csvSink && new CsvWriter(csvSink.stream);
    // exceljs (~15 MB resident) and pdfkit are loaded on the first export that asks for them (decision 0017).
    const xlsx = xlsxSink && new (await import('./xlsx.js')).XlsxWriter(xlsxSink.stream, meta);
    let figures: ExportFigures;
    try {
      // One read of the lines: each is summed, written to the CSV and to the spreadsheet's Lines sheet.
      for await (const page of this.lines(incidentId, range, head.hash)) {
        for (const r of page) {
          agg.add(r);
          if (!csv && !xlsx) continue;
          const values = lineValues(r, names);
          csv?.add(values);
          xlsx?.add(values);
        }
        await Promise.all([xlsx?.flush(), csv?.flush()]);
      }
      if (csv) {
        await csv.end();
        await record('csv', csvSink!);
      }
      figures = await this.finish(agg, incidentId, range.toSeq, Boolean(xlsx));
      // Then what needs the figures: the spreadsheet's summary sheets, and the PDF.
      if (xlsx) {
        await xlsx.finish(meta, figures);
        await record('xlsx', xlsxSink!);
      }
    } catch (err) {
      // Nothing is recorded; close the half-written files and remove them.
      for (const sink of [csvSink, xlsxSink]) sink?.stream.destroy();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    if (formats.includes('pdf')) {
      const sink = hashingFile(path.join(dir, EXPORT_FILES.pdf));
      const { writePdf } = await import('./pdf.js');
      await writePdf(sink.stream, meta, figures);
      await record('pdf', sink);
    }
    const t = figures.totals;
    const manifest: ExportManifest = {
      format: 'ledger-export-manifest/1',
      exportId,
      incidentId,
      incidentName: incident.name,
      createdAt: meta.createdAt,
      createdBy: meta.createdBy,
      currency: incident.currency,
      range: meta.range,
      headSeq: t.headSeq,
      headHash: t.headHash,
      lines: t.lines,
      totalMinor: t.totalMinor,
      byCategory: Object.fromEntries(t.byCategory.map((r) => [r.key, r.amountMinor])),
      files,
    };
    manifest.signature = this.signer.sign(manifest);
    writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await repo.recordExport(this.db, { id: exportId, incidentId, userId: user.id, createdAt, format: formats.join('+'), range: manifest.range, manifest });
    await this.keepNewestFiles(incidentId);
    return manifest;
  }

  /**
   * Each export writes the whole ledger three times over (CSV, spreadsheet, PDF) and nothing ever
   * removed them: an insurer making exports at the limit's pace filled the disk. The files of an
   * incident's newest EXPORT_FILES_KEPT exports stay; older ones are deleted (their manifests stay
   * on record for verification, and downloading them says to make a new export).
   */
  private async keepNewestFiles(incidentId: string): Promise<void> {
    for (const id of await repo.exportsBeyond(this.db, incidentId, EXPORT_FILES_KEPT)) rmSync(this.exportDir(id), { recursive: true, force: true });
  }

  exportDir(exportId: string): string {
    return path.join(this.dir, exportId);
  }

  async list(incidentId: string): Promise<ExportListItem[]> {
    const rows = await repo.recentExports(this.db, incidentId);
    return rows.map(({ e, name }) => {
      const m = e.manifest as ExportManifest | null;
      return {
        id: e.id,
        createdAt: e.createdAt.toISOString(),
        createdBy: name,
        range: m?.range ?? null,
        totalMinor: m?.totalMinor ?? null,
        headHash: m?.headHash ?? null,
        files: m?.files ?? [],
      };
    });
  }

  async manifest(incidentId: string, exportId: string): Promise<ExportManifest> {
    const row = await repo.exportOnRecord(this.db, incidentId, exportId);
    if (!row?.manifest) throw new AppError('not_found', 'No such export.');
    return row.manifest as ExportManifest;
  }

  /** The path of a file of an export, or a 404/410 naming why it cannot be served. */
  async filePath(incidentId: string, exportId: string, name: string): Promise<string> {
    const m = await this.manifest(incidentId, exportId);
    if (name !== MANIFEST_FILE && !m.files.some((f) => f.name === name)) throw new AppError('not_found', 'No such file in this export.');
    const p = path.join(this.exportDir(exportId), name);
    if (!existsSync(p))
      throw new AppError(
        'not_found',
        'The files of this export are no longer kept on this server; create a new export (its manifest is still on record for verification).',
      );
    return p;
  }

  /**
   * Check a manifest against the live ledger: it matches the export on record, the chain holds
   * from entry #1 to the manifest's head, the head hash and the totals are the same, and (when
   * given) the files' sha256 are those listed.
   */
  async verify(
    incidentId: string,
    manifest: ExportManifest,
    fileHashes: { name: string; sha256: string }[] = [],
    earlier: ExportManifest[] = [],
  ): Promise<ExportVerification> {
    const checks: ExportVerification['checks'] = [];
    const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
    if (manifest.incidentId !== incidentId) throw new AppError('bad_request', 'That manifest is for another incident.');
    // Signed by this server's key (which the database does not hold): the manifest and its head are as exported.
    const trusted = this.signer?.publicKey ?? earlier.find((e) => e.signature)?.signature?.publicKey;
    const sig = checkManifestSignature(manifest, trusted);
    add('signature', sig.ok, sig.detail);
    // Each earlier export the insurer holds anchors the chain: its signed head must still be in the ledger.
    for (const e of earlier) {
      if (e.incidentId !== incidentId)
        throw new AppError('bad_request', `Earlier export ${e.exportId} is for another incident.`, {
          fields: [{ path: 'earlier', message: 'expected manifests of this incident' }],
        });
      const es = checkManifestSignature(e, trusted);
      if (!es.ok) {
        add(`earlier export ${e.exportId}`, false, es.detail);
        continue;
      }
      const live = await hashAtSeq(this.db, incidentId, e.headSeq);
      add(
        `earlier export ${e.exportId}`,
        live === e.headHash,
        live === e.headHash
          ? `its signed head #${e.headSeq} ${e.headHash} is still entry #${e.headSeq} of the ledger`
          : `its signed head #${e.headSeq} is ${e.headHash}, the ledger now has ${live ?? 'no entry'} there: entries up to #${e.headSeq} were rewritten after that export`,
      );
    }
    const row = await repo.exportOnRecord(this.db, incidentId, manifest.exportId);
    const recorded = row?.manifest as ExportManifest | undefined;
    if (!recorded) add('export on record', false, `no export ${manifest.exportId} was recorded for this incident`);
    else {
      const same = recorded.headHash === manifest.headHash && recorded.totalMinor === manifest.totalMinor && sameFiles(recorded.files, manifest.files);
      add(
        'export on record',
        same,
        same ? `recorded ${recorded.createdAt} by ${recorded.createdBy}` : 'the manifest differs from the one recorded when the export was made',
      );
    }
    const incident = await loadIncident(this.db, incidentId);
    const range: ExportRange = {
      toSeq: manifest.range.toSeq,
      from: manifest.range.occurredFrom ? new Date(manifest.range.occurredFrom) : null,
      to: manifest.range.occurredTo ? new Date(manifest.range.occurredTo) : null,
    };
    const { agg } = await this.prepare(incident);
    // One read of the lines: the chain is recomputed from #1 and the range's figures summed.
    const { result: chain, linkBad } = await this.ledger.walkChain(incidentId, manifest.range.toSeq, (r) => {
      if ((!range.from || r.occurredAt >= range.from) && (!range.to || r.occurredAt < range.to)) agg.add(r);
    });
    add(
      'hash chain',
      !linkBad,
      linkBad
        ? `entry #${linkBad.seq} (${linkBad.id}): ${linkBad.reason}`
        : `${countOf(chain.checked, 'entry', 'entries')} recomputed, #1 to #${manifest.range.toSeq}`,
    );
    const photoBad = chain.receipts.firstBad;
    add(
      'receipt photos',
      !photoBad,
      photoBad
        ? `entry #${photoBad.seq} (${photoBad.id}): ${photoBad.reason}`
        : `${countOf(chain.receipts.checked, 'receipt photo')} re-hashed${linkBad ? ` (those cited before entry #${linkBad.seq})` : ''}`,
    );
    const t = (await this.finish(agg, incidentId, range.toSeq)).totals;
    add(
      'head hash',
      t.headHash === manifest.headHash,
      t.headHash === manifest.headHash
        ? `#${manifest.headSeq} ${manifest.headHash}`
        : `live ledger has ${t.headHash} at #${manifest.range.toSeq}, manifest says ${manifest.headHash}`,
    );
    const catsOk = Object.entries(manifest.byCategory).every(([k, v]) => t.byCategory.find((r) => r.key === k)?.amountMinor === v);
    const totalsOk = t.totalMinor === manifest.totalMinor && t.lines === manifest.lines && catsOk;
    add(
      'totals',
      totalsOk,
      totalsOk
        ? `${countOf(t.lines, 'line')}, total ${formatMoneyMinor(t.totalMinor, t.currency)}`
        : `live: ${countOf(t.lines, 'line')}, ${t.totalMinor}; manifest: ${countOf(manifest.lines, 'line')}, ${manifest.totalMinor}${catsOk ? '' : ' (categories differ)'}`,
    );
    for (const f of fileHashes) {
      const listed = manifest.files.find((x) => x.name === f.name);
      add(
        `file ${f.name}`,
        listed?.sha256 === f.sha256,
        listed
          ? listed.sha256 === f.sha256
            ? 'sha256 matches the manifest'
            : 'sha256 differs from the manifest: the file was changed'
          : 'not listed in the manifest',
      );
    }
    const live = await readHead(this.db, incidentId);
    if (live.seq > manifest.range.toSeq)
      add('later entries', true, `the ledger has ${countOf(live.seq - manifest.range.toSeq, 'entry', 'entries')} recorded after this export`);
    return { ok: checks.every((c) => c.ok), exportId: manifest.exportId, checks, firstBad: chain.firstBad };
  }
}

/** The answer when the ledger fails its own check: no export is made from it. */
function tampered(bad: BadEntry): AppError {
  return new AppError(
    'conflict',
    `The ledger fails verification at entry #${bad.seq}${bad.id ? ` (${bad.id})` : ''}: ${bad.reason}. No export was made: the ledger must be investigated first (see Verify).`,
    { reason: 'ledger_verification_failed', firstBad: bad },
  );
}

/** File lists equal by content (jsonb does not keep key order). */
function sameFiles(a: ExportFile[], b: ExportFile[]): boolean {
  const key = (l: ExportFile[]) =>
    l
      .map((f) => `${f.name} ${f.format} ${f.bytes} ${f.sha256}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}
