/**
 * A tiny TCP load balancer on loopback: each connection goes to the first backend that accepts it.
 * Enough to stand in for the reverse proxy of the deployment when a replica dies.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Proxy {
  url: string;
  close(): Promise<void>;
}

export async function startProxy(backends: { host: string; port: number }[], opts: { roundRobin?: boolean } = {}): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  let next = 0;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    // Round robin: each new connection starts at the next backend (and still falls over to the others).
    const first = opts.roundRobin ? next++ % backends.length : 0;
    const tryBackend = (tried: number) => {
      const b = tried < backends.length ? backends[(first + tried) % backends.length] : undefined;
      if (!b) return client.destroy();
      const upstream = net.connect(b.port, b.host);
      upstream.once('error', () => tryBackend(tried + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        splice(client, upstream, sockets);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface CuttableProxy extends Proxy {
  host: string;
  port: number;
  /** Drop every open connection and refuse new ones until `restore()`: the backend "goes away". */
  cut(): void;
  restore(): void;
}

/**
 * A TCP relay to one backend that can be cut: stands in for a database restart or a network
 * outage when a private database server cannot be started.
 */
export async function startCuttableProxy(backend: { host: string; port: number }): Promise<CuttableProxy> {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const upstream = net.connect(backend.port, backend.host);
    splice(client, upstream, sockets);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `tcp://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Pipe a client and its upstream both ways; either closing or failing closes the other. */
function splice(client: net.Socket, upstream: net.Socket, sockets: Set<net.Socket>): void {
  sockets.add(upstream);
  upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
  client.pipe(upstream).pipe(client);
}
