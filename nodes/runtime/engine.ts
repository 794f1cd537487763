/**
 * Runs a plan with tfjs: picks the backend, executes steps in order (a scope's body before the
 * scope), streams events, records metrics and images, honours Stop between batches, and frees
 * every tensor it made when it ends.
 */
import seedrandom from 'seedrandom';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Plan, PlanStep } from '../core/plan.ts';
import { flattenSteps } from '../core/plan.ts';
import { hash } from '../core/compiler.ts';
import { RecordedNames, RUN_LIMIT_KEYS, type RunLimitKey } from '../core/kind.ts';
import { allKinds } from '../kinds/index.ts';
import { nodeIdProblem } from '../core/document.ts';
import { quoted } from '../core/format.ts';
import { initBackend } from './backend.ts';
import { type DataUsed, type RunEvent, type RunEventListener, type RunSummary, summaryOptions } from './events.ts';
import { type OpTable, type PartlyTrained, type RunContext, type RunOptions, StopRequested, UserError } from './op.ts';
import { allOps } from './ops/index.ts';
import { plainFileNameProblem, writeFileAtomic } from './fs-atomic.ts';
import { checkLoadPaths, SAVED_FILE } from './saved-files.ts';
import { disposeValue } from './values.ts';

export interface RunRequest {
  plan: Plan;
  options?: RunOptions;
  backend?: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** Overrides the plan's seed. */
  seed?: number;
  onEvent?: RunEventListener;
  /** Set .stopped = true (or call stop()) from outside to stop between batches. */
  stop?: StopToken;
  ops?: OpTable;
}

export class StopToken {
  stopped = false;
  stop(): void {
    this.stopped = true;
  }
}

export async function runPlan(req: RunRequest): Promise<RunSummary> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const options = req.options ?? {};
  const ops = req.ops ?? allOps;
  const seed = req.seed ?? req.plan.seed;
  const stop = req.stop ?? new StopToken();
  const listeners: RunEventListener[] = req.onEvent ? [req.onEvent] : [];
  const emit = (e: RunEvent): void => {
    for (const l of listeners) l(e);
  };
  const now = (): number => Date.now();
  const metrics: Record<string, number | number[]> = {};
  const images: string[] = [];
  let throughput: number | null = null;
  const data: NonNullable<RunSummary['data']> = {};
  let backendName = 'unknown';
  const values = new Map<string, unknown>();
  const summary = (status: RunSummary['status'], error?: string): RunSummary => ({
    graph: req.plan.graph,
    status,
    ...(error ? { error } : {}),
    backend: backendName,
    seed,
    wall_seconds: (performance.now() - t0) / 1000,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    train_examples_per_second: throughput,
    metrics,
    images,
    options: summaryOptions(options),
    ...(status === 'stopped' && stopped ? { stopped } : {}),
    ...(Object.keys(data).length > 0 ? { data } : {}),
  });

  let currentNode: string | undefined;
  /** Where a trainer was stopped, and what its Save nodes kept (summary.json's `stopped`). */
  let stopped: RunSummary['stopped'];
  // Which node recorded each metric and picture: a second node writing the same name would overwrite it unseen.
  const writers = new RecordedNames();
  const claim = (what: 'metric' | 'picture', name: string, node: string): void => {
    const first = writers.claim(what, name, node);
    if (first) throw new UserError(`the ${what} "${name}" is already recorded by ${first}; give one of them another name`, node);
  };
  try {
    const be = await initBackend(req.backend ?? 'auto');
    backendName = be.name;
    const tf = be.tf;
    const steps = flattenSteps(req.plan.steps);
    emit({ type: 'start', time: now(), graph: req.plan.graph, backend: be.name, backendNote: be.note, steps: steps.length, seed });
    // A node id names its pictures (ID_fields.png): one that is not a plain file name fails here, not after training.
    // The message names the id, escaped; the error carries no node (hosts print that as it is).
    for (const step of steps) {
      const problem = nodeIdProblem(step.node);
      if (problem) throw new UserError(problem);
    }
    if (options.outDir) await mkdir(options.outDir, { recursive: true });
    await checkLoadPaths(steps, options);
    /** Runs `step` (the `index`th of the plan) with `token` as its stop token, keeping its outputs for the steps after it. */
    const runStep = async (step: PlanStep, index: number, token: StopToken): Promise<void> => {
      const impl = ops[step.kind];
      if (!impl) throw new Error(`no runtime implementation for node kind "${step.kind}"`);
      emit({ type: 'step', time: now(), node: step.node, kind: step.kind, title: step.label ?? step.node, index, total: steps.length });
      const ctx = makeContext(tf, be.name, options, seed, step, token, emit, {
        metric: (name, v) => {
          claim('metric', name, step.node);
          metrics[name] = v;
        },
        image: async (name, png, width, height) => {
          const file = `${name}.png`;
          // The node's schema and kinds keep picture names plain; this is the last guard before the disk.
          const problem = plainFileNameProblem(file);
          if (problem) throw new UserError(`cannot write the picture ${quoted(file, 240)}: ${problem}`, step.node);
          claim('picture', name, step.node);
          if (options.outDir) await writeFileAtomic(join(options.outDir, file), png);
          if (!images.includes(file)) images.push(file);
          emit({ type: 'image', time: now(), node: step.node, name, file, width, height, pngBase64: png.toString('base64') });
          return file;
        },
        throughput: (v) => {
          throughput = v;
        },
        data: (d) => {
          data[step.node] = d;
        },
      });
      const inputs: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(step.inputs)) {
        inputs[name] = Array.isArray(ref) ? ref.map((r) => values.get(r)) : values.get(ref);
      }
      const out = await impl(ctx, inputs, step.params);
      for (const name of Object.keys(step.outputs)) values.set(`${step.node}.${name}`, out[name]);
    };
    /** The steps that ran to their end. */
    const ran = new Set<string>();
    /**
     * The run was stopped in `at`: the Save steps that have not run and whose inputs are all there run now (nothing
     * else does), each with a stop token of its own so that a second stop request cannot cut a save short; a Save that
     * fails is a warning. A trainer stopped mid-way hands on what it trained so far (`partly`): its Save nodes write
     * that. A stop after training (in an evaluator or a sampler) still keeps the trained network.
     */
    const saveWhatIsReady = async (at: PlanStep, started: boolean, partly?: PartlyTrained): Promise<NonNullable<RunSummary['stopped']>> => {
      if (partly) for (const name of Object.keys(at.outputs)) if (name in partly.outputs) values.set(`${at.node}.${name}`, partly.outputs[name]);
      // Where the trainer stopped, as a last progress report: its own reports are throttled (a few a second), so the
      // last one can lie many minibatches behind, and the Run tab and the Log's closing line show the last report.
      if (partly) {
        const { epoch, epochs, batch, batches } = partly.at;
        const inEpoch = batch !== undefined && batches ? Math.min(1, batch / batches) : 0;
        emit({
          type: 'progress',
          time: now(),
          node: at.node,
          phase: 'train',
          epoch,
          epochs,
          ...(batch !== undefined && batches !== undefined ? { batch, batches } : {}),
          fraction: epochs > 0 ? Math.min(1, (epoch - 1 + inEpoch) / epochs) : 0,
        });
      }
      const saves = steps.filter((s) => SAVED_FILE[s.kind] && !ran.has(s.node) && Object.values(s.inputs).flat().every((ref) => values.get(ref) !== undefined));
      const wrote: { node: string; path: string }[] = [];
      for (const save of saves) {
        try {
          await runStep(save, steps.indexOf(save), new StopToken());
          if (options.outDir) wrote.push({ node: save.node, path: join(options.outDir, SAVED_FILE[save.kind]!(save.params)) });
        } catch (e) {
          emit({ type: 'log', time: now(), level: 'warn', node: save.node, message: `could not save what was trained before the stop: ${(e as Error).message}` });
        }
      }
      const trained = partly ? 'the network as trained so far' : 'the trained network';
      let where = `stopped ${started ? 'in' : 'before'} ${at.node}`;
      if (partly) {
        const { epoch, epochs, batch, batches } = partly.at;
        where =
          batches === undefined || batch === undefined
            ? `stopped in epoch ${epoch} of ${epochs}`
            : batch === 0
              ? `stopped at the start of epoch ${epoch} of ${epochs}`
              : batch >= batches
                ? `stopped at the end of epoch ${epoch} of ${epochs}`
                : `stopped in epoch ${epoch} of ${epochs}, after ${batch} of its ${batches} minibatches`;
      }
      const what = wrote.length
        ? wrote.map((w) => `${w.node} wrote ${trained} to ${w.path}`).join('; ')
        : saves.length
          ? `${trained} was not saved`
          : partly
            ? 'no Save node takes the network, so what was trained so far is not kept'
            : '';
      const message = what ? `${where}: ${what}` : where;
      if (what) emit({ type: 'log', time: now(), level: 'info', node: at.node, message });
      return { node: at.node, ...(partly?.at ?? {}), saved: wrote.map((w) => w.path), message };
    };
    for (const [index, step] of steps.entries()) {
      currentNode = step.node;
      const started = !stop.stopped;
      try {
        if (!started) throw new StopRequested();
        await runStep(step, index, stop);
        ran.add(step.node);
      } catch (e) {
        if (!(e instanceof StopRequested)) throw e;
        stopped = await saveWhatIsReady(step, started, e.partly);
        throw new StopRequested();
      }
    }
    const s = summary('done');
    emit({ type: 'end', time: now(), status: 'done', wallSeconds: s.wall_seconds });
    return s;
  } catch (e) {
    if (e instanceof StopRequested) {
      const s = summary('stopped');
      emit({ type: 'end', time: now(), status: 'stopped', wallSeconds: s.wall_seconds, ...(currentNode ? { node: currentNode } : {}) });
      return s;
    }
    const message = e instanceof UserError ? e.message : `${(e as Error).message ?? String(e)}`;
    const node = e instanceof UserError && e.node ? e.node : currentNode;
    const s = summary('error', node ? `${node}: ${message}` : message);
    emit({ type: 'end', time: now(), status: 'error', wallSeconds: s.wall_seconds, error: message, ...(node ? { node } : {}) });
    if (!(e instanceof UserError) && process.env.PLASTICITY_DEBUG) console.error(e);
    return s;
  } finally {
    for (const v of values.values()) disposeValue(v);
    values.clear();
  }
}

const declaredLimits = new Map(allKinds.map((k) => [k.kind, new Set<RunLimitKey>(k.limits ?? [])]));

/**
 * The run options as a step of `kind` sees them: reading a run limit its kind does not declare (NodeKind.limits) is a
 * programming error, so what the app and the CLI say a run's limits applied to stays what the ops obey. (A kind outside
 * the catalog, a test's own, reads them freely.)
 */
function guardLimits(options: RunOptions, kind: string): RunOptions {
  const declared = declaredLimits.get(kind);
  if (!declared) return options;
  return new Proxy(options, {
    get(target, key, receiver) {
      if (typeof key === 'string' && (RUN_LIMIT_KEYS as readonly string[]).includes(key) && !declared.has(key as RunLimitKey))
        throw new Error(`internal: node kind "${kind}" reads the run limit ${key} but does not declare it in its limits`);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

interface Sinks {
  metric(name: string, v: number | number[]): void;
  image(name: string, png: Buffer, w: number, h: number): Promise<string>;
  throughput(v: number): void;
  data(d: DataUsed): void;
}

function makeContext(
  tf: RunContext['tf'],
  backend: string,
  options: RunOptions,
  planSeed: number,
  step: PlanStep,
  stop: StopToken,
  emit: (e: RunEvent) => void,
  sinks: Sinks,
): RunContext {
  const seed = parseInt(hash(`${planSeed}:${step.node}`).slice(0, 8), 16);
  const rng = seedrandom(String(seed));
  let lastYield = performance.now();
  return {
    tf,
    backend,
    options: guardLimits(options, step.kind),
    seed,
    step,
    random: () => rng(),
    nextSeed: () => Math.floor(rng() * 2 ** 31),
    async checkStop() {
      // Yield now and then so stop requests and progress I/O get through.
      if (performance.now() - lastYield > 50) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (stop.stopped) throw new StopRequested();
    },
    progress(p) {
      emit({ type: 'progress', time: Date.now(), node: step.node, ...p });
    },
    metric(name, value) {
      sinks.metric(name, value);
      emit({ type: 'metric', time: Date.now(), node: step.node, name, value });
      // A NaN or infinite measurement means the numbers diverged before it (an inference step too large, say): the
      // run ends as failed here, naming the node, rather than "done" with a meaningless figure.
      const bad = (Array.isArray(value) ? value : [value]).find((v) => !Number.isFinite(v));
      if (bad !== undefined)
        throw new UserError(`${name} is ${bad}${Array.isArray(value) ? ' in places' : ''}: the numbers diverged before this measurement (NaN or infinite values); try smaller step sizes or learning rates`, step.node);
    },
    image: (name, png, w, h) => sinks.image(name, png, w, h),
    log(message, level = 'info') {
      emit({ type: 'log', time: Date.now(), level, node: step.node, message });
    },
    reportTrainThroughput: (v) => sinks.throughput(v),
    reportData: (d) => sinks.data(d),
  };
}
