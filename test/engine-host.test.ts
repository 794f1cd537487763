/**
 * RunHost (the app's run manager, in Electron's main process and the browser mode's server) with a fake engine:
 * non-finite numbers get through to the window and into summary.json; a window that refuses an event does not stop
 * the run's files; a run ended by the host itself (window closed, hard stop) keeps its seed, metrics and pictures,
 * and dispose() resolves only once summary.json is written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEvent } from '../electron/common/dispatch.ts';
import type { GraphDocument } from '../nodes/core/index.ts';
import { listPastRuns, readPastRun } from '../nodes/server/past-runs.ts';
import { formatRuns } from '../nodes/cli/tables.ts';
import { RunHost, type RunHostEvents } from '../nodes/server/engine-host.ts';
import type { EngineChannel, FromEngine } from '../nodes/server/engine-protocol.ts';
import type { RunEvent, RunSummary } from '../nodes/runtime/events.ts';
import type { RunOptions } from '../nodes/runtime/op.ts';
import { LOCK_FILE } from '../nodes/runtime/out-lock.ts';

const doc: GraphDocument = { format: 'plasticity-graph', version: 1, name: 'fake', seed: 7, nodes: [{ id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] }], wires: [] };

function fakeEngine() {
  let send: (m: FromEngine) => void = () => undefined;
  let exit: (code: number, cause?: string) => void = () => undefined;
  const e = {
    killed: 0,
    /** What the engine was told (run, stop). */
    posted: [] as { type: string }[],
    /** Called when the host posts a message: an engine that answers Stop. */
    onPost: (_m: { type: string }): void => undefined,
    exit: (code: number, cause?: string) => exit(code, cause),
    channel: {
      post: (m) => {
        e.posted.push(m);
        e.onPost(m);
      },
      onMessage: (cb) => (send = cb),
      onExit: (cb) => (exit = cb),
      kill: () => void e.killed++,
    } as EngineChannel,
    send: (m: FromEngine) => send(m),
  };
  return e;
}

/** The window as Electron's main process feeds it: every event and summary checked against the contract first. */
function checkingSink(refuse = false) {
  const got = { events: [] as RunEvent[], finished: [] as RunSummary[] };
  const sink: RunHostEvents = {
    event: (runId, event) => {
      if (refuse) throw new Error('the window is gone');
      got.events.push(checkEvent('onRunEvent', { runId, event }).event as RunEvent);
    },
    finished: (runId, summary) => void got.finished.push(checkEvent('onRunFinished', { runId, summary }).summary as RunSummary),
  };
  return { got, sink };
}

const start = (runId: string, seed = 7): FromEngine => ({ type: 'event', runId, event: { type: 'start', time: 1, graph: 'fake', backend: 'cpu', backendNote: '', steps: 1, seed } });
const summaryFile = (runsDir: string): Record<string, unknown> => {
  const [folder] = readdirSync(runsDir);
  return JSON.parse(readFileSync(join(runsDir, folder, 'summary.json'), 'utf8'));
};

/** A RunHost over a fake engine, its runs in a folder of their own, with a run of `doc` started. */
function started(options: RunOptions = {}, refuse = false, hardStopMs = 1000) {
  const runsDir = mkdtempSync(join(tmpdir(), 'plasticity-host-'));
  const engine = fakeEngine();
  const { got, sink } = checkingSink(refuse);
  const host = new RunHost(() => engine.channel, sink, hardStopMs, runsDir);
  const { runId, folder } = host.start({ doc, options, backend: 'auto' });
  return { runsDir, engine, got, host, runId, folder };
}

describe('RunHost', () => {
  it('passes a diverged loss and a log-likelihood of -Infinity to the window, kills the engine and writes summary.json', async () => {
    const { runsDir, engine, host, got, runId } = started();
    engine.send(start(runId));
    engine.send({ type: 'event', runId, event: { type: 'progress', time: 2, node: 'train', phase: 'train', metrics: { loss: Number.NaN } } });
    const summary: RunSummary = {
      graph: 'fake', status: 'done', backend: 'cpu', seed: 7, wall_seconds: 1, train_examples_per_second: null,
      metrics: { loss: Number.NaN, parzen_ll: Number.NEGATIVE_INFINITY, curve: [1, Number.NaN] }, images: [], options: {},
    };
    engine.send({ type: 'done', runId, summary });
    await host.dispose();
    expect(got.events.map((e) => e.type)).toEqual(['start', 'log', 'progress', 'end']);
    expect((got.events[2] as { metrics: Record<string, number> }).metrics.loss).toBeNaN();
    expect(got.finished[0].metrics).toEqual({ loss: Number.NaN, parzen_ll: Number.NEGATIVE_INFINITY, curve: [1, Number.NaN] });
    expect(engine.killed).toBe(1);
    expect(host.running).toBeNull();
    // JSON writes them as null; the run is still listed among past runs and reads back with NaN.
    expect(summaryFile(runsDir).metrics).toEqual({ loss: null, parzen_ll: null, curve: [1, null] });
    const listed = await listPastRuns(runsDir);
    expect(listed).toHaveLength(1);
    const back = await readPastRun(runsDir, listed[0].id);
    expect(back.summary.metrics.loss).toBeNaN();
    expect(back.events.find((e) => e.type === 'progress')).toMatchObject({ metrics: { loss: Number.NaN } });
  });

  it('holds its run folder\'s lock while it runs (a CLI run given that folder is refused), and lets go when summary.json is written', async () => {
    const { runsDir, engine, host, runId, folder } = started();
    const lock = join(runsDir, folder!, LOCK_FILE);
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    engine.send(start(runId));
    engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'done', backend: 'cpu', seed: 7, wall_seconds: 1, train_examples_per_second: null, metrics: {}, images: [], options: {} } });
    await host.dispose();
    expect(existsSync(join(runsDir, folder!, 'summary.json'))).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('a Quick run runs the plan with the graph\'s quick.set changes made, while graph.json keeps the graph without them', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'plasticity-host-'));
    const engine = fakeEngine();
    const host = new RunHost(() => engine.channel, checkingSink().sink, 1000, runsDir);
    const quickDoc: GraphDocument = { ...doc, quick: { trainLimit: 50, set: { 'data.trainLimit': 300 } } };
    const { runId, folder } = host.start({ doc: quickDoc, options: { trainLimit: 50, quick: true }, backend: 'auto' });
    const run = engine.posted.find((m) => m.type === 'run') as unknown as { plan: { steps: { node: string; params: Record<string, unknown> }[] }; options: RunOptions };
    expect(run.plan.steps.find((st) => st.node === 'data')!.params.trainLimit).toBe(300);
    expect(run.options).toMatchObject({ trainLimit: 50, quick: true });
    engine.send(start(runId));
    engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'done', backend: 'cpu', seed: 7, wall_seconds: 1, train_examples_per_second: null, metrics: {}, images: [], options: { trainLimit: 50, quick: true } } });
    await host.dispose();
    const ran = JSON.parse(readFileSync(join(runsDir, folder!, 'graph.json'), 'utf8')) as GraphDocument;
    expect(ran.nodes[0].params).toEqual({});
    expect(summaryFile(runsDir).label).toBeUndefined();
    expect(ran.quick).toEqual(quickDoc.quick);
    // Without quick, the same graph runs as it is.
    const full = new RunHost(() => engine.channel, checkingSink().sink, 20, runsDir);
    full.start({ doc: quickDoc, options: {}, backend: 'auto' });
    const again = engine.posted.filter((m) => m.type === 'run').at(-1) as unknown as { plan: { steps: { node: string; params: Record<string, unknown> }[] } };
    expect(again.plan.steps.find((st) => st.node === 'data')!.params.trainLimit).toBe(0);
    await full.dispose();
  });

  it('a run of a series keeps its label (place and what sets it apart) in summary.json, for the past runs\' list and plasticity runs', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'plasticity-host-'));
    const engine = fakeEngine();
    const host = new RunHost(() => engine.channel, checkingSink().sink, 20, runsDir);
    const { runId } = host.start({ doc, options: {}, backend: 'auto', label: '2/3 · nudge.beta=1' });
    engine.send(start(runId));
    engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'done', backend: 'cpu', seed: 7, wall_seconds: 1, train_examples_per_second: null, metrics: { e: 0.5 }, images: [], options: {} } });
    await host.dispose();
    expect(summaryFile(runsDir).label).toBe('2/3 · nudge.beta=1');
    const [listed] = await listPastRuns(runsDir);
    expect(listed.label).toBe('2/3 · nudge.beta=1');
    expect(formatRuns([listed])).toContain('fake (2/3 · nudge.beta=1)');
  });

  it('a window that refuses events does not stop the run from ending and writing its files', async () => {
    const { runsDir, engine, host, runId } = started({}, true);
    engine.send(start(runId));
    engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'done', backend: 'cpu', seed: 7, wall_seconds: 1, train_examples_per_second: null, metrics: { e: 0.5 }, images: [], options: {} } });
    await host.dispose();
    expect(engine.killed).toBe(1);
    expect(summaryFile(runsDir)).toMatchObject({ status: 'done', metrics: { e: 0.5 } });
  });

  it('a failed run names the node it stopped in, so the window can name and select it', async () => {
    const { engine, host, got, runId } = started();
    engine.send(start(runId));
    engine.send({ type: 'event', runId, event: { type: 'end', time: 3, status: 'error', wallSeconds: 1, error: 'cannot read a network from net.json', node: 'load1' } });
    engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'error', error: 'load1: cannot read a network from net.json', backend: 'cpu', seed: 7, wall_seconds: 1, train_examples_per_second: null, metrics: {}, images: [], options: {} } });
    await host.dispose();
    expect(got.events.at(-1)).toMatchObject({ type: 'end', status: 'error', node: 'load1', error: 'cannot read a network from net.json' });
    expect(got.finished[0]).toMatchObject({ status: 'error', error: 'load1: cannot read a network from net.json' });
  });

  it('a run stopped before the engine started says so: backend "not started", not a placeholder', async () => {
    const { runsDir, engine, host, got, runId } = started({}, false, 10);
    host.stop(runId);
    await new Promise((r) => setTimeout(r, 50));
    await host.dispose();
    expect(got.finished[0]).toMatchObject({ status: 'stopped', backend: 'not started', seed: 7 });
    expect(summaryFile(runsDir)).toMatchObject({ status: 'stopped', backend: 'not started' });
  });

  it('a run ended by the host (the window closed) keeps its seed, metrics and pictures, and dispose waits for summary.json', async () => {
    const { runsDir, engine, host, got, runId, folder } = started({ trainLimit: 100 });
    engine.send(start(runId, 3));
    engine.send({ type: 'event', runId, event: { type: 'metric', time: 3, node: 'eval', name: 'test_error', value: 0.25 } });
    engine.send({ type: 'event', runId, event: { type: 'image', time: 4, node: 'plot', name: 'curve', file: 'curve.png', width: 1, height: 1, pngBase64: '' } });
    const disposed = host.dispose();
    expect(host.writing).toBe(true);
    await disposed;
    expect(host.writing).toBe(false);
    expect(existsSync(join(runsDir, folder!, 'summary.json'))).toBe(true);
    const s = summaryFile(runsDir);
    expect(s).toMatchObject({ status: 'stopped', seed: 3, metrics: { test_error: 0.25 }, images: ['curve.png'], options: { trainLimit: 100 } });
    expect(got.finished[0]).toMatchObject({ status: 'stopped', seed: 3, metrics: { test_error: 0.25 } });
    expect(engine.killed).toBe(1);
  });

  it('closing the window stops the run as Stop does: the engine records the curves so far, and summary.json has them', async () => {
    const { runsDir, engine, host, runId } = started();
    engine.send(start(runId));
    engine.onPost = (m) => {
      if (m.type !== 'stop') return;
      // The engine's answer to Stop: the curves of the epochs done, then its summary.
      engine.send({ type: 'event', runId, event: { type: 'metric', time: 5, node: 'train', name: 'train_error', value: [0.2, 0.1] } });
      engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'stopped', backend: 'cpu', seed: 7, wall_seconds: 2, train_examples_per_second: 900, metrics: { train_error: [0.2, 0.1] }, images: [], options: {} } });
    };
    const t0 = Date.now();
    await host.dispose();
    expect(Date.now() - t0).toBeLessThan(500); // the engine answered: no hard stop
    expect(engine.posted.map((m) => m.type)).toEqual(['run', 'stop']);
    expect(summaryFile(runsDir)).toMatchObject({ status: 'stopped', train_examples_per_second: 900, metrics: { train_error: [0.2, 0.1] } });
  });

  it('a hard stop keeps the per-epoch figures the progress reports gave (not the per-batch ones), the engine\'s own metrics first', async () => {
    const { runsDir, engine, host, runId } = started({}, false, 20);
    engine.send(start(runId));
    const progress = (metrics: Record<string, number>, batch?: number): FromEngine => ({ type: 'event', runId, event: { type: 'progress', time: 2, node: 'train', phase: 'train', epoch: 1, epochs: 5, ...(batch ? { batch, batches: 10 } : {}), metrics } });
    engine.send(progress({ train_error: 0.5 }, 3));
    engine.send(progress({ train_error: 0.3, test_error: 0.2 }));
    engine.send(progress({ train_error: 0.25 }, 4));
    engine.send(progress({ train_error: 0.2, test_error: 0.15 }));
    engine.send({ type: 'event', runId, event: { type: 'metric', time: 3, node: 'x', name: 'test_error', value: 0.125 } });
    await host.dispose();
    expect(summaryFile(runsDir)).toMatchObject({ status: 'stopped', metrics: { train_error: [0.3, 0.2], test_error: 0.125 } });
  });

  it('after Stop, a Save node writing the network trained so far gets a hard-stop time of its own, and summary.json says where the run stopped', async () => {
    const { runsDir, engine, host, runId } = started({}, false, 60);
    engine.send(start(runId));
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    host.stop(runId);
    await sleep(40);
    engine.send({ type: 'event', runId, event: { type: 'step', time: 4, node: 'save', kind: 'ebm.save', title: 'save', index: 5, total: 7 } });
    await sleep(40); // 80 ms after Stop: past its 60, within the save's own
    expect(host.running).not.toBeNull();
    const stopped = { node: 'train', epoch: 2, epochs: 3, batch: 2, batches: 10, saved: ['/out/eqprop.network.json'], message: 'stopped in epoch 2 of 3, after 2 of its 10 minibatches: save wrote the network as trained so far to /out/eqprop.network.json' };
    engine.send({ type: 'done', runId, summary: { graph: 'fake', status: 'stopped', backend: 'cpu', seed: 7, wall_seconds: 2, train_examples_per_second: 900, metrics: {}, images: [], options: {}, stopped } });
    await host.dispose();
    expect(summaryFile(runsDir)).toMatchObject({ status: 'stopped', stopped });
    const listed = await listPastRuns(runsDir);
    expect((await readPastRun(runsDir, listed[0].id)).summary.stopped).toEqual(stopped);
  });

  it('an engine that dies says why when it can (out of memory), in the run\'s error', async () => {
    const { engine, host, got, runId } = started();
    engine.send(start(runId));
    engine.exit(1, 'Worker terminated due to reaching memory limit: JS heap out of memory');
    await host.dispose();
    expect(got.finished[0]).toMatchObject({ status: 'error', error: 'the engine process exited unexpectedly (code 1): Worker terminated due to reaching memory limit: JS heap out of memory' });
  });

  it('never gives two runs one folder: a name taken meanwhile (another server, a CLI --out) goes to the next suffix', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'plasticity-host-'));
    const { sink } = checkingSink();
    const engines = [fakeEngine(), fakeEngine(), fakeEngine()];
    const hosts = engines.map((e) => new RunHost(() => e.channel, sink, 20, runsDir));
    // Three hosts start a run of the same graph in the same second (one folder name), none knowing of the others.
    const folders = hosts.map((h) => h.start({ doc, options: {}, backend: 'auto' }).folder!);
    expect(new Set(folders).size).toBe(3);
    expect(folders[1]).toBe(`${folders[0]}-2`);
    await Promise.all(hosts.map((h) => h.dispose()));
    expect(readdirSync(runsDir).sort()).toEqual([...folders].sort());
  });

  it('with a spare, Run takes an engine booted ahead with its backend loaded, and the next is booted when the run ends', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'plasticity-host-'));
    const { sink } = checkingSink();
    const engines: ReturnType<typeof fakeEngine>[] = [];
    const host = new RunHost(() => (engines.push(fakeEngine()), engines.at(-1)!.channel), sink, 20, runsDir, true);
    host.warmUp();
    host.warmUp(); // one is enough
    expect(engines.map((e) => e.posted.map((m) => m.type))).toEqual([['warm']]);
    const { runId } = host.start({ doc, options: {}, backend: 'wasm' });
    expect(engines).toHaveLength(1); // the run took the booted engine
    expect(engines[0].posted.map((m) => m.type)).toEqual(['warm', 'run']);
    engines[0].send(start(runId));
    engines[0].send({ type: 'done', runId, summary: { graph: 'fake', status: 'done', backend: 'wasm', seed: 7, wall_seconds: 1, train_examples_per_second: null, metrics: {}, images: [], options: {} } });
    // Ended: its engine killed, the next booted with the backend this run asked for.
    expect(engines[0].killed).toBe(1);
    expect(engines).toHaveLength(2);
    expect(engines[1].posted).toEqual([{ type: 'warm', backend: 'wasm' }]);
    // One that dies while it waits is not given a run: the run gets a new engine.
    engines[1].exit(1);
    host.start({ doc, options: {}, backend: 'wasm' });
    expect(engines).toHaveLength(3);
    expect(engines[2].posted.map((m) => m.type)).toEqual(['run']);
    // Closing during a run stops it and boots no engine after it.
    await host.dispose();
    expect(engines).toHaveLength(3);
    expect(engines[2].posted.map((m) => m.type)).toEqual(['run', 'stop']);
    // Closing kills the engine booted ahead.
    host.warmUp();
    expect(engines).toHaveLength(4);
    await host.dispose();
    expect(engines[3].killed).toBe(1);
    host.warmUp();
    expect(engines).toHaveLength(5); // a host used again (a new window on macOS) boots one again
  });

  it('without a spare, warmUp does nothing', () => {
    const engine = fakeEngine();
    let spawned = 0;
    const host = new RunHost(() => (spawned++, engine.channel), checkingSink().sink, 20);
    host.warmUp();
    expect(spawned).toBe(0);
  });
});
