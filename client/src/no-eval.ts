/**
 * Imported first by main.tsx, before any module defines a zod schema: the content security policy
 * allows no eval, so zod must not probe for it (`new Function`) when it builds its object parsers.
 * It would only fall back to its plain parser, but every probe is reported as a policy violation.
 */
import { z } from 'zod';

z.config({ jitless: true });
