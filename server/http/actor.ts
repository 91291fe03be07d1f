import type { Request } from 'express';
import type { Actor } from '../events/log.js';

/** The signed-in user as recorded on events and ledger entries. */
export function actorOf(req: Request): Actor {
  return req.user ? { userId: req.user.id, name: req.user.name } : { userId: null, name: 'anonymous' };
}
