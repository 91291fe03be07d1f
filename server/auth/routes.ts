import { loginRequestSchema, type LogoutEverywhereResult, type SignedInAnswer } from '../../shared/api.js';
import { routesFor } from '../http/route.js';
import { readCookie, SESSION_COOKIE, type AuthService } from './service.js';
import { presentUser } from './presenter.js';

const route = routesFor<{ auth: AuthService; config: { COOKIE_SECURE: boolean } }>();

export const authRoutes = [
  route({
    method: 'post',
    path: '/api/auth/login',
    roles: 'public',
    why: 'signing in is how a session starts (attempts are limited per address and per account)',
    body: loginRequestSchema,
    handler: async ({ req, res, body, deps }) => {
      const { token, user, expiresAt } = await deps.auth.login(body.email, body.password, req.ip ?? 'unknown');
      res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: deps.config.COOKIE_SECURE, expires: expiresAt, path: '/' });
      res.json({ user: presentUser(user) } satisfies SignedInAnswer);
    },
  }),
  route({
    method: 'post',
    path: '/api/auth/logout',
    roles: 'public',
    why: 'signing out ends whatever session the cookie names, and answers the same without one',
    handler: async ({ req, res, deps }) => {
      await deps.auth.logout(readCookie(req.headers.cookie, SESSION_COOKIE));
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.status(204).end();
    },
  }),
  route({
    method: 'post',
    path: '/api/auth/logout-everywhere',
    roles: 'signed-in',
    handler: async ({ res, user, deps }) => {
      const revoked = await deps.auth.logoutEverywhere(user.id);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.json({ revoked } satisfies LogoutEverywhereResult);
    },
  }),
  route({
    method: 'get',
    path: '/api/auth/me',
    roles: 'signed-in',
    handler: ({ res, user }) => res.json({ user: presentUser(user) } satisfies SignedInAnswer),
  }),
];
