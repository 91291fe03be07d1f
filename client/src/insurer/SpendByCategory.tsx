/** Spend per category (or hotel) as horizontal CSS bars with the exact amounts. */
import type { MoneyRow } from '../../../shared/ledger.js';
import { formatMoneyMinor } from '../format.js';
import { bars } from './charts.js';

export function SpendBars({ title, rows, currency }: { title: string; rows: MoneyRow[]; currency: string }) {
  const list = bars(rows.filter((r) => r.amountMinor !== 0));
  return (
    <section className="card insurer-card">
      <h2>{title}</h2>
      {list.length === 0 ? <p className="muted">Nothing posted yet.</p> : null}
      <ul className="insurer-bars">
        {list.map((b) => (
          <li key={b.key}>
            <span className="insurer-bar-label">{b.label}</span>
            <span className="insurer-bar-track" aria-hidden="true">
              <span className="insurer-bar-fill" style={{ width: `${(b.share * 100).toFixed(1)}%` }} />
            </span>
            <span className="insurer-bar-amount">{formatMoneyMinor(b.amountMinor, currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
