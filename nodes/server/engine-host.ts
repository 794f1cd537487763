/**
 * Hosts runs for the app: compiles the document, hands the plan to an engine worker (one per run,
 * so a run's memory goes away with it) and relays its events. Stop asks the worker to stop between
 * batches; if it has not ended within `hardStopMs` the worker is terminated and the run is reported
 * as stopped anyway, so Stop always takes effect within about a second. With `runsDir`, each run
 * gets its own folder there (as the CLI's --out): the graph as run (graph.json), pictures, the files
 * Save nodes write, every event in metrics.jsonl, and summary.json at the end. With `spare`, an engine is kept
 * booted and its backend loaded while no run goes (from warmUp, and again after each run), so Run starts at once
 * instead of after the seconds a new engine takes to load.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { lockFolder } from '../runtime/out-lock.ts';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { eventJsonLine, writeGraphJson, writeSummaryJson } from '../runtime/saved-files.ts';
import { compileGraph, formatDiagnostic, type GraphDocument, withQuickSets } from '../core/index.ts';
import { createRegistry } from '../kinds/index.ts';
import { type RunEvent, type RunSummary, summaryOptions } from '../runtime/events.ts';
import type { RunOptions } from '../runtime/op.ts';
import type { Backend, EngineChannel, FromEngine, SpawnEngine } from './engine-protocol.ts';

export interface RunHostEvents {
  event(runId: string, event: RunEvent): void;
  /** folder: the run's folder's name in runsDir, when it has one. */
  finished(runId: string, summary: RunSummary, folder?: string): void;
}

interface ActiveRun {
  runId: string;
  channel: EngineChannel;
  graph: string;
  backend: string;
  startedAt: number;
  outDir?: string;
  /** metrics.jsonl in outDir: every event the run sends, as the CLI writes it. */
  jsonl?: WriteStream;
  /** The folder's lock, as `plasticity run` takes it: a CLI run given this folder as --out is refused meanwhile. */
  lock?: { release: () => void };
  ended: boolean;
  stopTimer?: ReturnType<typeof setTimeout>;
  /** What the run has said so far, for a summary the host writes itself (hard stop, window closed, engine gone). */
  seed: number;
  metrics: RunSummary['metrics'];
  images: string[];
  options: RunOptions;
  /** graph.json being written. */
  graphWritten?: Promise<void>;
  /** A run of a series: its label (RunSummary.label). */
  label?: string;
  /** The engine's own end event: it names the node a failed run stopped in (the summary's error only starts with its id). */
  engineEnd?: Extract<RunEvent, { type: 'end' }>;
  /**
   * Each end-of-epoch figure its progress reports gave, by name: the curves so far, for a summary the host writes
   * itself when the engine could not record them (ended by a hard stop, or gone).
   */
  curves: Record<string, number[]>;
  /** The backend the run asked for (the next engine booted ahead loads it). */
  request: Backend;
  /** Resolves once the run has ended (finish), for dispose. */
  ended$: Promise<void>;
  markEnded: () => void;
}

/** A run's backend until the engine's start event names it. */
const STARTING = 'starting';

export class RunHost {
  private active: ActiveRun | null = null;
  private counter = 0;
  /** summary.json files being written: quitting waits for them (dispose). */
  private readonly writes = new Set<Promise<void>>();
  /** The engine booted ahead for the next run (with `spare`), and the backend it loaded. */
  private ready: { channel: EngineChannel; backend: Backend } | null = null;
  private disposing = false;

  constructor(
    private readonly spawn: SpawnEngine,
    private readonly sink: RunHostEvents,
    private readonly hardStopMs = 1000,
    readonly runsDir?: string,
    private readonly spare = false,
  ) {}

  /** With `spare`: boots an engine for the next run and loads `backend` in it, unless one is ready or a run goes. */
  warmUp(backend: Backend = 'auto'): void {
    if (!this.spare || this.disposing || this.running || this.ready?.backend === backend) return;
    this.ready?.channel.kill();
    const channel = this.spawn();
    const ready = { channel, backend };
    this.ready = ready;
    channel.onExit(() => {
      if (this.ready === ready) this.ready = null; // died while idle: the next run spawns its own
    });
    channel.post({ type: 'warm', backend });
  }

  /** The engine for a run: the one booted ahead, or a new one. */
  private engine(): EngineChannel {
    const ready = this.ready;
    this.ready = null;
    return ready?.channel ?? this.spawn();
  }

  /** A new folder for a run of `graph` started at `t` (local time): 2026-11-23_21-40-05-eqprop-mnist (-2, -3… if taken). */
  private runFolder(graph: string, t: number): string | undefined {
    if (!this.runsDir) return undefined;
    const d = new Date(t);
    const two = (n: number): string => String(n).padStart(2, '0');
    const stamp = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}`;
    const base = join(this.runsDir, `${stamp}-${graph.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'graph'}`);
    // Made here, and only if new: a name that another run (another server on this workspace, a CLI run given it as
    // --out) already took goes to the next suffix, so no two runs ever share a folder.
    try {
      mkdirSync(this.runsDir, { recursive: true });
    } catch {
      return base; // reported once, by openJsonl
    }
    for (let k = 1; ; k++) {
      const dir = k === 1 ? base : `${base}-${k}`;
      try {
        mkdirSync(dir);
        return dir;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return dir;
      }
    }
  }

  get running(): string | null {
    return this.active && !this.active.ended ? this.active.runId : null;
  }

  start(req: { doc: GraphDocument; options: RunOptions; backend: Backend; label?: string }): { runId: string; folder?: string } {
    if (this.running) throw new Error('a run is already in progress; stop it first');
    // A Quick run runs the graph with its Quick run's parameter changes; graph.json keeps it as it is (options.quick).
    const compiled = compileGraph(req.options.quick ? withQuickSets(req.doc) : req.doc, createRegistry());
    if (!compiled.ok) {
      const errs = compiled.diagnostics.filter((d) => d.severity === 'error');
      throw new Error(`the graph has ${errs.length} problem${errs.length === 1 ? '' : 's'}: ${errs.slice(0, 3).map(formatDiagnostic).join('; ')}`);
    }
    const runId = `run-${Date.now().toString(36)}-${++this.counter}`;
    const channel = this.engine();
    const startedAt = Date.now();
    const outDir = this.runFolder(req.doc.name, startedAt);
    // Relative paths in Load nodes start from the folder that holds runs/ (the workspace in browser mode).
    const options: RunOptions = outDir && this.runsDir ? { ...req.options, outDir, baseDir: dirname(this.runsDir) } : req.options;
    let markEnded = (): void => undefined;
    const ended$ = new Promise<void>((resolve) => (markEnded = resolve));
    const run: ActiveRun = {
      runId,
      channel,
      graph: req.doc.name,
      backend: STARTING,
      startedAt,
      ...(outDir ? { outDir, jsonl: openJsonl(outDir), lock: lockNew(outDir) } : {}),
      ended: false,
      seed: req.doc.seed,
      metrics: {},
      images: [],
      options,
      ...(req.label ? { label: req.label } : {}),
      curves: {},
      request: req.backend,
      ended$,
      markEnded,
    };
    // (summary.json waits for it: a folder with a summary is a finished run, with its graph.)
    if (outDir) run.graphWritten = writeGraphJson(outDir, req.doc).catch((e: Error) => console.error(`could not write ${join(outDir, 'graph.json')}: ${e.message}`));
    this.active = run;
    channel.onMessage((msg: FromEngine) => this.onMessage(run, msg));
    channel.onExit((code, cause) => {
      if (!run.ended) this.finish(run, 'error', `the engine process exited unexpectedly (code ${code})${cause ? `: ${cause}` : ''}`);
    });
    channel.post({ type: 'run', runId, plan: compiled.plan, options, backend: req.backend });
    return { runId, ...(outDir && this.runsDir ? { folder: basename(outDir) } : {}) };
  }

  stop(runId: string): boolean {
    const run = this.active;
    if (!run || run.runId !== runId || run.ended) return false;
    run.channel.post({ type: 'stop', runId });
    run.stopTimer ??= this.hardStop(run);
    return true;
  }

  /** Ends `run` as stopped in `hardStopMs` if the engine has not ended it by then. */
  private hardStop(run: ActiveRun): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      if (!run.ended) this.finish(run, 'stopped');
    }, this.hardStopMs);
  }

  /** Whether a run is being stopped or a summary.json is still being written: quitting now would lose one. */
  get writing(): boolean {
    return this.writes.size > 0 || (this.active !== null && !this.active.ended && this.active.stopTimer !== undefined);
  }

  /**
   * Ends everything (window closing, server shutting down): a run going is stopped as Stop stops it, so the engine
   * records what it measured so far (the curves of the epochs done), within `hardStopMs`. Resolves once every
   * summary.json is written, so the process can quit without losing one.
   */
  async dispose(): Promise<void> {
    this.disposing = true;
    try {
      const run = this.active;
      if (run && !run.ended) {
        this.stop(run.runId);
        await run.ended$;
      }
      this.ready?.channel.kill();
      this.ready = null;
      while (this.writes.size) await Promise.all([...this.writes]);
    } finally {
      this.disposing = false;
    }
  }

  private onMessage(run: ActiveRun, msg: FromEngine): void {
    if (run.ended || msg.runId !== run.runId) return;
    if (msg.type === 'event') {
      if (msg.event.type === 'start') {
        run.backend = msg.event.backend;
        run.seed = msg.event.seed;
      }
      if (msg.event.type === 'metric') run.metrics[msg.event.name] = msg.event.value;
      if (msg.event.type === 'progress' && msg.event.epoch !== undefined && msg.event.batch === undefined)
        for (const [name, value] of Object.entries(msg.event.metrics ?? {})) (run.curves[name] ??= []).push(value);
      if (msg.event.type === 'image' && !run.images.includes(msg.event.file)) run.images.push(msg.event.file);
      // A step begun after Stop is a Save node writing the network trained so far: it gets hardStopMs of its own.
      if (msg.event.type === 'step' && run.stopTimer) {
        clearTimeout(run.stopTimer);
        run.stopTimer = this.hardStop(run);
      }
      if (msg.event.type === 'end') {
        run.engineEnd = msg.event; // sent with the summary, below, so the two arrive together
        return;
      }
      this.relay(run, msg.event);
      if (msg.event.type === 'start' && run.outDir)
        this.relay(run, { type: 'log', time: Date.now(), level: 'info', message: `this run's files (graph.json, metrics.jsonl, pictures, saved weights, summary.json): ${run.outDir}` });
    } else if (msg.type === 'done') {
      this.finish(run, msg.summary.status, msg.summary.error, msg.summary);
    } else {
      this.finish(run, 'error', msg.message);
    }
  }

  private relay(run: ActiveRun, event: RunEvent): void {
    run.jsonl?.write(eventJsonLine(event));
    // The window may be gone, or refuse the event: the run goes on, and its files are written all the same.
    try {
      this.sink.event(run.runId, event);
    } catch (e) {
      console.error(`could not pass on a ${event.type} event of ${run.runId}: ${(e as Error).message}`);
    }
  }

  private finish(run: ActiveRun, status: RunSummary['status'], error?: string, summary?: RunSummary): void {
    run.ended = true;
    run.markEnded();
    if (run.stopTimer) clearTimeout(run.stopTimer);
    const wallSeconds = (Date.now() - run.startedAt) / 1000;
    const own: RunSummary = summary ?? {
      graph: run.graph,
      status,
      ...(error ? { error } : {}),
      // Ended before the engine said which backend it took (stopped at once, or the engine failed to start).
      backend: run.backend === STARTING ? 'not started' : run.backend,
      seed: run.seed,
      wall_seconds: wallSeconds,
      started_at: new Date(run.startedAt).toISOString(),
      finished_at: new Date().toISOString(),
      train_examples_per_second: null,
      // The engine's own metrics over the curves its progress gave (it records those too when it can).
      metrics: { ...run.curves, ...run.metrics },
      images: run.images,
      options: summaryOptions(run.options),
    };
    const s: RunSummary = run.label ? { ...own, label: run.label } : own;
    if (this.active === run) this.active = null;
    run.channel.kill();
    this.warmUp(run.request);
    // summary.json last, once metrics.jsonl is complete: a folder with a summary is a finished run.
    const outDir = run.outDir;
    if (outDir) {
      const written = new Promise<void>((resolve) => {
        const summarize = (): void =>
          void Promise.resolve(run.graphWritten).then(() => writeSummary(outDir, s)).then(() => {
            run.lock?.release();
            resolve();
          });
        // ('close' comes after the last write, or after a write error: the summary is written either way.)
        if (run.jsonl && !run.jsonl.closed) run.jsonl.once('close', summarize);
        else summarize();
      });
      this.writes.add(written);
      void written.then(() => this.writes.delete(written));
    }
    const end = run.engineEnd?.status === status ? run.engineEnd : undefined;
    this.relay(run, end ? { ...end, time: Date.now(), wallSeconds: s.wall_seconds } : { type: 'end', time: Date.now(), status, wallSeconds: s.wall_seconds, ...(error ? { error } : {}) });
    run.jsonl?.end();
    try {
      this.sink.finished(run.runId, s, outDir && this.runsDir ? basename(outDir) : undefined);
    } catch (e) {
      console.error(`could not pass on the end of ${run.runId}: ${(e as Error).message}`);
    }
  }
}

/** The lock of a run folder just made (no one else has it); none when the folder could not be made. */
function lockNew(dir: string): { release: () => void } | undefined {
  try {
    const lock = lockFolder(dir);
    return 'release' in lock ? lock : undefined;
  } catch {
    return undefined;
  }
}

/** The run folder and its metrics.jsonl; a folder that cannot be made only costs the event log (reported once). */
function openJsonl(dir: string): WriteStream | undefined {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    console.error(`could not make the run folder ${dir}: ${(e as Error).message}`);
    return undefined;
  }
  const stream = createWriteStream(join(dir, 'metrics.jsonl'));
  stream.on('error', (e) => console.error(`could not write ${join(dir, 'metrics.jsonl')}: ${e.message}`));
  return stream;
}

async function writeSummary(dir: string, s: RunSummary): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeSummaryJson(dir, s);
  } catch (e) {
    console.error(`could not write ${join(dir, 'summary.json')}: ${(e as Error).message}`);
  }
}

/** Spawns the engine in a worker_thread. From TypeScript sources (tsx), through a tiny loader bootstrap. */
export function spawnThreadEngine(): EngineChannel {
  const fromSource = import.meta.url.endsWith('.ts');
  const worker = fromSource
    ? new Worker(new URL('./engine-boot.mjs', import.meta.url), { workerData: { entry: new URL('./engine-thread.ts', import.meta.url).href } })
    : new Worker(new URL('./engine-thread.js', import.meta.url));
  let exited = false;
  // Why it failed (out of memory, an uncaught error), for the message that ends the run.
  let cause: string | undefined;
  worker.on('exit', () => {
    exited = true;
  });
  worker.on('error', (e) => {
    cause = e.message;
    console.error('engine worker failed:', e.message);
  });
  return {
    post: (msg) => worker.postMessage(msg),
    onMessage: (cb) => worker.on('message', cb),
    onExit: (cb) => worker.on('exit', (code) => cb(code, cause)),
    kill: () => {
      if (!exited) void worker.terminate();
    },
  };
}
