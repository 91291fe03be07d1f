/** Turning validation failures into messages that name the field, shared by server and client. */
import type { z } from 'zod';

/** `['parties', 12, 'guests', 0, 'age']` -> `parties[12].guests[0].age`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export interface FieldError {
  path: string;
  message: string;
}

/** One entry per zod issue, each with the JSON path and a human message. */
export function zodFieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

/** `parties[12].guests[0].age: expected adult, child or infant` */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
}
