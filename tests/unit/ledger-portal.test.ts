/** The insurer portal's pure chart geometry and its components rendered to HTML (no browser needed). */
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { bars, columnLayout } from '../../client/src/insurer/charts.js';
import { SpendBars } from '../../client/src/insurer/SpendByCategory.js';
import { SpendOverTime } from '../../client/src/insurer/SpendOverTime.js';
import { VerificationResult } from '../../client/src/insurer/VerificationResult.js';

const rows = [
  { key: '2026-10-31', label: '2026-10-31', amountMinor: 69898 },
  { key: '2026-11-01', label: '2026-11-01', amountMinor: 26100 },
  { key: '2026-11-02', label: '2026-11-02', amountMinor: -500 },
];

test('bars scale to the tallest; net reversals draw as nothing', () => {
  expect(bars(rows).map((b) => b.share)).toEqual([1, 26100 / 69898, 0]);
  expect(bars([])).toEqual([]);
  const cols = columnLayout(rows, 600, 200);
  expect(cols).toHaveLength(3);
  expect(cols[0]!.y + cols[0]!.h).toBeCloseTo(200 - 18);
  expect(cols.every((c) => c.x >= 0 && c.x + c.w <= 600)).toBe(true);
});

test('the portal components print exact amounts, the chart, and a failed verification names the entry', () => {
  const cat = renderToStaticMarkup(
    createElement(SpendBars, { title: 'By category', rows: [{ key: 'lodging', label: 'lodging', amountMinor: 72400 }], currency: 'GBP' }),
  );
  expect(cat).toContain('£724.00');
  const chart = renderToStaticMarkup(createElement(SpendOverTime, { rows, currency: 'GBP' }));
  expect(chart.match(/<rect/g)).toHaveLength(3);
  expect(chart).toContain('£698.98');
  const bad = renderToStaticMarkup(
    createElement(VerificationResult, {
      result: {
        ok: false,
        exportId: null,
        checks: [{ name: 'hash chain', ok: false, detail: 'entry #7 (abc): hash does not match' }],
        firstBad: { seq: 7, id: 'abc', reason: 'hash does not match the entry contents (the entry was altered)' },
      },
    }),
  );
  expect(bad).toContain('Verification FAILED');
  expect(bad).toContain('<strong>#7</strong> <code>abc</code>');
});
