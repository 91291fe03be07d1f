/** The small announcements and button rows every inline form shares, written once. */
import type { ReactNode } from 'react';

/** A problem with what was typed or asked, announced to screen readers. */
export function FieldProblem({ problem }: { problem: string | null | undefined }) {
  return problem ? (
    <p className="field-error" role="alert">
      {problem}
    </p>
  ) : null;
}

/** A note that something was done (copied, sent), announced politely. */
export function InfoNote({ note }: { note: string | null | undefined }) {
  return note ? (
    <p className="notice info" role="status">
      {note}
    </p>
  ) : null;
}

/** Submit and Cancel of an inline form; both wait while it is being sent (`busy`). */
export function SubmitOrCancel({
  submit,
  kind = 'go',
  busy,
  ready = true,
  onCancel,
}: {
  submit: ReactNode;
  kind?: 'go' | 'danger';
  busy: boolean;
  ready?: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="button-row">
      <button type="submit" className={kind} disabled={busy || !ready}>
        {submit}
      </button>
      <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
    </div>
  );
}
