import { Router } from 'express';
import { loginRequestSchema } from '../../shared/api.js';
import { parseOr400, AppError } from '../http/errors.js';
import { readCookie, SESSION_COOKIE, type AuthService } from './service.js';
import { presentUser } from './presenter.js';

export function authRoutes(auth: AuthService, opts: { secureCookie: boolean }): Router {
  const r = Router();

  r.post('/login', async (req, res) => {
    const body = parseOr400(loginRequestSchema, req.body, 'body');
    const { token, user, expiresAt } = await auth.login(body.email, body.password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: opts.secureCookie, expires: expiresAt, path: '/' });
    res.json({ user: presentUser(user) });
  });

  r.post('/logout', async (req, res) => {
    await auth.logout(readCookie(req.headers.cookie, SESSION_COOKIE));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.get('/me', (req, res) => {
    if (!req.user) throw new AppError('unauthenticated', 'Please sign in.');
    res.json({ user: presentUser(req.user) });
  });

  return r;
}
