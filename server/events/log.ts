/**
 * The incident event log: every change appends its events inside the change's own transaction, with
 * gap-free sequence numbers taken under the incident row's lock. Listeners hear of them only after
 * commit (see `commitWithEvents`), so nobody ever sees a change that was rolled back.
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { driverOf, executeNamed, statementName } from '../db/prepared.js';
import type { LeanClient } from '../db/lean-client.js';
import { incidents } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { NewEvent as TypedEvent } from '../../shared/events.js';
import type { EventBus } from './bus.js';
import { currentIdempotencyClaim, markIdempotentApplied, type IdempotencyClaim } from '../http/idempotency.js';

export interface Actor {
  userId: string | null;
  name: string;
}
export const SYSTEM_ACTOR: Actor = { userId: null, name: 'system' };

/** One of the log's typed events (shared/events.ts): the type decides the payload's shape. */
export type NewEvent = TypedEvent;
export type StoredEvent = NewEvent & {
  incidentId: string;
  seq: number;
  at: string;
  actor: Actor;
};

/**
 * A write carried by the append's own statement (a round trip fewer, and none while the incident's
 * lock is held): given the SQL of the first new seq, one data-modifying statement such as
 * `recordMovesSql` (server/whereabouts/repo.ts), run as a CTE of the append: in full, whether or not
 * anything reads it, on the same snapshot (so no two of them may change the same row).
 */
export type AlsoWrite = (firstSeq: SQL) => SQL;

/** Append events to an incident's log; must run inside the change's transaction. */
export async function appendEvents(
  tx: Tx,
  incidentId: string,
  actor: Actor,
  list: NewEvent[],
  also: readonly AlsoWrite[] = [],
  opts: EmitOptions = {},
): Promise<StoredEvent[]> {
  if (list.length === 0) return [];
  const at = new Date();
  const append = eventAppend(
    incidentId,
    list.map((event) => ({ actor, event })),
    at,
  );
  const firstSeq = sql`(select s.last_seq - ${list.length}::int + 1 from s)`;
  const extra = also.map((write, i) => sql`, ${sql.raw(`also_${i}`)} as (${write(firstSeq)})`);
  const statement = sql`with ${append.ctes}${sql.join(extra)} ${append.result}`;
  const res = opts.last ? await executeAndCommit(tx, statement) : await executeNamed(tx, statement);
  const row = rowsOf<{ last: number | string }>(res)[0];
  if (!row) throw new AppError('not_found', 'No such incident.');
  const last = Number(row.last);
  return list.map((e, i) => ({ ...e, incidentId, seq: last - list.length + 1 + i, at: at.toISOString(), actor }));
}

/**
 * Run a change's last statement and COMMIT in one round trip, on PostgreSQL (decision 0017). The
 * incident's lock, taken by that statement to number its events, is then held only while the
 * server runs the statement and flushes the commit; sent one after the other, it was also held
 * while the answer to the statement crossed to the app and waited its turn on a busy event loop,
 * and every other change of the incident queued behind it (check-in's ceiling). The statement is
 * a named one (planned once per connection) and the COMMIT follows it in the same write
 * (`LeanClient.queryThenCommit`). If the statement fails, PostgreSQL skips the COMMIT and the
 * caller rolls back as usual; drizzle's own COMMIT afterwards is answered by the client, as no
 * transaction is open. Elsewhere (PGlite, one connection) it is an ordinary statement.
 */
async function executeAndCommit(tx: Tx, statement: SQL): Promise<unknown> {
  const { session, dialect } = driverOf(tx);
  const client = session.client as Partial<LeanClient>;
  if (typeof client.queryThenCommit !== 'function') return executeNamed(tx, statement);
  const built = dialect.sqlToQuery(statement);
  return client.queryThenCommit({ name: statementName(built.sql), text: built.sql }, built.params);
}

/** An event to append with its own actor (a group-committed batch holds the requests of many people). */
export interface ActorEvent {
  actor: Actor;
  event: NewEvent;
}

/**
 * The one statement's worth of SQL that appends events (used by `appendEvents` and by the ledger,
 * which adds its entries to the same statement): `ctes` takes `list.length` gap-free seqs by
 * bumping `incidents.last_seq` under the incident row's lock and inserts the events; `result`
 * selects the new last seq as `last` and sends the `rc_events` notice "incident:first:last", which
 * PostgreSQL delivers to every listening process at commit, in commit (= seq) order, and drops on
 * rollback. One statement instead of three: on the hot paths each round trip to the database
 * costs more than the SQL it carries.
 */
export function eventAppend(incidentId: string, list: ActorEvent[], at: Date): { ctes: SQL; result: SQL } {
  const n = list.length;
  const col = <T>(f: (x: ActorEvent) => T) => sql.param(list.map(f));
  return {
    ctes: sql`s as (update incidents set last_seq = last_seq + ${n}::int where id = ${incidentId}::uuid returning last_seq),
    ev as (
      insert into events (incident_id, seq, at, actor_user_id, actor_name, type, payload)
      select ${incidentId}::uuid, s.last_seq - ${n}::int + t.ord, ${at.toISOString()}::timestamptz, t.uid, t.name, t.type, t.payload::jsonb
      from s, unnest(${col((x) => x.actor.userId)}::uuid[], ${col((x) => x.actor.name)}::text[], ${col((x) => x.event.type)}::text[],
        ${col((x) => JSON.stringify(x.event.payload))}::text[]) with ordinality as t(uid, name, type, payload, ord))`,
    result: sql`select s.last_seq as last, pg_notify('rc_events', ${incidentId}::text || ':' || (s.last_seq - ${n}::int + 1) || ':' || s.last_seq) as notified from s`,
  };
}

/** In-process fan-out of committed events and of volatile messages (events/bus.ts; the realtime layer subscribes). */
export { EventBus, type VolatileMessage } from './bus.js';

/** A change's way to append events (and, with `also`, more writes in the same statement). */
export type Emit = (incidentId: string, actor: Actor, list: NewEvent[], also?: readonly AlsoWrite[], opts?: EmitOptions) => Promise<StoredEvent[]>;
export interface EmitOptions {
  /**
   * This append is the change's last statement: commit with it (`executeAndCommit`). Nothing may
   * touch the transaction after it. Ignored inside a group-committed batch.
   */
  last?: boolean;
}
type Change = (tx: Tx, emit: Emit) => Promise<unknown>;
interface Waiting {
  fn: Change;
  bus: EventBus;
  /** The keyed request this change belongs to, marked applied in the change's own transaction. */
  claim: IdempotencyClaim | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of changes (decision 0017). The incident row stays locked from a change's first
 * event to its commit, and the commit waits for the disk: one at a time, the disk's flush rate
 * capped every incident's changes. So changes that arrive while another is being written wait in
 * memory and then go together in one transaction, each in its own savepoint (a change that fails
 * rolls back alone and its caller gets its error), with one flush for all. With nothing else
 * going on a change runs at once, alone, in a plain transaction: nothing waits for a timer.
 * Two lanes per database, so one long change (a plan applied) does not hold up every other.
 * If a batch's transaction fails as a whole, its changes are retried one by one.
 */
const LANES = 2;
/**
 * Off unless GROUP_COMMIT=true. A batch holds every lock its changes took until it commits, so two
 * lanes can deadlock where single changes never did (PostgreSQL then answers one change "Two
 * changes collided", a 409 a reception phone should never see). Until a change that hits a deadlock
 * inside a batch is retried alone, group commit is for measuring (bench:checkin), not the default.
 */
let groupCommit = false;
export function setGroupCommit(on: boolean): void {
  groupCommit = on;
}
const MAX_BATCH = 64;
const lanesOf = new WeakMap<Db, Waiting[][]>();
/** Set while a batch runs its changes: a change started from inside one runs on its own, as before. */
const inBatch = new AsyncLocalStorage<true>();

/**
 * Run `fn` in one transaction; the events it appends are published only once the commit succeeded.
 */
export async function commitWithEvents<T>(db: Db, bus: EventBus, fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const claim = currentIdempotencyClaim();
  if (!groupCommit || inBatch.getStore()) return commitAlone(db, bus, fn, claim);
  // A batch runs changes from many requests: each runs in the async context of the request that
  // made it (its request id, its idempotency claim), marked as inside a batch.
  const own = AsyncResource.bind((tx: Tx, emit: Emit) => inBatch.run(true, () => fn(tx, emit)));
  let lanes = lanesOf.get(db);
  if (!lanes) lanesOf.set(db, (lanes = Array.from({ length: LANES }, () => [])));
  const lane = lanes.find((q) => q.length === 0) ?? lanes.reduce((a, b) => (b.length < a.length ? b : a));
  return new Promise<T>((resolve, reject) => {
    lane.push({ fn: own, bus, claim, resolve: resolve as (v: unknown) => void, reject });
    if (lane.length === 1) void drain(db, lane);
  });
}

/** PostgreSQL chose this transaction as a deadlock's victim (40P01) or could not serialise it (40001). */
function lostARace(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  return code === '40P01' || code === '40001';
}

async function commitAlone<T>(db: Db, bus: EventBus, fn: (tx: Tx, emit: Emit) => Promise<T>, claim: IdempotencyClaim | undefined): Promise<T> {
  let pending: StoredEvent[] = [];
  // The incidents an attempt wrote events for (or tried to): a retry takes their locks first.
  const incidentsTouched = new Set<string>();
  const attempt = (lockFirst: string[]) => {
    pending = [];
    return db.transaction(async (tx) => {
      for (const id of lockFirst) await lockIncident(tx, id);
      // A keyed request's change and the key's "applied" mark commit together (server/http/idempotency.ts).
      await markIdempotentApplied(tx, [claim]);
      return fn(tx, collectInto(tx, pending, incidentsTouched));
    });
  };
  // A change that lost a deadlock was rolled back whole, so it is simply run again: a reception
  // phone should not be told "two changes collided" for a race it had no part in. The usual
  // deadlock is a change that locked its rows (a room type, a stay) and then waited for the
  // incident's lock to take its seq, while another change (a plan being applied) held the
  // incident's lock and waited for those rows. Run again as it was, it can lose the same way as
  // long as the other change runs; so the retry takes the incident's lock before anything else,
  // the order the plan apply uses, and waits its turn instead. After five tries the 409 goes out.
  let result: T;
  for (let tries = 1; ; tries++) {
    try {
      result = await attempt(tries === 1 ? [] : [...incidentsTouched].sort());
      break;
    } catch (err) {
      if (tries >= 5 || !lostARace(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * tries));
    }
  }
  bus.publish(pending);
  return result;
}

/**
 * Take an incident's lock now (the lock `appendEvents` takes to number events), so that a change
 * that must see no other change of the incident until it commits, or must lock in the same order as
 * one that does, waits for it up front. FOR NO KEY UPDATE: the same lock the seq update takes.
 */
export async function lockIncident(tx: Tx, incidentId: string): Promise<number | undefined> {
  const [row] = await tx.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId)).for('no key update');
  return row?.lastSeq;
}

function collectInto(tx: Tx, pending: StoredEvent[], incidentsTouched?: Set<string>): Emit {
  return async (incidentId, actor, list, also, opts) => {
    incidentsTouched?.add(incidentId);
    const stored = await appendEvents(tx, incidentId, actor, list, also, { last: opts?.last === true && !inBatch.getStore() });
    pending.push(...stored);
    return stored;
  };
}

/** Write the lane's waiting changes, a batch at a time, until none is left. */
async function drain(db: Db, lane: Waiting[]): Promise<void> {
  while (lane.length > 0) {
    // Changes stay in the lane while written, so a newcomer sees a writer at work and waits.
    const batch = lane.slice(0, MAX_BATCH);
    await settle(db, batch);
    lane.splice(0, batch.length);
  }
}

async function settle(db: Db, batch: Waiting[]): Promise<void> {
  if (batch.length === 1) {
    const w = batch[0]!;
    await inBatch.run(true, () => commitAlone(db, w.bus, w.fn, w.claim)).then(w.resolve, w.reject);
    return;
  }
  type Outcome = { ok: true; value: unknown; events: StoredEvent[] } | { ok: false; error: unknown };
  let outcomes: Outcome[];
  try {
    outcomes = await inBatch.run(true, () =>
      db.transaction(async (tx) => {
        const out: Outcome[] = [];
        for (const w of batch) {
          const events: StoredEvent[] = [];
          try {
            const value = await tx.transaction(async (sp) => {
              await markIdempotentApplied(sp, [w.claim]);
              return w.fn(sp, collectInto(sp, events));
            });
            out.push({ ok: true, value, events });
          } catch (error) {
            out.push({ ok: false, error });
          }
        }
        return out;
      }),
    );
  } catch {
    for (const w of batch) await settle(db, [w]);
    return;
  }
  // Committed: publish in the order written (= seq order), then answer each caller.
  for (let i = 0; i < batch.length; i++) {
    const o = outcomes[i]!;
    if (o.ok) batch[i]!.bus.publish(o.events);
  }
  batch.forEach((w, i) => {
    const o = outcomes[i]!;
    if (o.ok) w.resolve(o.value);
    else w.reject(o.error);
  });
}
