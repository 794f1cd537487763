/**
 * `plasticity sweep`: one graph run for several seeds and parameter values, each run a `plasticity run` of its
 * own (a child process, `--parallel` at a time) writing its folder under OUT; then OUT/sweep.json with every run's
 * scalar metrics and, per combination of the varied parameters, each metric's mean, standard deviation, minimum
 * and maximum over the seeds. The numbers of docs/results.md that say "over nine seeds" are this, by hand.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../core/json.ts';
import { splitQuickKey } from '../core/document.ts';
import { fmtMeanSd } from '../core/format.ts';
import { scalarMetrics, seedStats, type SeedStat } from '../core/stats.ts';
import { clearEarlierRun } from './earlier-run.ts';
import { setValue, type SweepFile, type SweepGroup, type SweepRun } from './sweep-file.ts';
import { writeFileAtomic } from '../runtime/fs-atomic.ts';

export class SweepError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `1-5`, `1,3,7` or a mix (`1-3,8`): whole numbers >= 0, in the order given; a seed given twice (`1,1`, `1-3,2`) is a
 * usage error, as a --vary value given twice is (it would run once, not the number of times asked for).
 */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new SweepError(2, `--seeds ${text}: expected whole numbers and ranges, e.g. 1-5 or 1,3,7`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new SweepError(2, `--seeds ${text}: the range ${part.trim()} runs backwards`);
    if (b - a >= 1000) throw new SweepError(2, `--seeds ${text}: more than 1,000 seeds in ${part.trim()}`);
    for (let s = a; s <= b; s++) {
      if (seeds.includes(s)) throw new SweepError(2, `--seeds ${text}: seed ${s} is there twice`);
      seeds.push(s);
    }
  }
  return seeds;
}

export interface Vary {
  /** node.param */
  target: string;
  values: JsonValue[];
}

/** `--vary node.param=[v1, v2, ...]`: a JSON array of the values to try, each once. */
export function parseVary(text: string): Vary {
  const eq = text.indexOf('=');
  const target = eq < 0 ? '' : text.slice(0, eq);
  if (!splitQuickKey(target)) throw new SweepError(2, `--vary ${text}: expected node.param=[value, ...], e.g. --vary 'nudge.beta=[0.5, 1]'`);
  let values: unknown;
  try {
    values = JSON.parse(text.slice(eq + 1));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length === 0)
    throw new SweepError(2, `--vary ${text}: the values must be a JSON array with at least one value, e.g. [0.5, 1] or ["a", "b"]`);
  const seen = new Set<string>();
  for (const v of values as JsonValue[]) {
    const key = JSON.stringify(v);
    if (seen.has(key)) throw new SweepError(2, `--vary ${text}: value ${key} is there twice`);
    seen.add(key);
  }
  return { target, values: values as JsonValue[] };
}

/**
 * A parameter varied twice is a usage error: its runs were labelled with both values and ran with the last. (A --vary
 * does replace a --set of the same parameter: a base --set for a single run, varied in a sweep.)
 */
export function checkVaryTargets(vary: readonly Vary[]): void {
  const seen = new Set<string>();
  for (const v of vary) {
    if (seen.has(v.target)) throw new SweepError(2, `--vary ${v.target} is given twice; put all its values in one --vary`);
    seen.add(v.target);
  }
}

/** Every combination of the varied values, as --set arguments (the first parameter varying slowest). */
export function combinations(vary: readonly Vary[]): string[][] {
  let out: string[][] = [[]];
  for (const v of vary) out = out.flatMap((sets) => v.values.map((x) => [...sets, `${v.target}=${JSON.stringify(x)}`]));
  return out;
}

/** Per combination of varied values, each scalar metric over the runs that finished (status done). */
export function groupRuns(runs: readonly SweepRun[], combos: readonly string[][]): SweepGroup[] {
  return combos.map((set) => {
    const mine = runs.filter((r) => r.status === 'done' && r.set.join('\n') === set.join('\n'));
    const names = [...new Set(mine.flatMap((r) => Object.keys(r.metrics)))];
    const metrics: Record<string, SeedStat> = {};
    for (const k of names) {
      const xs = mine.map((r) => r.metrics[k]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      if (xs.length) metrics[k] = seedStats(xs);
    }
    return { set: [...set], metrics };
  });
}

/** The "node.param" of a "node.param=value". */
const setKey = (s: string): string => s.slice(0, s.indexOf('='));

/** A text value without its JSON quotes ("nudge.mode=\"clamp\"" → mode=clamp); anything else as written. */
const bare = (s: string): string => {
  const v = setValue(s);
  return typeof v === 'string' ? `${setKey(s)}=${v}` : s;
};

const labelOf = (set: readonly string[], seed: number | null): string => {
  // param=value, the value's unsafe characters as "-" and none at its ends ([500, 500] → 500-500, "/data/mnist" →
  // data-mnist), so "_" only ever separates the parameters and the seed.
  const parts = set.map((s) => {
    const b = bare(s);
    const i = b.indexOf('=');
    const param = splitQuickKey(b.slice(0, i))?.param ?? b.slice(0, i);
    // (Only the dashes that stand for other characters are dropped at the ends: -0.5 keeps its sign.)
    const value = b.slice(i + 1).trim().replace(/^[^\w.+-]+|[^\w.+-]+$/g, '').replace(/[^\w.+-]+/g, '-');
    return `${param.replace(/[^\w.+-]+/g, '-')}=${value}`;
  });
  if (seed !== null) parts.push(`seed${seed}`);
  return parts.join('_') || 'run';
};

export interface SweepOptions {
  graph: string;
  seeds: number[] | null;
  vary: Vary[];
  /** Fixed --set arguments for every run. */
  set: string[];
  /** Passed through to each `plasticity run` (--data-dir etc.). */
  runArgs: string[];
  parallel: number;
  out: string;
  err: (s: string) => void;
}

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'plasticity.mjs');

/** Runs the sweep; returns 0 when every run finished, 130 when stopped, 1 when a run failed. */
export async function sweep(o: SweepOptions): Promise<{ code: number; runs: SweepRun[]; groups: SweepGroup[] }> {
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  const combos = combinations(o.vary);
  const seeds: (number | null)[] = o.seeds ?? [null];
  // Folder names: values that read the same once made safe for a file name get -2, -3… (each run its own folder).
  const used = new Set<string>();
  const unique = (label: string): string => {
    let l = label;
    for (let k = 2; used.has(l); k++) l = `${label}-${k}`;
    used.add(l);
    return l;
  };
  const jobs = combos.flatMap((set) => seeds.map((seed) => ({ set, seed, label: unique(labelOf(set, seed)) })));
  const runs: SweepRun[] = [];
  let stopped = false;
  // Ctrl-C reaches the children too (one process group): each stops after its current batch.
  const onSigint = (): void => {
    stopped = true;
    o.err('\nstopping: the running runs finish their current batch and write their summaries; no new run starts\n');
  };
  process.on('SIGINT', onSigint);
  // SIGTERM (kill, a job scheduler) or SIGHUP (kill -HUP) may reach this process alone: passed on to the running runs,
  // which stop as on Ctrl-C; sweep.json is written when they have.
  const children = new Set<ReturnType<typeof spawn>>();
  const onSigterm = (signal: NodeJS.Signals): void => {
    stopped = true;
    o.err(`\n${signal === 'SIGHUP' ? 'hung up' : 'terminated'}: the running runs finish their current batch and write their summaries; no new run starts\n`);
    for (const c of children) c.kill(signal);
  };
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSigterm);
  let next = 0;
  let finished = 0;
  const runOne = async (job: (typeof jobs)[number]): Promise<void> => {
    const dir = join(out, job.label);
    await mkdir(dir, { recursive: true });
    const log = createWriteStream(join(dir, 'run.log'));
    // An earlier sweep's run in the same folder: its pictures, report and note go as `plasticity run` clears them
    // (said in run.log), and its summary even when unreadable, so it cannot pass for this run's if this one fails
    // before writing its own.
    await clearEarlierRun(dir, (text) => log.write(text));
    await rm(join(dir, 'summary.json'), { force: true });
    // Not --quiet: without a terminal the run prints a progress line every 10 s, so run.log can be followed.
    // A varied value replaces a fixed --set of the same parameter (a run refuses a parameter --set twice).
    const varied = new Set(job.set.map(setKey));
    const fixed = o.set.filter((s) => !varied.has(setKey(s)));
    const args = [BIN, 'run', o.graph, '--out', dir, ...o.runArgs, ...fixed.flatMap((s) => ['--set', s]), ...job.set.flatMap((s) => ['--set', s])];
    if (job.seed !== null) args.push('--seed', String(job.seed));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const exit = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
    children.delete(child);
    await new Promise<void>((r) => log.end(r));
    let run: SweepRun = { label: job.label, seed: job.seed, set: job.set, status: 'error', wall_seconds: null, metrics: {} };
    try {
      const s = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { status: string; wall_seconds: number; metrics: Record<string, unknown>; error?: string };
      const metrics = scalarMetrics(s.metrics);
      run = { ...run, status: s.status, wall_seconds: s.wall_seconds, metrics, ...(s.error ? { error: s.error } : {}) };
    } catch {
      run.error = `no summary.json (exit ${exit}; see ${join(dir, 'run.log')})`;
    }
    runs.push(run);
    finished++;
    const shown = Object.entries(run.metrics).slice(0, 3).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
    o.err(`[${finished}/${jobs.length}] ${job.label}: ${run.status}${run.wall_seconds !== null ? ` in ${run.wall_seconds.toFixed(1)} s` : ''}${shown ? `: ${shown}` : ''}${run.error ? ` (${run.error})` : ''}\n`);
  };
  const worker = async (): Promise<void> => {
    while (!stopped && next < jobs.length) await runOne(jobs[next++]);
  };
  o.err(`sweep: ${jobs.length} run${jobs.length === 1 ? '' : 's'} of ${o.graph}, ${o.parallel} at a time, into ${out}\n`);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, jobs.length)) }, worker));
  process.removeListener('SIGINT', onSigint);
  process.removeListener('SIGTERM', onSigterm);
  process.removeListener('SIGHUP', onSigterm);
  const order = new Map(jobs.map((j, i) => [j.label, i]));
  runs.sort((a, b) => order.get(a.label)! - order.get(b.label)!);
  const groups = groupRuns(runs, combos);
  const doc: SweepFile = { graph: o.graph, seeds: o.seeds, vary: o.vary, set: o.set, run_args: o.runArgs, runs, groups };
  await writeFileAtomic(join(out, 'sweep.json'), `${JSON.stringify(doc, null, 2)}\n`);
  const code = stopped || runs.length < jobs.length ? 130 : runs.every((r) => r.status === 'done') ? 0 : 1;
  return { code, runs, groups };
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));

/** The groups as text: a heading per combination, a line per metric (mean ± sd, min … max, n); "—" for the sd of one run. */
export function formatGroups(groups: readonly SweepGroup[]): string {
  const lines: string[] = [];
  for (const g of groups) {
    lines.push(g.set.length ? g.set.join('  ') : 'all runs');
    const names = Object.keys(g.metrics);
    if (!names.length) lines.push('  (no run finished)');
    const w = Math.max(0, ...names.map((k) => k.length));
    for (const k of names) {
      const s = g.metrics[k];
      lines.push(`  ${k.padEnd(w)}  ${s.sd === null ? `${fmt(s.mean)} ± —` : fmtMeanSd(s.mean, s.sd)}  (${fmt(s.min)} … ${fmt(s.max)}, n = ${s.n})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
