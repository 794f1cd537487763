/**
 * The contract between a plan step and the code that executes it. Node kinds (nodes/kinds) are
 * pure descriptors; each kind id maps here to one OpImpl that does the work with tfjs.
 */
import type * as TF from '@tensorflow/tfjs';
import type { JsonObject } from '../core/json.ts';
import type { PlanStep } from '../core/plan.ts';
import type { DataUsed, RunEvent } from './events.ts';

export type Tf = typeof TF;

/** User-facing overrides from the CLI or the app; a node reads the ones that apply to it. */
export interface RunOptions {
  /** Folder with the four MNIST IDX files; absent = the embedded default set. */
  dataDir?: string;
  /** Overrides every training node's epochs. */
  epochs?: number;
  /** Caps the number of training examples. */
  trainLimit?: number;
  /** Caps the number of test examples used by evaluators (for quick runs). */
  testLimit?: number;
  /** Caps the number of generated samples (Parzen kernel centres). */
  sampleLimit?: number;
  outDir?: string;
  /** Where relative paths in node parameters (Load weights, Load network) start: the app's workspace; absent = the current folder. */
  baseDir?: string;
  /** The CLI's `--set node.param=value` changes, already applied to the plan; kept so summary.json says how the graph was run. */
  set?: string[];
  /**
   * A Quick run: the plan is the graph's with its Quick run's parameter changes (`quick.set`) made, while the run's
   * graph.json keeps the graph as it was (so that run again in full, it runs as the user made it); kept for summary.json.
   */
  quick?: boolean;
}

/** Where in its training a trainer was stopped: the epoch it was in (1-based) and the minibatches of it done. */
export interface StopPoint {
  epoch: number;
  epochs: number;
  batch?: number;
  batches?: number;
}

/** What a trainer stopped mid-run hands on: its outputs as trained so far (the network), and where it stopped. */
export interface PartlyTrained {
  outputs: Record<string, unknown>;
  at: StopPoint;
}

/**
 * Thrown by ctx.checkStop() when the user asked the run to stop. A trainer that catches it rethrows it with what it
 * trained so far (`partly`). On any stop the engine runs the Save nodes not yet run whose inputs are there (such a
 * trainer's Save nodes, or those of a network trained before the stop), and nothing else, before the run ends as stopped.
 */
export class StopRequested extends Error {
  constructor(readonly partly?: PartlyTrained) {
    super('the run was stopped');
  }
}

/** A mistake the user can fix (bad data folder, impossible setting): shown as one line, no stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly node?: string,
  ) {
    super(message);
  }
}

export interface RunContext {
  readonly tf: Tf;
  readonly backend: string;
  readonly options: RunOptions;
  /** The plan's seed combined with the step's node id: same graph, same seed, same numbers. */
  readonly seed: number;
  readonly step: PlanStep;
  /** A seeded uniform [0,1) generator for this step. */
  random(): number;
  /** A fresh integer seed for a tfjs random op (tf.randomNormal(shape, 0, 1, 'float32', seed)). */
  nextSeed(): number;
  /** Throws StopRequested if a stop was requested; call between batches. Also yields to the event loop. */
  checkStop(): Promise<void>;
  progress(p: Omit<Extract<RunEvent, { type: 'progress' }>, 'type' | 'time' | 'node'>): void;
  /** Records a named metric for summary.json and metrics.jsonl. */
  metric(name: string, value: number | number[]): void;
  /** Writes a PNG into the output folder (if any) and announces it; returns the file name. */
  image(name: string, png: Buffer, width: number, height: number): Promise<string>;
  log(message: string, level?: 'info' | 'warn'): void;
  /** Reports training throughput for summary.json (examples/s over the whole training). */
  reportTrainThroughput(examplesPerSecond: number): void;
  /** Records the data this (data) node read, for summary.json's `data`. */
  reportData(data: DataUsed): void;
}

export type OpImpl = (ctx: RunContext, inputs: Record<string, unknown>, params: JsonObject) => Promise<Record<string, unknown>>;

export type OpTable = Record<string, OpImpl>;
