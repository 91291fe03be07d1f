/** Pure chart geometry for the portal's bar charts (no chart library; tested in tests/unit). */
import type { MoneyRow } from '../../../shared/ledger.js';

export interface Bar {
  key: string;
  label: string;
  amountMinor: number;
  /** 0..1 of the tallest bar; negatives (net reversals) are drawn as 0. */
  share: number;
}

export function bars(rows: MoneyRow[]): Bar[] {
  const max = Math.max(0, ...rows.map((r) => r.amountMinor));
  return rows.map((r) => ({ key: r.key, label: r.label, amountMinor: r.amountMinor, share: max > 0 ? Math.max(0, r.amountMinor) / max : 0 }));
}

/** Bars laid out in an SVG of `width` x `height`, leaving `pad` for labels below. */
export function columnLayout(rows: MoneyRow[], width: number, height: number, pad = 18): { x: number; y: number; w: number; h: number; bar: Bar }[] {
  const list = bars(rows);
  const slot = width / Math.max(1, list.length);
  const w = Math.max(2, Math.min(48, slot * 0.7));
  return list.map((bar, i) => {
    const h = bar.share * (height - pad - 14);
    return { x: i * slot + (slot - w) / 2, y: height - pad - h, w, h, bar };
  });
}
