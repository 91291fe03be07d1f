/** A fresh PostgreSQL database for one benchmark run, created beside `adminUrl` and dropped after. */
import pg from 'pg';

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drop it (sessions still connected are closed). */
  drop(): Promise<void>;
}

export async function createScratchDatabase(adminUrl: string, name: string): Promise<ScratchDatabase> {
  await adminQuery(adminUrl, `create database "${name}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: () => adminQuery(adminUrl, `drop database if exists "${name}" with (force)`) };
}
