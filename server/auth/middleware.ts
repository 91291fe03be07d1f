/** Who is asking (session cookie) and what they may touch (role), checked before any handler runs. */
import type { RequestHandler } from 'express';
import { AppError } from '../http/errors.js';
import { readCookie, SESSION_COOKIE, type AuthService } from './service.js';
import type { Role } from './types.js';

/** Attach `req.user` when the cookie names a live session; never rejects by itself. */
export function loadUser(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    req.user = await auth.authenticate(readCookie(req.headers.cookie, SESSION_COOKIE));
    next();
  };
}

/** 401 without a session; 403 when the role may not use this route. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new AppError('unauthenticated', 'Please sign in.');
    if (!roles.includes(req.user.role)) throw new AppError('forbidden', `This needs one of the roles: ${roles.join(', ')}.`);
    next();
  };
}
