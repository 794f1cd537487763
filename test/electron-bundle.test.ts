/**
 * The desktop app's engine as it ships: dist/electron/engine.cjs built by Vite (build/vite.electron.config.ts),
 * run in a Node process standing in for Electron's utilityProcess (process.parentPort), loading tfjs and the wasm
 * backend from node_modules, and running an example to its end. The bundle loads them with require(), not
 * import() (Node's ESM loader has had bugs inside app.asar).
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, parseGraphText } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import type { FromEngine } from '../nodes/server/engine-protocol.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repo, so the bundle's require() finds node_modules as it does in the app.
const out = join(root, 'node_modules', '.cache', 'plasticity-electron-bundle-test');

beforeAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await build({ configFile: join(root, 'build', 'vite.electron.config.ts'), mode: 'main', logLevel: 'silent', build: { outDir: out, emptyOutDir: true, sourcemap: false } });
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the bundled engine (dist/electron/engine.cjs)', () => {
  it('loads tfjs with require(), not import()', () => {
    const engine = readFileSync(join(out, 'engine.cjs'), 'utf8');
    expect(engine).toContain('require("@tensorflow/tfjs")');
    expect(engine).not.toMatch(/\bimport\(/);
  });

  it('runs an example in a stand-in utilityProcess, on the wasm backend, to its end', async () => {
    const text = readFileSync(join(root, 'examples', 'ebm-early-inference.json'), 'utf8');
    const parsed = parseGraphText(text);
    if (!parsed.ok) throw new Error('the example does not parse');
    const compiled = compileGraph(parsed.doc, createRegistry());
    if (!compiled.ok) throw new Error('the example does not compile');
    // Electron gives the utilityProcess a process.parentPort with postMessage and 'message' events ({ data }).
    const shim = join(out, 'utility-shim.cjs');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      shim,
      `const { EventEmitter } = require('node:events');
const port = new EventEmitter();
port.postMessage = (m) => process.send(m);
process.parentPort = port;
process.on('message', (data) => port.emit('message', { data }));
require(${JSON.stringify(join(out, 'engine.cjs'))});
`,
    );
    const child = fork(shim, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const messages: FromEngine[] = [];
    const ended = new Promise<FromEngine>((resolve) =>
      child.on('message', (m: FromEngine) => {
        messages.push(m);
        if (m.type === 'done' || m.type === 'fatal') resolve(m);
      }),
    );
    child.send({ type: 'run', runId: 'r1', plan: compiled.plan, options: { epochs: 1 }, backend: 'wasm' });
    const end = await Promise.race([ended, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no end after 60 s; stderr: ${stderr}`)), 60_000))]);
    child.kill();
    expect(end.type, stderr).toBe('done');
    if (end.type !== 'done') return;
    expect(end.summary.status, end.summary.error).toBe('done');
    expect(end.summary.backend).toBe('wasm');
    const cos = end.summary.metrics.backprop_cosine as number[];
    expect(cos.length).toBeGreaterThan(0);
    expect(cos[0]).toBeGreaterThan(0.99);
    expect(messages.some((m) => m.type === 'event' && m.event.type === 'start')).toBe(true);
  }, 90_000);
});
