/** The outcome of a verification: every check with its detail, and the first entry that failed. */
import type { ExportVerification } from '../../../shared/ledger.js';

export function VerificationResult({ result }: { result: ExportVerification }) {
  return (
    <div className={`notice ${result.ok ? 'success' : 'error'}`} role="status">
      <strong>{result.ok ? 'Verified: nothing was altered.' : 'Verification FAILED.'}</strong>
      {result.firstBad ? (
        <p>
          First entry that fails: <strong>#{result.firstBad.seq}</strong> <code>{result.firstBad.id}</code> ({result.firstBad.reason})
        </p>
      ) : null}
      <ul className="insurer-checks">
        {result.checks.map((c) => (
          <li key={c.name}>
            <span aria-label={c.ok ? 'passed' : 'failed'}>{c.ok ? '✓' : '✗'}</span> <strong>{c.name}</strong>: {c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
