/**
 * The PostgreSQL pool's client, with two round trips fewer per change (decision 0017).
 *
 * Under load each round trip to PostgreSQL costs more than the SQL it carries: a write that wakes
 * a backend, an answer that wakes the app, a turn of the event loop. Drizzle runs a transaction as
 * `begin`, the change's statements, `commit`, each awaited. This client:
 * - **holds `begin` back** and sends it in the same write as the transaction's first statement
 *   (extended protocol: Parse/Bind/Execute of `begin`, then the statement, one Sync; or
 *   `begin;` before a simple query's text). A transaction that sends nothing costs nothing;
 * - **answers `commit` and `rollback` itself when no transaction is open**: when the change's last
 *   statement carried its own COMMIT (`queryThenCommit`), or `begin` was never sent.
 * `queryThenCommit` runs a named statement and COMMIT in one write, so PostgreSQL plans the
 * statement once per connection (it was sent as text with literals before) and the incident's
 * lock is held only while the server runs it and flushes the commit.
 *
 * What a transaction means does not change: its statements run in order inside one BEGIN ...
 * COMMIT; a statement that fails leaves the transaction failed (the server skips what follows it
 * in the same write, COMMIT included) and the caller's ROLLBACK goes out as usual.
 */
import pg from 'pg';

/** The parts of node-postgres's connection and query that a query class uses (pg 8, lib/query.js). */
interface Connection {
  parse(msg: { text: string; name?: string; types?: unknown }): void;
  bind(msg: Record<string, unknown>): void;
  execute(msg: { portal?: string; rows?: number }): void;
  sync(): void;
  parsedStatements: Record<string, string | undefined>;
}
interface QueryInternals {
  text: string;
  name?: string;
  portal: string;
  requiresPreparation(): boolean;
  submit(connection: Connection): Error | null;
  prepare(connection: Connection): void;
  _getRows(connection: Connection, rows?: number): void;
  handleCommandComplete(msg: unknown, connection: Connection): void;
}
type Callback = (err: Error | null, result?: pg.QueryResult) => void;
const QueryBase = pg.Query as unknown as new (config: unknown, values?: unknown, callback?: Callback) => QueryInternals;

/** One statement with `begin` before it and/or `commit` after it, all in one write. */
class BundledQuery extends QueryBase {
  private completes = 0;
  constructor(
    config: unknown,
    values: unknown,
    callback: Callback,
    private readonly begin: boolean,
    private readonly commit: boolean,
  ) {
    super(config, values, callback);
  }
  override submit(connection: Connection): Error | null {
    // A query without parameters goes as one simple-protocol message; the added statements ride in its text.
    if (!this.requiresPreparation()) this.text = `${this.begin ? 'begin;' : ''}${this.text}${this.commit ? ';commit' : ''}`;
    return super.submit(connection);
  }
  override prepare(connection: Connection): void {
    if (this.begin) {
      connection.parse({ text: 'begin' });
      connection.bind({});
      connection.execute({});
    }
    super.prepare(connection);
  }
  override _getRows(connection: Connection, rows?: number): void {
    if (!this.commit || rows) return super._getRows(connection, rows);
    connection.execute({ portal: this.portal });
    connection.parse({ text: 'commit' });
    connection.bind({});
    connection.execute({});
    connection.sync();
  }
  /** The answers to `begin` and `commit` are not the statement's: the caller gets its result alone. */
  override handleCommandComplete(msg: unknown, connection: Connection): void {
    this.completes++;
    if (this.begin && this.completes === 1) return;
    if (this.commit && this.completes === (this.begin ? 3 : 2)) return;
    super.handleCommandComplete(msg, connection);
  }
}

const plainQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
const answered = (command: string) => Promise.resolve({ command, rowCount: null, oid: 0, fields: [], rows: [] } as unknown as pg.QueryResult);

export class LeanClient extends pg.Client {
  private beginHeld = false;

  /** `query` on this class (set below): only the promise forms (no callback) are changed. */
  private leanQuery(config: unknown, values?: unknown, callback?: unknown): unknown {
    if (callback !== undefined || typeof values === 'function' || config == null) return plainQuery.call(this, config, values, callback);
    const text = typeof config === 'string' ? config : (config as { text?: unknown }).text;
    if (text === 'begin' && !this.beginHeld && this.getTransactionStatus() === 'I') {
      this.beginHeld = true;
      return answered('BEGIN');
    }
    if (text === 'commit' || text === 'rollback') {
      if (this.beginHeld) {
        this.beginHeld = false;
        return answered(text.toUpperCase());
      }
      // No transaction open (its last statement committed it): the server would only warn.
      if (this.getTransactionStatus() === 'I' && this.readyForQuery) return answered(text.toUpperCase());
    }
    if (!this.beginHeld) return plainQuery.call(this, config, values, callback);
    this.beginHeld = false;
    if (typeof (config as { submit?: unknown }).submit !== 'function') return this.send(config, values, true, false);
    // A query object of its own (a cursor) is answered by itself, as node-postgres does: `begin` goes first, in the queue.
    (plainQuery.call(this, 'begin') as Promise<unknown>).catch(() => undefined); // a failure reaches the query too
    return plainQuery.call(this, config, values);
  }

  /** Run `config` (a named statement) and COMMIT in one write; the transaction is over when it answers. */
  queryThenCommit(config: { name: string; text: string }, values: unknown[]): Promise<pg.QueryResult> {
    const begin = this.beginHeld;
    this.beginHeld = false;
    return this.send(config, values, begin, true);
  }

  private send(config: unknown, values: unknown, begin: boolean, commit: boolean): Promise<pg.QueryResult> {
    const name = (config as { name?: unknown }).name;
    // `begin` rides with a named statement only once the statement is parsed here: node-postgres
    // marks a name parsed on the first ParseComplete of its query, which would then be begin's.
    if (begin && typeof name === 'string' && !this.parsedHere(name)) return this.beginFirst(() => this.send(config, values, false, commit));
    if (!begin && !commit) return plainQuery.call(this, config, values) as Promise<pg.QueryResult>;
    return new Promise((resolve, reject) => {
      plainQuery.call(this, new BundledQuery(config, values, (err, res) => (err ? reject(err) : resolve(res!)), begin, commit));
    });
  }

  /**
   * The pool takes the client back (pool 'release'): a `begin` still held was never sent, so no
   * transaction is open on the server, and the next borrower must not find one opened for it.
   */
  released(): void {
    this.beginHeld = false;
  }

  private async beginFirst<T>(then: () => T | Promise<T>): Promise<T> {
    await plainQuery.call(this, 'begin');
    return then();
  }

  private parsedHere(name: string): boolean {
    return (this as unknown as { connection: Connection }).connection.parsedStatements[name] !== undefined;
  }

  declare readyForQuery: boolean;
}
// node-postgres's `query` has a dozen overloads; one body stands for them all on this class.
(LeanClient.prototype as unknown as { query: unknown }).query = LeanClient.prototype['leanQuery'];
