/**
 * The API's routes as data (docs/decisions/0018). Each feature lists its routes with `routesFor`:
 * method, full path, who may call it, its rate limit and extra middleware, the schemas of its path
 * parameters, query and body, and the handler. app.ts mounts the one table (API_ROUTES) with
 * `routerFrom`, and the authorization matrix reads the same table, so a route cannot be served
 * without a declared rule nor declared without being served.
 *
 * What runs for a route, in this order:
 *   access check (401 without a session, 403 for a role not listed; nothing for public/token routes)
 *   -> its named rate limit -> its own middleware (`use`: raw bodies and the like)
 *   -> an Idempotency-Key claimed, if it waited for that raw body (idempotency.ts)
 *   -> params parsed (400) -> scope: the incident must be the caller's (404), and for `hotel` a
 *      reception its own hotel (404) -> query parsed (400) -> body parsed (400) -> handler.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import type { Role, SessionUser } from '../auth/types.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import { AppError, parseOr400 } from './errors.js';
import { idempotencyAfterBody } from './idempotency.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: a list of roles; `signed-in` (any session); `public` (anyone, the session
 * is not looked at); `token` (no session needed: the handler checks a credential carried by the
 * request, a signed link or a status token). The last two say why in `why`.
 */
export type Roles = readonly Role[] | 'signed-in' | 'public' | 'token';

/** Per-user limits that several routes share (one counter each); app.ts makes them from the config. */
export type RateLimitName = 'planner' | 'imports' | 'exports' | 'downloads' | 'uploads' | 'perks';

/** `incident`: params.incidentId must be visible to the caller; `hotel`: and a reception's own params.hotelId. */
export type Scope = 'incident' | 'hotel';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type UserOf<R> = R extends 'public' | 'token' ? SessionUser | undefined : SessionUser;
type ScopeFor<P> = Out<P> extends { incidentId: string } ? (Out<P> extends { hotelId: string } ? Scope : 'incident') : never;

export interface RouteContext<D, R, P, Q, B> {
  req: Request;
  res: Response;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** The caller: always there when the route needs a session. */
  user: UserOf<R>;
  deps: D;
}

type Who<R extends Roles> = R extends 'public' | 'token' ? { roles: R; why: string } : { roles: R; why?: string };

export type RouteSpec<D, R extends Roles, P, Q, B> = Who<R> & {
  method: Method;
  /** The full path, e.g. `/api/incidents/:incidentId/plans/:planId/apply`. */
  path: string;
  limit?: RateLimitName;
  /** Middleware after the access check and the limit, before anything is parsed (e.g. a raw body). */
  use?: RequestHandler[];
  params?: P;
  scope?: ScopeFor<P>;
  query?: Q;
  /** Parsed only when given; most bodies are validated by the service that owns the rules. */
  body?: B;
  handler: (ctx: RouteContext<D, R, P, Q, B>) => unknown;
};

/** One row of the table, its handler waiting for the app's services. */
export interface Route<D = never> {
  readonly method: Method;
  readonly path: string;
  readonly roles: Roles;
  readonly why?: string;
  readonly limit?: RateLimitName;
  readonly scope?: Scope;
  readonly use: readonly RequestHandler[];
  readonly run: (deps: D) => RequestHandler;
}

/** `const route = routesFor<{ plans: PlanService }>()`: rows whose handlers get those services. */
export function routesFor<D>() {
  return <
    R extends Roles,
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(
    spec: RouteSpec<D, R, P, Q, B>,
  ): Route<D> => ({
    method: spec.method,
    path: spec.path,
    roles: spec.roles,
    ...(spec.why ? { why: spec.why } : {}),
    ...(spec.limit ? { limit: spec.limit } : {}),
    ...(spec.scope ? { scope: spec.scope as Scope } : {}),
    use: spec.use ?? [],
    run: (deps) => async (req, res) => {
      const params = spec.params ? parseOr400(spec.params, req.params, 'params') : undefined;
      let user = req.user;
      if (spec.scope) {
        const p = params as { incidentId: string; hotelId?: string };
        user = assertIncidentVisible(req.user, p.incidentId);
        if (spec.scope === 'hotel' && user.role === 'reception' && user.hotelId !== p.hotelId) throw new AppError('not_found', 'No such hotel.');
      }
      const query = spec.query ? parseOr400(spec.query, req.query, 'query') : undefined;
      const body = spec.body ? parseOr400(spec.body, req.body, 'body') : undefined;
      await spec.handler({ req, res, params, query, body, user, deps } as RouteContext<D, R, P, Q, B>);
    },
  });
}

const signedIn: RequestHandler = (req, _res, next) => {
  if (!req.user) throw new AppError('unauthenticated', 'Please sign in.');
  next();
};

function accessCheck(roles: Roles): RequestHandler[] {
  if (roles === 'public' || roles === 'token') return [];
  if (roles === 'signed-in') return [signedIn];
  return [requireRole(...roles)];
}

/** `GET /api/incidents/:incidentId/plans`: how the table and the matrix name a route. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method.toUpperCase()} ${route.path}`;

/** One router serving the table in its order (the first path that matches answers). */
export function routerFrom<D>(routes: readonly Route<D>[], deps: D, limits: Record<RateLimitName, RequestHandler>): Router {
  const seen = new Set<string>();
  const r = Router();
  for (const route of routes) {
    if (seen.has(routeKey(route))) throw new Error(`route declared twice: ${routeKey(route)}`);
    seen.add(routeKey(route));
    // A keyed request whose body the route's own middleware read is claimed only now (idempotency.ts).
    r[route.method](
      route.path,
      ...accessCheck(route.roles),
      ...(route.limit ? [limits[route.limit]] : []),
      ...route.use,
      idempotencyAfterBody,
      route.run(deps),
    );
  }
  return r;
}
