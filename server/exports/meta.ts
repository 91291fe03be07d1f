/** What every export file states about itself, so each one stands alone in a claim file. */
import type { ExportManifest, LedgerTotals } from '../../shared/ledger.js';
import type { GuestTotals } from '../ledger/guest-shares.js';
import type { HouseholdTotals } from '../ledger/totals.js';

export interface ExportMeta {
  exportId: string;
  incident: { id: string; name: string; startedAt: string; timezone: string; currency: string };
  createdAt: string;
  createdBy: string;
  range: ExportManifest['range'];
}

export interface ExportFigures {
  totals: LedgerTotals;
  households: HouseholdTotals[];
  /** Each guest's share of their household's money (server/ledger/guest-shares.ts); empty where no file needs it. */
  guests: GuestTotals[];
  unallocatedTransportMinor: number;
}
