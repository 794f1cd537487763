/** Browser mode's server: the token, origin and shape checks, the same contract over a WebSocket, Stop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import WebSocket from 'ws';
import { resolves } from './support/packages.ts';
import { startLabServer, type LabServer } from '../nodes/server/ws-server.ts';

import { DEFAULT_EXAMPLES_DIR } from '../nodes/server/files.ts';
import type { EngineChannel, FromEngine, ToEngine } from '../nodes/server/engine-protocol.ts';

let server: LabServer;
let dir: string;
const posted: ToEngine[] = [];
let toHost: ((m: FromEngine) => void) | null = null;
const fakeEngine = (): EngineChannel => ({
  post: (m) => posted.push(m),
  onMessage: (cb) => (toHost = cb),
  onExit: () => undefined,
  kill: () => undefined,
});

function connect(query = `?token=${server.token}`, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function rpc(ws: WebSocket) {
  let id = 0;
  const frames: any[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  return {
    frames,
    async call(method: string, request: unknown): Promise<any> {
      const my = ++id;
      ws.send(JSON.stringify({ t: 'call', id: my, method, request }));
      for (let i = 0; i < 200; i++) {
        const f = frames.find((x) => x.t === 'result' && x.id === my);
        if (f) return f;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no answer');
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plasticity-server-test-'));
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>t</title>');
  await mkdir(join(dir, 'ws'));
  server = await startLabServer({ port: 0, staticDir: join(dir, 'static'), workspace: join(dir, 'ws'), examplesDir: DEFAULT_EXAMPLES_DIR, spawn: fakeEngine });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 and prints a URL carrying a random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses HTTP requests without the token and serves the app with it (then by cookie)', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${base}/index.html`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${base}/../../etc/passwd?token=${server.token}`)).status).toBe(404);
  });

  it('refuses WebSockets without the token or from another origin', async () => {
    await expect(connect('')).rejects.toThrow(/403/);
    await expect(connect('?token=nope')).rejects.toThrow(/403/);
    await expect(connect(`?token=${server.token}`, 'https://evil.example')).rejects.toThrow(/403/);
  });

  it('speaks the contract and rejects malformed frames without dropping the connection', async () => {
    const ws = await connect();
    const c = rpc(ws);
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'call', id: 'x', method: 'getInfo' }));
    ws.send(JSON.stringify({ t: 'eval', code: 'process.exit()' }));
    const info = await c.call('getInfo', {});
    expect(info).toMatchObject({ ok: true, value: { nativeDialogs: false } });
    // The native backends not installed here (the backend menu marks them), as resolving their packages finds.
    const missing = (['tensorflow-gpu', 'tensorflow'] as const).filter((b) => !resolves(`@tensorflow/tfjs-node${b === 'tensorflow-gpu' ? '-gpu' : ''}`));
    expect((info as { value: { notInstalled: string[] } }).value.notInstalled).toEqual(missing);
    expect(c.frames.filter((f) => f.t === 'error').length).toBe(3);
    expect(await c.call('nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await c.call('startRun', { doc: { format: 'x' } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await c.call('listExamples', {})).value.examples.length).toBeGreaterThan(0);
    ws.close();
  });

  it('keeps files inside the workspace and writes them atomically', async () => {
    const ws = await connect();
    const c = rpc(ws);
    expect(await c.call('writeFile', { path: '../escape.json', text: '{}' })).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(await c.call('writeFile', { path: 'a.txt', text: '{}' })).toMatchObject({ ok: false });
    expect(await c.call('writeFile', { path: 'g.json', text: '{"a":1}' })).toMatchObject({ ok: true, value: { name: 'g.json' } });
    expect(await readFile(join(dir, 'ws', 'g.json'), 'utf8')).toBe('{"a":1}');
    expect(await c.call('readFile', { path: 'g.json' })).toMatchObject({ ok: true, value: { text: '{"a":1}' } });
    expect((await c.call('listFiles', {})).value.files.map((f: { name: string }) => f.name)).toContain('g.json');
    expect(await c.call('readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false });
    ws.close();
  });

  it('keeps an autosave per tab: a reload finds its own, a new tab the newest no open tab holds', async () => {
    const closed = (ws: WebSocket): Promise<void> => new Promise((r) => (ws.once('close', () => r()), ws.close()));
    const [wsA, wsB] = [await connect(), await connect()];
    const [tabA, tabB] = [rpc(wsA), rpc(wsB)];
    expect(await tabA.call('autosave', { text: 'graph A', slot: 'tab-a' })).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(await tabB.call('autosave', { text: 'graph B', slot: 'tab-b' })).toMatchObject({ ok: true });
    // Two tabs, two files: B's autosave no longer replaces A's.
    expect(await readFile(join(dir, 'ws', '.autosave', 'tab-a.plasticity.json'), 'utf8')).toBe('graph A');
    expect((await tabA.call('recoverAutosave', { slot: 'tab-a' })).value).toMatchObject({ text: 'graph A', slot: 'tab-a' });
    // A new tab is offered nothing while both tabs are open (B's is newer, but B holds it).
    const tabC = rpc(await connect());
    expect((await tabC.call('recoverAutosave', { slot: 'tab-c' })).value).toEqual({ text: null, savedAt: null, slot: null, file: null });
    // A's tab is closed (or crashed) with its work unsaved: the next new tab is offered A's, and holds it.
    await closed(wsA);
    const tabD = rpc(await connect());
    await expect.poll(async () => (await tabD.call('recoverAutosave', { slot: 'tab-d' })).value).toMatchObject({ text: 'graph A', slot: 'tab-a' });
    expect((await rpc(await connect()).call('recoverAutosave', { slot: 'tab-e' })).value.text).toBeNull();
    // Clearing one slot leaves the other; a bad slot name is refused by the contract.
    expect(await tabD.call('autosave', { text: null, slot: 'tab-a' })).toMatchObject({ ok: true });
    expect(existsSync(join(dir, 'ws', '.autosave', 'tab-a.plasticity.json'))).toBe(false);
    expect(await readFile(join(dir, 'ws', '.autosave', 'tab-b.plasticity.json'), 'utf8')).toBe('graph B');
    expect(await tabB.call('autosave', { text: 'x', slot: '../escape' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await tabB.call('autosave', { text: null, slot: 'tab-b' });
    await closed(wsB);
    // The one autosave of earlier versions is not lost: it becomes a slot of its own, offered to a new tab.
    await writeFile(join(dir, 'ws', '.autosave.plasticity.json'), 'graph of an earlier version');
    const tabF = rpc(await connect());
    expect((await tabF.call('recoverAutosave', { slot: 'tab-f' })).value).toMatchObject({ text: 'graph of an earlier version', slot: 'earlier' });
    expect(existsSync(join(dir, 'ws', '.autosave.plasticity.json'))).toBe(false);
    await tabF.call('autosave', { text: null, slot: 'earlier' });
  });

  it("keeps the file unsaved work belongs to with its autosave, and gives it back on recovery (text-only autosaves still read)", async () => {
    const tab = rpc(await connect());
    const slotFile = join(dir, 'ws', '.autosave', 'tab-file.plasticity.json');
    const graph = '{"format":"plasticity-graph","version":1,"name":"stdp-rate-vs-spike","nodes":[],"wires":[]}';
    // Work on mine.json: the autosave names the file, and recovery (a reload) gives it back with the text unchanged.
    expect(await tab.call('autosave', { text: graph, slot: 'tab-file', path: 'mine.json' })).toMatchObject({ ok: true });
    expect(JSON.parse(await readFile(slotFile, 'utf8'))).toEqual({ format: 'plasticity-autosave', path: 'mine.json', text: graph });
    const back = (await tab.call('recoverAutosave', { slot: 'tab-file' })).value;
    expect(back).toMatchObject({ text: graph, slot: 'tab-file', file: { path: 'mine.json', name: 'mine.json' } });
    expect(typeof back.savedAt).toBe('number');
    // Work with no file is kept as its bare text, as before, and is recovered with none.
    expect(await tab.call('autosave', { text: graph, slot: 'tab-file' })).toMatchObject({ ok: true });
    expect(await readFile(slotFile, 'utf8')).toBe(graph);
    expect((await tab.call('recoverAutosave', { slot: 'tab-file' })).value).toMatchObject({ text: graph, file: null });
    // An autosave of an earlier version (text only) reads as work with no file, whatever the text.
    for (const old of ['graph of an earlier version', '{"format":"plasticity-autosave","path":"cut short']) {
      await writeFile(slotFile, old);
      expect((await tab.call('recoverAutosave', { slot: 'tab-file' })).value).toMatchObject({ text: old, file: null });
    }
    // A path Save could not write in the workspace: outside it, no file; a file in a subfolder, its name only (Save As).
    await writeFile(slotFile, JSON.stringify({ format: 'plasticity-autosave', path: '../outside.json', text: graph }));
    expect((await tab.call('recoverAutosave', { slot: 'tab-file' })).value).toMatchObject({ text: graph, file: null });
    await writeFile(slotFile, JSON.stringify({ format: 'plasticity-autosave', path: 'sub/deep.json', text: graph }));
    expect((await tab.call('recoverAutosave', { slot: 'tab-file' })).value).toMatchObject({ text: graph, file: { path: null, name: 'deep.json' } });
    // The contract checks the path as any other.
    expect(await tab.call('autosave', { text: graph, slot: 'tab-file', path: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await tab.call('autosave', { text: null, slot: 'tab-file' })).toMatchObject({ ok: true });
    expect(existsSync(slotFile)).toBe(false);
  });

  it('starts a run in the engine worker, relays its events, and Stop reaches it', async () => {
    const ws = await connect();
    const c = rpc(ws);
    const doc = { format: 'plasticity-graph', version: 1, name: 't', seed: 1, nodes: [{ id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] }], wires: [] };
    const r = await c.call('startRun', { doc, options: { trainLimit: 5 } });
    expect(r.ok).toBe(true);
    const folder = r.value.folder as string;
    const runId = r.value.runId;
    expect(posted.at(-1)).toMatchObject({ type: 'run', runId, options: { trainLimit: 5 } });
    // The run gets a folder of its own in the workspace: <workspace>/runs/<date>_<time>-<graph name>.
    const outDir = (posted.at(-1) as Extract<ToEngine, { type: 'run' }>).options.outDir!;
    expect(outDir.startsWith(join(dir, 'ws', 'runs') + sep)).toBe(true);
    expect((posted.at(-1) as Extract<ToEngine, { type: 'run' }>).options.baseDir).toBe(join(dir, 'ws')); // relative Load paths start from the workspace
    expect(basename(outDir)).toMatch(/^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-t$/);
    expect(folder).toBe(basename(outDir)); // startRun names the folder: the run's id for listRuns, readRun and setRunNote
    toHost!({ type: 'event', runId, event: { type: 'log', time: 1, level: 'info', message: 'hello' } });
    toHost!({ type: 'event', runId, event: { type: 'start', time: 2, backend: 'cpu', backendNote: '', graph: 't', steps: 1, seed: 1 } });
    await new Promise((res) => setTimeout(res, 50));
    const relayed = c.frames.filter((f) => f.t === 'event' && f.name === 'onRunEvent').map((f) => f.payload.event);
    expect(relayed[0]).toMatchObject({ message: 'hello' });
    expect(relayed.at(-1)).toMatchObject({ type: 'log', message: `this run's files (graph.json, metrics.jsonl, pictures, saved weights, summary.json): ${outDir}` });
    expect(await c.call('stopRun', { runId })).toEqual({ t: 'result', id: 2, ok: true, value: { stopped: true } });
    expect(posted.at(-1)).toEqual({ type: 'stop', runId });
    for (let i = 0; i < 150 && !c.frames.some((f) => f.name === 'onRunFinished'); i++) await new Promise((res) => setTimeout(res, 10));
    expect(c.frames.find((f) => f.name === 'onRunFinished')?.payload.summary.status).toBe('stopped');
    // summary.json lands in the run's folder (written just after the summary is sent)
    for (let i = 0; i < 100 && !existsSync(join(outDir, 'summary.json')); i++) await new Promise((res) => setTimeout(res, 10));
    expect(JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8'))).toMatchObject({ graph: 't', status: 'stopped', backend: 'cpu' });
    // Every event relayed is in the folder's metrics.jsonl too, as the CLI writes it, ending with the end event.
    const logged = (await readFile(join(outDir, 'metrics.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(logged.map((e) => e.type)).toEqual(['log', 'start', 'log', 'end']);
    expect(logged.at(-1)).toMatchObject({ type: 'end', status: 'stopped' });
    // and the run is listed among the past runs, and reads back
    const listed = (await c.call('listRuns', {})).value.runs;
    expect(listed).toMatchObject([{ id: basename(outDir), graph: 't', status: 'stopped' }]);
    const back = await c.call('readRun', { id: basename(outDir) });
    expect(back.value.events.map((e: { type: string }) => e.type)).toEqual(['log', 'start', 'log', 'end']);
    // the folder keeps the graph the run ran
    expect(JSON.parse(back.value.graph)).toEqual(doc);
    expect(await c.call('readRun', { id: '..' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await c.call('readRun', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'failed' } });
    // A note on the run goes into its folder (note.md) and comes back with the list and the run; an empty one removes it.
    expect(back.value.note).toBe('');
    expect((await c.call('setRunNote', { id: basename(outDir), text: 'β = 1: diverges' })).ok).toBe(true);
    expect(await readFile(join(outDir, 'note.md'), 'utf8')).toBe('β = 1: diverges\n');
    expect((await c.call('listRuns', {})).value.runs[0].note).toBe('β = 1: diverges');
    expect((await c.call('readRun', { id: basename(outDir) })).value.note).toBe('β = 1: diverges');
    expect((await c.call('setRunNote', { id: basename(outDir), text: '' })).ok).toBe(true);
    expect(existsSync(join(outDir, 'note.md'))).toBe(false);
    expect(await c.call('setRunNote', { id: '../x', text: 'no' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await c.call('setRunNote', { id: 'nope', text: 'no' })).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(existsSync(join(dir, 'ws', 'runs', 'nope'))).toBe(false);
    // Deleting the run moves its folder into runs/.trash: it leaves the list.
    const moved = await c.call('deleteRun', { id: basename(outDir) });
    expect(moved.ok).toBe(true);
    expect(existsSync(outDir)).toBe(false);
    expect(existsSync(join(moved.value.movedTo, 'summary.json'))).toBe(true);
    expect((await c.call('listRuns', {})).value.runs).toEqual([]);
    expect(await c.call('deleteRun', { id: '..' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    ws.close();
  });
});
