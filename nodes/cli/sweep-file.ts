/**
 * sweep.json: its shape once, for `plasticity sweep`, which writes it, and for the sweep report, which reads it
 * back and checks it (a folder the user names may hold anything).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SeedStat } from '../core/stats.ts';

// sd is null for one run (the sample sd is undefined there); sweeps written before that have 0.
const stat = z.object({ n: z.number(), mean: z.number(), sd: z.number().nullable(), min: z.number(), max: z.number() }) satisfies z.ZodType<SeedStat>;

const sweepRun = z.object({
  label: z.string(),
  seed: z.number().nullable(),
  set: z.array(z.string()),
  status: z.string(),
  wall_seconds: z.number().nullable(),
  metrics: z.record(z.string(), z.number()),
  error: z.string().optional(),
});

const sweepGroup = z.object({ set: z.array(z.string()), metrics: z.record(z.string(), stat) });

const sweepFile = z.object({
  graph: z.string(),
  seeds: z.array(z.number()).nullable(),
  vary: z.array(z.object({ target: z.string(), values: z.array(z.unknown()) })),
  set: z.array(z.string()),
  run_args: z.array(z.string()),
  runs: z.array(sweepRun),
  groups: z.array(sweepGroup),
});

/** The value of a --set entry, on the command line or in sweep.json ("nudge.beta=0.5" → 0.5): JSON, or else the text after "=". */
export function setValue(set: string): unknown {
  const text = set.slice(set.indexOf('=') + 1);
  try {
    return JSON.parse(text);
  } catch {
    // A number JSON does not write but anyone would type (.5, 5., +2): the number.
    return /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : text;
  }
}

/** One run of a sweep: its folder's label, seed, --set values, how it ended and its scalar metrics. */
export type SweepRun = z.infer<typeof sweepRun>;
/** One combination of varied values: each metric's statistics over the runs that finished. */
export type SweepGroup = z.infer<typeof sweepGroup>;
export type SweepFile = z.infer<typeof sweepFile>;

/** The sweep.json in `dir`, checked; throws a one-line error when it is missing or not a sweep's. */
export async function readSweep(dir: string): Promise<SweepFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8'));
  } catch (e) {
    throw new Error(`cannot read sweep.json (${(e as Error).message})`);
  }
  const r = sweepFile.safeParse(raw);
  if (!r.success) throw new Error(`sweep.json is not a sweep's summary (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`);
  return r.data;
}
