/** A file written through a sha256 tap: the manifest's hash is of exactly the bytes on disk. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline, Transform, type Writable } from 'node:stream';

export interface HashedSink {
  stream: Writable;
  /** Resolves once the file is flushed and closed. */
  finished(): Promise<{ sha256: string; bytes: number }>;
}

export function hashingFile(file: string): HashedSink {
  const hash = createHash('sha256');
  let bytes = 0;
  // Only this server's user may read an export (guests' names, money): never the machine's other users.
  const out = createWriteStream(file, { mode: 0o600 });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  // pipeline: if the writer gives up (destroys the tap), the file is closed too.
  pipeline(tap, out, () => undefined);
  const closed = once(out, 'close');
  closed.catch(() => undefined);
  return {
    stream: tap,
    async finished() {
      await closed;
      return { sha256: hash.digest('hex'), bytes };
    },
  };
}

/** Write with backpressure. */
export async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}
