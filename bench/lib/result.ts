/**
 * One figure of a benchmark, printed as a `RESULT {...}` line that `npm run bench` collects into
 * bench/RESULTS.md. `met` is left out when the figure has no target.
 */
export interface BenchResult {
  figure: string;
  value: number;
  unit: string;
  /** e.g. ">= 1000", "<= 50": the comparison decides `met`. */
  target?: string;
  note?: string;
}

export function meets(value: number, target: string | undefined): boolean | undefined {
  const m = target ? /^(>=|<=)\s*([\d.]+)/.exec(target) : null;
  if (!m) return undefined;
  return m[1] === '>=' ? value >= Number(m[2]) : value <= Number(m[2]);
}

export function report(r: BenchResult): void {
  console.log(`RESULT ${JSON.stringify({ ...r, met: meets(r.value, r.target) })}`);
}
