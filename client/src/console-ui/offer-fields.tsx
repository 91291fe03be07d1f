/**
 * What the offer forms (hotels, vehicles) share: numbers and money read as typed, zod's wording in a
 * duty manager's words, short ids from names, and field errors shown beside their fields by path
 * (`roomTypes[0].count`), the browser's own check and the server's alike.
 */
import { useState } from 'react';
import type { FieldError } from '../../../shared/errors.js';
import { ApiError } from '../api.js';
import { parseMoneyMinor } from '../format.js';

export const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

/** Pounds as typed (decimal comma too) -> pence; what cannot be read goes as NaN, which the server names by field. */
export const pence = (s: string) => {
  if (s.trim() === '') return undefined;
  const r = parseMoneyMinor(s);
  return 'minor' in r ? r.minor : Number.NaN;
};

/** zod's generic wording in a duty manager's words. */
const friendly = (f: FieldError): FieldError => ({
  ...f,
  message: /received NaN/i.test(f.message)
    ? 'not a number that can be read: enter e.g. 2, or 89.50 for money (no minus sign)'
    : /received undefined|expected number/i.test(f.message)
      ? 'required: enter a number'
      : /expected string/i.test(f.message)
        ? 'required'
        : f.message,
});

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);

/**
 * An offer form's state: its field errors (read one by path, mark its input, show it beside the
 * field), whether it is saving, and the error shown under it. `refuse` shows the browser's own
 * check (nothing is sent); `send` saves, and shows the server's field errors the same way.
 */
export function useOfferForm(onAuthError: (err: unknown) => void) {
  const [fields, setFields] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errorFor = (path: string) => fields.find((f) => f.path === path)?.message;
  const fieldProps = (path: string) => ({
    'aria-invalid': errorFor(path) ? ('true' as const) : undefined,
    'aria-describedby': errorFor(path) ? `err-${path}` : undefined,
  });
  const Err = ({ path }: { path: string }) =>
    errorFor(path) ? (
      <span className="field-error" id={`err-${path}`} data-error-path={path}>
        {errorFor(path)}
      </span>
    ) : null;
  const refuse = (found: FieldError[]) => {
    const list = found.map(friendly);
    setFields(list);
    setError(new ApiError(400, 'validation', 'Some fields need attention; nothing was saved.', list));
  };
  const send = async <T,>(save: () => Promise<T>, done: (saved: T) => void) => {
    setBusy(true);
    setError(null);
    setFields([]);
    try {
      done(await save());
    } catch (err) {
      onAuthError(err);
      // The server's field errors, with their `body.` prefix taken off to match the form's paths.
      if (err instanceof ApiError) setFields(err.fields.map((f) => ({ ...f, path: f.path.replace(/^body\.?/, '') })));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  /** Text fields bound to one object of the form's state: `text(key, path, label)` is its input, marked and explained by `path`. */
  const textFields =
    <T extends object>(values: T, set: (next: T) => void) =>
    (key: keyof T & string, path: string, label: string, extra: Record<string, string> = {}) => (
      <label className="field-compact">
        <span>{label}</span>
        <input type="text" value={String(values[key])} onChange={(e) => set({ ...values, [key]: e.target.value })} {...fieldProps(path)} {...extra} />
        <Err path={path} />
      </label>
    );
  return { busy, error, refuse, send, fieldProps, Err, textFields };
}
