/** An error in plain words, with the server's field errors listed by path. */
import type { FieldError } from '../api.js';
import { ApiError } from '../api.js';

export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : 'Something went wrong. Please try again.';
  const fields: FieldError[] = error instanceof ApiError ? error.fields : [];
  return (
    <div className="notice error" role="alert">
      {title ? <strong>{title} </strong> : null}
      <span>{message}</span>
      {fields.length > 0 ? (
        <ul className="field-errors">
          {fields.slice(0, 50).map((f, i) => (
            <li key={`${f.path}-${i}`}>
              {f.path ? <code>{f.path}</code> : null}
              {f.path ? ': ' : null}
              {f.message}
            </li>
          ))}
          {fields.length > 50 ? <li>…and {fields.length - 50} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
