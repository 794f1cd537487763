/**
 * The editor end to end, in Debian's Chromium against browser mode (`npm run serve`'s server with
 * its engine worker): palette drag and wiring, a refused wire, live diagnostics, undo/redo, param
 * edits, examples, a short run with progress and a sample image, Stop, save/reopen round trip,
 * and drag smoothness with 200 nodes. Writes docs/screenshot-editor.png.
 *
 * One file on purpose: the renderer is built once, and the tests share one server and browser.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadGraph, saveGraph, type GraphDocument } from '../../nodes/core/index.ts';
import { ensureRendererBuilt } from '../../nodes/server/build-renderer.ts';
import { CHROMIUM, launchBrowser, openApp, ROOT, startServer, type Served } from './harness.ts';

const haveChromium = existsSync(CHROMIUM);
const d = haveChromium ? describe : describe.skip;
if (!haveChromium) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium (see .ci/run)`);

let server: Served;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

const node = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`);
const socket = (page: Page, id: string, side: 'input' | 'output', port: string) =>
  page.locator(`[data-node-id="${id}"] [data-side="${side}"][data-port="${port}"] [data-type]`);
const connections = (page: Page) => page.locator('.lab-canvas [data-testid="connection"]:not(.pseudo)');

async function dragFromPalette(page: Page, kind: string, x: number, y: number): Promise<void> {
  const canvas = page.locator('[data-testid="canvas"]');
  await page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`).dragTo(canvas, { targetPosition: { x, y } });
}

async function wire(page: Page, from: { node: string; port: string }, to: { node: string; port: string }): Promise<void> {
  const a = await socket(page, from.node, 'output', from.port).boundingBox();
  const b = await socket(page, to.node, 'input', to.port).boundingBox();
  if (!a || !b) throw new Error('socket not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function select(page: Page, id: string): Promise<void> {
  await node(page, id).locator('.header').click();
  await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).toBe(id);
}

async function problemsFor(page: Page, id: string): Promise<string[]> {
  await page.click('[data-testid="tab-problems"]');
  return page.locator(`[data-testid="problem"][data-node="${id}"]`).allTextContents();
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="save-as"]');
  await page.fill('[data-testid="file-dialog-name"]', name);
  await page.click('[data-testid="file-save"]');
  await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain(name);
}

d('desktop app in the browser (e2e)', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await startServer();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses requests without the access token', async () => {
    const u = new URL(server.url);
    const res = await fetch(`${u.origin}/`);
    expect(res.status).toBe(403);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('drags an encoder and a decoder, wires them, refuses a bad wire, shows live diagnostics, undoes and redoes', async () => {
    const page = await openApp(browser.context, server.url);
    await dragFromPalette(page, 'layers.encoder', 200, 200);
    await expect.poll(() => node(page, 'encoder1').count()).toBe(1);
    await dragFromPalette(page, 'layers.decoder', 560, 260);
    await expect.poll(() => node(page, 'decoder1').count()).toBe(1);

    // Diagnostics appear live: the encoder's input is not wired.
    await expect.poll(() => node(page, 'encoder1').locator('[data-testid="node-error"]').count()).toBe(1);
    expect((await problemsFor(page, 'encoder1')).join(' ')).toContain('must be wired');

    // A good wire: layer -> layer.
    await wire(page, { node: 'encoder1', port: 'out' }, { node: 'decoder1', port: 'from' });
    await expect.poll(() => connections(page).count()).toBe(1);
    await expect.poll(async () => (await problemsFor(page, 'decoder1')).join(' ')).not.toContain('input from');

    // A refused wire: a decoder output cannot feed a layer input; the sentence comes from canConnect.
    await wire(page, { node: 'decoder1', port: 'decoder' }, { node: 'encoder1', port: 'in' });
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toContain('a decoder output cannot feed a layer input');
    expect(await connections(page).count()).toBe(1);

    // Undo removes the wire, redo puts it back.
    await page.click('[data-testid="undo"]');
    await expect.poll(() => connections(page).count()).toBe(0);
    await expect.poll(async () => (await problemsFor(page, 'decoder1')).join(' ')).toContain('input from');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => connections(page).count()).toBe(1);

    // Editing a param: out of range makes a diagnostic appear on the node; a good value clears it.
    await select(page, 'encoder1');
    await page.fill('[data-testid="param-units"]', '0');
    await page.press('[data-testid="param-units"]', 'Enter');
    await expect.poll(async () => (await problemsFor(page, 'encoder1')).join(' ')).toContain('units must be at least 1');
    await page.fill('[data-testid="param-units"]', '64');
    await page.press('[data-testid="param-units"]', 'Enter');
    await expect.poll(async () => (await problemsFor(page, 'encoder1')).join(' ')).not.toContain('units');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 64');
    // Undo the param edit: back to 0 and its diagnostic.
    await page.locator('[data-testid="canvas"]').click({ position: { x: 900, y: 500 } });
    await page.click('[data-testid="undo"]');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 0');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 64');
    await page.close();
  });

  it('opens an example, saves it, reopens it and saves an identical document', async () => {
    const page = await openApp(browser.context, server.url);
    await page.selectOption('[data-testid="examples"]', 'bengio2015-mnist');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(10);
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('bengio2015-mnist');

    await saveAs(page, 'round-a.json');
    const a = await readFile(join(server.workspace, 'round-a.json'), 'utf8');
    await page.click('[data-testid="open"]');
    await page.click('[data-testid="file-entry"][data-path="round-a.json"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(10);
    await saveAs(page, 'round-b.json');
    const b = await readFile(join(server.workspace, 'round-b.json'), 'utf8');
    expect(b).toBe(a);
    // And the same graph as the example file, apart from positions the scope containers fitted.
    const ex = loadGraph(JSON.parse(await readFile(join(ROOT, 'examples', 'bengio2015-mnist.json'), 'utf8')));
    const saved = loadGraph(JSON.parse(a));
    if (!ex.ok || !saved.ok) throw new Error('unparsable');
    const strip = (g: GraphDocument) => ({ ...g, nodes: g.nodes.map((n) => ({ ...n, position: [0, 0] })) });
    expect(strip(saved.doc)).toEqual(strip(ex.doc));
    await page.close();
  });

  it('runs the Bengio 2015 example with tiny limits (progress moves, a sample image appears), then stops a long run; leaves a screenshot', async () => {
    const page = await openApp(browser.context, server.url);
    await page.selectOption('[data-testid="examples"]', 'bengio2015-mnist');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(10);
    expect(await page.locator('[data-testid="quick"]').isChecked()).toBe(true);
    await page.click('[data-testid="run"]');
    const fraction = async () => Number(await page.locator('[data-testid="progress-bar"]').getAttribute('data-fraction'));
    await expect.poll(fraction, { timeout: 60_000 }).toBeGreaterThan(0);
    const first = await fraction();
    await expect.poll(fraction, { timeout: 60_000 }).toBeGreaterThan(first);
    await expect.poll(() => page.locator('[data-testid="run-image"]').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 120_000 }).toMatch(/done|error/);
    expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('done');
    expect(await page.locator('[data-testid="run-backend"]').textContent()).toMatch(/wasm|cpu|tensorflow/);

    // A long run (no limits): screenshot while it trains, then Stop.
    await page.locator('[data-testid="quick"]').uncheck();
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 30_000 }).toBe('running');
    await expect.poll(() => page.locator('.u-legend').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(4000);
    await select(page, 'f1');
    // Zoom in on the left half of the graph so the node cards are readable in the picture.
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.42, box.y + box.height * 0.45);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(60);
    }
    await page.waitForTimeout(300);
    await mkdir(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshot-editor.png') });
    expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('running');
    const t0 = Date.now();
    await page.click('[data-testid="stop"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 5_000, interval: 50 }).toBe('stopped');
    const ms = Date.now() - t0;
    console.log(`e2e: Stop took ${ms} ms to show "stopped"`);
    expect(ms).toBeLessThan(3000);
    await page.click('[data-testid="tab-history"]');
    await expect.poll(() => page.locator('[data-testid="history"] tbody tr').count()).toBe(2);
    await page.close();
  }, 240_000);

  it('keeps dragging smooth with 200 nodes on the canvas', async () => {
    // 200 nodes: 40 chains of MNIST -> encoder -> encoder -> decoder, plus metric outputs.
    const doc: GraphDocument = { format: 'plasticity-graph', version: 1, name: 'two hundred', seed: 1, nodes: [], wires: [] };
    for (let c = 0; c < 40; c++) {
      const x = (c % 8) * 1000;
      const y = Math.floor(c / 8) * 420;
      doc.nodes.push({ id: `d${c}`, kind: 'data.mnist', params: {}, position: [x, y] });
      doc.nodes.push({ id: `e${c}a`, kind: 'layers.encoder', params: { units: 100 }, position: [x + 250, y] });
      doc.nodes.push({ id: `e${c}b`, kind: 'layers.encoder', params: { units: 50 }, position: [x + 500, y] });
      doc.nodes.push({ id: `g${c}a`, kind: 'layers.decoder', params: {}, position: [x + 250, y + 160] });
      doc.nodes.push({ id: `g${c}b`, kind: 'layers.decoder', params: {}, position: [x + 500, y + 160] });
      doc.wires.push({ from: { node: `d${c}`, port: 'x' }, to: { node: `e${c}a`, port: 'in' } });
      doc.wires.push({ from: { node: `e${c}a`, port: 'out' }, to: { node: `e${c}b`, port: 'in' } });
      doc.wires.push({ from: { node: `e${c}a`, port: 'out' }, to: { node: `g${c}a`, port: 'from' } });
      doc.wires.push({ from: { node: `d${c}`, port: 'x' }, to: { node: `g${c}a`, port: 'to' } });
      doc.wires.push({ from: { node: `e${c}b`, port: 'out' }, to: { node: `g${c}b`, port: 'from' } });
      doc.wires.push({ from: { node: `e${c}a`, port: 'out' }, to: { node: `g${c}b`, port: 'to' } });
    }
    expect(doc.nodes.length).toBe(200);
    await writeFile(join(server.workspace, 'two-hundred.json'), saveGraph(doc));
    const page = await openApp(browser.context, server.url);
    await page.click('[data-testid="open"]');
    await page.click('[data-testid="file-entry"][data-path="two-hundred.json"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(200);
    if (process.env.E2E_NO_MINIMAP) await page.click('text=Minimap');
    await page.waitForTimeout(500);

    const header = await node(page, 'e17a').locator('.header').boundingBox();
    if (!header) throw new Error('node not visible');
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __rec: boolean };
      w.__frames = [];
      w.__rec = true;
      let last = performance.now();
      const tick = (t: number): void => {
        w.__frames.push(t - last);
        last = t;
        if (w.__rec) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    // Main-thread time (script, style, layout, paint tasks) from the DevTools protocol: less
    // sensitive than frame times to other processes competing for the two cores.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m: { name: string; value: number }) => [m.name, m.value]));
    const before = await metrics();
    if (process.env.E2E_PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const x0 = header.x + 40;
    const y0 = header.y + header.height / 2;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) {
      await page.mouse.move(x0 + Math.sin(i / 10) * 200, y0 + i * 1.5);
    }
    await page.mouse.up();
    const after = await metrics();
    if (process.env.E2E_PROFILE) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<number, number>();
      profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
      const byName = new Map<string, number>();
      for (const n of profile.nodes) {
        const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        byName.set(k, (byName.get(k) ?? 0) + (self.get(n.id) ?? 0));
      }
      console.log([...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
    }
    const perMove = (k: string): number => ((after[k] - before[k]) * 1000) / 120;
    const work = { taskMs: perMove('TaskDuration'), scriptMs: perMove('ScriptDuration'), layoutMs: perMove('LayoutDuration'), styleMs: perMove('RecalcStyleDuration') };
    const frames = await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __rec: boolean };
      w.__rec = false;
      return w.__frames.slice(2);
    });
    frames.sort((a, b) => a - b);
    const q = (p: number) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))];
    const median = q(0.5);
    const p95 = q(0.95);
    const load = (await import('node:os')).loadavg()[0];
    console.log(
      `e2e: dragging with 200 nodes: ${frames.length} frames, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; ` +
        `main thread per pointer move: ${work.taskMs.toFixed(1)} ms (script ${work.scriptMs.toFixed(1)}, layout ${work.layoutMs.toFixed(1)}, style ${work.styleMs.toFixed(1)}); load average ${load.toFixed(1)}`,
    );
    await writeFile(
      join(ROOT, 'docs', 'perf-drag-200.json'),
      `${JSON.stringify({ nodes: 200, wires: 240, frames: frames.length, medianMs: +median.toFixed(2), p95Ms: +p95.toFixed(2), mainThreadMsPerMove: +work.taskMs.toFixed(2), scriptMsPerMove: +work.scriptMs.toFixed(2), loadAverage: +load.toFixed(2) }, null, 2)}\n`,
    ).catch(() => undefined);
    expect(frames.length).toBeGreaterThan(10);
    // The aim is p95 < 33 ms; CI machines are shared, so the hard limit is looser.
    expect(p95).toBeLessThan(100);
    await page.close();
  }, 120_000);
});
