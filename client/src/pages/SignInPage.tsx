/**
 * Sign-in. The form is checked with the same zod schema the server uses (shared/api.ts), and the
 * server's own field errors land beside the field they name.
 */
import { useState, type FormEvent } from 'react';
import { loginRequestSchema, type UserView } from '../../../shared/api.js';
import { api, ApiError } from '../api.js';

type Fields = 'email' | 'password';
type FieldMessages = Partial<Record<Fields, string>>;

export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: (user: UserView) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldMessages>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const parsed = loginRequestSchema.safeParse({ email, password });
    if (!parsed.success) {
      const next: FieldMessages = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === 'email' || key === 'password') && !next[key]) next[key] = issue.message;
      }
      setFieldErrors(next);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const { user } = await api.login(parsed.data);
      onSignedIn(user);
    } catch (err) {
      if (err instanceof ApiError) {
        const next: FieldMessages = {};
        for (const f of err.fields) if (f.path === 'email' || f.path === 'password') next[f.path] = f.message;
        setFieldErrors(next);
        setFormError(err.status === 401 && err.fields.length === 0 ? 'That email and password do not match. Please check them and try again.' : err.message);
      } else {
        setFormError('Something went wrong. Please try again.');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">Relocation coordinator</p>
        {notice ? (
          <p className="notice info" role="status">
            {notice}
          </p>
        ) : null}
        {formError ? (
          <p className="notice error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={fieldErrors.email ? true : undefined}
            aria-describedby={fieldErrors.email ? 'email-error' : undefined}
            autoFocus
          />
          {fieldErrors.email ? (
            <p id="email-error" className="field-error">
              {fieldErrors.email}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby={fieldErrors.password ? 'password-error' : undefined}
          />
          {fieldErrors.password ? (
            <p id="password-error" className="field-error">
              {fieldErrors.password}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
