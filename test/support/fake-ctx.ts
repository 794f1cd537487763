// A minimal RunContext for calling node ops directly in tests: deterministic seeds, and every
// metric, image, log and progress event recorded for inspection.
import seedrandom from 'seedrandom';
import type { JsonObject } from '../../nodes/core/json.ts';
import type { PlanStep } from '../../nodes/core/plan.ts';
import type { DataUsed, RunEvent } from '../../nodes/runtime/events.ts';
import { type RunContext, type RunOptions, StopRequested, type Tf } from '../../nodes/runtime/op.ts';

type Progress = Omit<Extract<RunEvent, { type: 'progress' }>, 'type' | 'time' | 'node'>;

export interface FakeCtx extends RunContext {
  metrics: Record<string, number | number[]>;
  images: { name: string; png: Buffer; width: number; height: number }[];
  logs: { message: string; level: 'info' | 'warn' }[];
  progressEvents: Progress[];
  throughput: number[];
  data: DataUsed[];
  /** Makes the next checkStop() throw StopRequested. */
  requestStop(): void;
}

export interface FakeCtxOptions {
  options?: RunOptions;
  seed?: number;
  node?: string;
  kind?: string;
  /** checkStop() throws StopRequested from its (n+1)-th call on, as if the user pressed Stop. */
  stopAfter?: number;
  params?: JsonObject;
}

export function fakeCtx(tf: Tf, o: FakeCtxOptions = {}): FakeCtx {
  const seed = o.seed ?? 12345;
  const rng = seedrandom(String(seed));
  const node = o.node ?? 'node';
  const step: PlanStep = { node, kind: o.kind ?? 'test', params: o.params ?? {}, inputs: {}, outputs: {}, signature: '0' };
  let stopped = false;
  let checks = 0;
  const ctx: FakeCtx = {
    tf,
    backend: tf.getBackend(),
    options: o.options ?? {},
    seed,
    step,
    metrics: {},
    images: [],
    logs: [],
    progressEvents: [],
    throughput: [],
    data: [],
    random: () => rng(),
    nextSeed: () => Math.floor(rng() * 2 ** 31),
    async checkStop() {
      checks++;
      if (stopped || (o.stopAfter !== undefined && checks > o.stopAfter)) throw new StopRequested();
    },
    progress(p) {
      ctx.progressEvents.push(p);
    },
    metric(name, value) {
      ctx.metrics[name] = value;
    },
    async image(name, png, width, height) {
      ctx.images.push({ name, png, width, height });
      return `${name}.png`;
    },
    log(message, level = 'info') {
      ctx.logs.push({ message, level });
    },
    reportTrainThroughput(v) {
      ctx.throughput.push(v);
    },
    reportData(d) {
      ctx.data.push(d);
    },
    requestStop() {
      stopped = true;
    },
  };
  return ctx;
}
