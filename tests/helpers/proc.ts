/** Resident memory and CPU time of a process and all its descendants, read from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The process and every descendant still running. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = parentOf(pid);
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Sum of RSS (bytes) over the process tree rooted at `root`, with the count of processes. */
export function treeRss(root: number): { bytes: number; processes: number } {
  const pids = processTree(root).filter((p) => rssOf(p) > 0);
  return { bytes: pids.reduce((a, p) => a + rssOf(p), 0), processes: pids.length };
}

export const mib = (b: number) => Math.round(b / 2 ** 20);

/** CPU time (user + system, ms) a process has used, all its threads; 0 once it has ended. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** CPU time (ms) used so far by the process tree rooted at `root`. */
export const treeCpuMs = (root: number): number => processTree(root).reduce((a, p) => a + cpuMsOf(p), 0);

/** CPU time (ms) used so far by every process whose command name is `comm` (e.g. all PostgreSQL backends). */
export function cpuMsOfCommand(comm: string): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += cpuMsOf(pid);
    } catch {
      /* ended meanwhile */
    }
  }
  return total;
}

/** Each process of the tree: pid, RSS and command line (for a report). */
export function describeTree(root: number): string[] {
  return processTree(root)
    .map((pid) => ({ pid, rss: rssOf(pid), cmd: commandOf(pid) }))
    .filter((p) => p.rss > 0)
    .map((p) => `${p.pid} ${mib(p.rss)} MB ${p.cmd.slice(0, 100)}`);
}

/** A process's command line, its arguments joined by spaces ('' once it has ended). */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
