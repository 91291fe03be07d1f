/** Spend per night (noon to noon, incident time) as an SVG column chart. */
import { nightLabel, type MoneyRow } from '../../../shared/ledger.js';
import { formatMoneyMinor } from '../format.js';
import { columnLayout } from './charts.js';

const W = 640;
const H = 200;

export function SpendOverTime({ rows, currency }: { rows: MoneyRow[]; currency: string }) {
  const cols = columnLayout(rows, W, H);
  return (
    <section className="card insurer-card">
      <h2>Spend over time</h2>
      <p className="muted">Posted spend per night (noon to noon, incident time).</p>
      {cols.length === 0 ? (
        <p className="muted">Nothing posted yet.</p>
      ) : (
        <svg className="insurer-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Spend per night">
          <line x1={0} x2={W} y1={H - 18} y2={H - 18} stroke="#a8a29e" />
          {cols.map((c) => (
            <g key={c.bar.key}>
              <title>{`${c.bar.label}: ${formatMoneyMinor(c.bar.amountMinor, currency)}`}</title>
              <rect x={c.x} y={c.y} width={c.w} height={c.h} fill="#1d4ed8" />
              {cols.length <= 16 ? (
                <>
                  <text x={c.x + c.w / 2} y={c.y - 3} fontSize="10" textAnchor="middle">
                    {formatMoneyMinor(c.bar.amountMinor, currency)}
                  </text>
                  <text x={c.x + c.w / 2} y={H - 5} fontSize="10" textAnchor="middle">
                    {nightLabel(c.bar.key)}
                  </text>
                </>
              ) : null}
            </g>
          ))}
        </svg>
      )}
    </section>
  );
}
