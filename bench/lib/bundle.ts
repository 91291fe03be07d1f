/**
 * JavaScript shipped per role, read from the built client (dist/client): the entry script that
 * index.html loads, plus the role's lazily loaded page, each with every chunk it imports statically
 * (`import ... from "./x.js"`), counted once. Sizes are gzip level 9, as a server would send them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The lazily loaded page chunk of each role (file name prefix in dist/client/assets). */
export const ROLE_PAGES: Record<string, string | null> = {
  'duty manager (console)': 'ConsolePage',
  reception: 'ReceptionPage',
  driver: 'DriverPage',
  insurer: 'InsurerPortal',
  'guest (status page)': null, // in the entry chunk
};

export interface RoleBundle {
  role: string;
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

export function jsPerRole(distDir: string): RoleBundle[] {
  const assets = path.join(distDir, 'assets');
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: run \`npm run build:client\` first.`);
  const entry = /src="\/?assets\/([^"]+\.js)"/.exec(readFileSync(index, 'utf8'))?.[1];
  if (!entry) throw new Error('no entry script in index.html');
  const names = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const source = new Map<string, string>();
  const read = (f: string) => {
    if (!source.has(f)) source.set(f, readFileSync(path.join(assets, f), 'utf8'));
    return source.get(f)!;
  };
  const closure = (start: string, into: Set<string>) => {
    const todo = [start];
    while (todo.length) {
      const f = todo.pop()!;
      if (into.has(f)) continue;
      into.add(f);
      // Static imports only: `import{a as b}from"./x.js"`, `import"./x.js"`, `export{..}from"./x.js"`.
      for (const m of read(f).matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g))
        if (names.includes(m[1]!)) todo.push(m[1]!);
    }
    return into;
  };
  const gz = new Map<string, number>();
  const size = (f: string) => {
    if (!gz.has(f)) gz.set(f, gzipSync(readFileSync(path.join(assets, f)), { level: 9 }).length);
    return gz.get(f)!;
  };
  return Object.entries(ROLE_PAGES).map(([role, page]) => {
    const files = closure(entry, new Set());
    if (page) {
      const chunk = names.find((n) => n.startsWith(`${page}-`));
      if (!chunk) throw new Error(`no ${page} chunk in ${assets}`);
      closure(chunk, files);
    }
    const list = [...files].sort();
    return {
      role,
      files: list,
      rawBytes: list.reduce((n, f) => n + readFileSync(path.join(assets, f)).length, 0),
      gzipBytes: list.reduce((n, f) => n + size(f), 0),
    };
  });
}
