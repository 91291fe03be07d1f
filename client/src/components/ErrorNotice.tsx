/**
 * An error in plain words, with the server's field errors listed by path: as the path itself for a
 * file someone must fix (a scenario), or in words for a form whose fields show their own errors.
 */
import type { FieldError } from '../api.js';
import { ApiError } from '../api.js';
import { fieldLabel } from '../field-label.js';

export function ErrorNotice({ error, title, paths = 'code' }: { error: unknown; title?: string; paths?: 'code' | 'words' }) {
  const message = error instanceof Error ? error.message : 'Something went wrong. Please try again.';
  const fields: FieldError[] = error instanceof ApiError ? error.fields : [];
  return (
    <div className="notice error" role="alert">
      {title ? <strong>{title} </strong> : null}
      <span>{message}</span>
      {fields.length > 0 ? (
        <ul className="field-errors">
          {fields.slice(0, 50).map((f, i) => {
            const label = paths === 'words' ? fieldLabel(f.path) : f.path;
            return (
              <li key={`${f.path}-${i}`}>
                {label ? paths === 'words' ? <strong>{label}</strong> : <code>{label}</code> : null}
                {label ? ': ' : null}
                {f.message}
              </li>
            );
          })}
          {fields.length > 50 ? <li>…and {fields.length - 50} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
