/**
 * Run events: what the CLI prints and writes to metrics.jsonl, and what the desktop app shows.
 * JSON only, so they cross process and IPC boundaries unchanged.
 */
import type { DataUsed } from '../core/format.ts';

export type { DataUsed } from '../core/format.ts';

export type RunEvent =
  | { type: 'start'; time: number; graph: string; backend: string; backendNote: string; steps: number; seed: number }
  | { type: 'step'; time: number; node: string; kind: string; title: string; index: number; total: number }
  | {
      type: 'progress';
      time: number;
      node: string;
      /** What is running, e.g. "train", "inference", "parzen". */
      phase: string;
      epoch?: number;
      epochs?: number;
      batch?: number;
      batches?: number;
      /** Fraction of this phase done, 0..1. */
      fraction?: number;
      examplesPerSecond?: number;
      etaSeconds?: number;
      metrics?: Record<string, number>;
    }
  | { type: 'metric'; time: number; node: string; name: string; value: number | number[] }
  | { type: 'image'; time: number; node: string; name: string; file: string; width: number; height: number; pngBase64: string }
  | { type: 'log'; time: number; level: 'info' | 'warn'; node?: string; message: string }
  | { type: 'end'; time: number; status: 'done' | 'stopped' | 'error'; wallSeconds: number; error?: string; node?: string };

export type RunEventListener = (e: RunEvent) => void;

/** The summary written to OUT/summary.json at the end of a run. */
export interface RunSummary {
  graph: string;
  status: 'done' | 'stopped' | 'error';
  error?: string;
  backend: string;
  seed: number;
  wall_seconds: number;
  /** When the run started and ended (ISO 8601, UTC); absent in summaries written before they were recorded. */
  started_at?: string;
  finished_at?: string;
  train_examples_per_second: number | null;
  metrics: Record<string, number | number[]>;
  images: string[];
  /** The run options as given (set: the CLI's --set arguments). */
  options: Record<string, string | number | boolean | null | string[]>;
  /**
   * The app's label for a run of a series (seeds, a sweep): its place and what sets it apart from the others
   * ("2/3 · nudge.beta=1"), so its folder still says so after the session.
   */
  label?: string;
  /**
   * A stopped run: the node it stopped in and, for a trainer, where (the epoch it was in, 1-based, and the minibatches
   * of it done); the files Save nodes wrote then (a trainer's network as trained so far, or a network trained before
   * the stop; none without an output folder), and the log's sentence saying so.
   */
  stopped?: { node: string; epoch?: number; epochs?: number; batch?: number; batches?: number; saved: string[]; message: string };
  /**
   * The data each data node read, by node id: the embedded set or the folder of IDX files, and how many examples of
   * each split the run used (after its limits); absent in summaries written before it was recorded, and for a run
   * that failed before its data was read.
   */
  data?: Record<string, DataUsed>;
}


/** The run options as summary.json records them: every option given, an unset one as null. */
export function summaryOptions(options: object): RunSummary['options'] {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, (v ?? null) as RunSummary['options'][string]]));
}
