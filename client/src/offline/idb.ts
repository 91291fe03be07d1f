/** A few promise helpers over IndexedDB: one database, one object store of queued actions. */

const DB_NAME = 'relocation-offline';
const STORE = 'actions';

let opening: Promise<IDBDatabase> | null = null;

export function openQueueDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) {
        const store = db.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
        store.createIndex('scope', 'scope');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error('IndexedDB unavailable'));
    };
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export async function idbAll<T>(scope: string): Promise<T[]> {
  const db = await openQueueDb();
  return done(db.transaction(STORE, 'readonly').objectStore(STORE).index('scope').getAll(IDBKeyRange.only(scope))) as Promise<T[]>;
}

export async function idbAdd<T>(value: T): Promise<number> {
  const db = await openQueueDb();
  return Number(await done(db.transaction(STORE, 'readwrite').objectStore(STORE).add(value)));
}

export async function idbPut<T>(value: T): Promise<void> {
  const db = await openQueueDb();
  await done(db.transaction(STORE, 'readwrite').objectStore(STORE).put(value));
}

export async function idbDelete(seq: number): Promise<void> {
  const db = await openQueueDb();
  await done(db.transaction(STORE, 'readwrite').objectStore(STORE).delete(seq));
}
