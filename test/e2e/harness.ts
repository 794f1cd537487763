/**
 * End-to-end harness: builds the renderer once (globalSetup), starts `npm run serve`'s server as a
 * child process on a free port with a fresh workspace, and drives Debian's Chromium with
 * playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { ensureRendererBuilt } from '../../nodes/server/build-renderer.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` for a suite that drives Chromium: skipped (with a word why) on a machine without it. */
export const e2eDescribe = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium (see .ci/run)`);

export interface Served {
  url: string;
  workspace: string;
  proc: ChildProcess;
  output: () => string;
  close(): Promise<void>;
}

export async function startServer(): Promise<Served> {
  const workspace = await mkdtemp(join(tmpdir(), 'plasticity-e2e-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'nodes/server/main.ts', '--port', '0', '--workspace', workspace, '--no-build'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PLASTICITY_DEBUG: '1' },
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = (): void => {
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    workspace,
    proc,
    output: () => out,
    async close() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(viewport = { width: 1600, height: 1000 }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  // A fresh profile every time: nothing carried over between runs.
  const userDataDir = await mkdtemp(join(tmpdir(), 'plasticity-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    deviceScaleFactor: 1,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

const openPages = new Set<Page>();

/**
 * Closes the pages a test opened and left open (it failed before its own `page.close()`), so a
 * failure does not carry over: a page left open keeps autosaving into the shared workspace.
 */
export async function closeOpenPages(): Promise<void> {
  await Promise.all([...openPages].map((p) => p.close().catch(() => undefined)));
  openPages.clear();
}

/**
 * Opens the app in a new page. E2E_THROTTLE=N slows the page's CPU N times (Chrome's DevTools
 * throttling), to see the suite as a slow CI machine runs it.
 */
export async function openApp(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  page.on('dialog', (d) => void d.accept());
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error('[console]', m.text());
  });
  if (process.env.E2E_THROTTLE) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.E2E_THROTTLE) });
  }
  await page.goto(url);
  await page.waitForSelector('[data-testid="palette-item"]');
  return page;
}

/**
 * The app for the tests of the enclosing describe: the renderer built, the server started and a browser of `viewport`
 * launched before them (the fields are set then), each test's pages closed after it, both closed at the end.
 */
export function useApp(viewport?: { width: number; height: number }): { server: Served; browser: Awaited<ReturnType<typeof launchBrowser>> } {
  const app = {} as { server: Served; browser: Awaited<ReturnType<typeof launchBrowser>> };
  beforeAll(async () => {
    await ensureRendererBuilt();
    app.server = await startServer();
    app.browser = await launchBrowser(viewport);
  }, 180_000);
  afterEach(closeOpenPages);
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/** Opens the example graph `name` from the toolbar's Examples list, and waits until it is the open file. */
export async function openExample(page: Page, name: string): Promise<void> {
  await page.selectOption('[data-testid="examples"]', name);
  await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain(`${name}.json`);
}

/** A node's card on the canvas, by its id. */
export const node = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`);

/** Selects node `id` (a click on its card's header); the inspector then shows it. */
export async function select(page: Page, id: string): Promise<void> {
  await node(page, id).locator('.header').click();
  await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).toBe(id);
}

/** Selects node `id` and enters `value` for its parameter `param` in the inspector (Enter commits it). */
export async function setParam(page: Page, id: string, param: string, value: string): Promise<void> {
  await node(page, id).locator('.header').click();
  await page.fill(`[data-testid="param-${param}"]`, value);
  await page.press(`[data-testid="param-${param}"]`, 'Enter');
}
/** A port's socket on a node's card. */
export const socket = (page: Page, id: string, side: 'input' | 'output', port: string) =>
  page.locator(`[data-node-id="${id}"] [data-side="${side}"][data-port="${port}"] [data-type]`);
/** The wires drawn on the canvas (not the one being drawn). */
export const connections = (page: Page) => page.locator('.lab-canvas [data-testid="connection"]:not(.pseudo)');

/** Runs the graph in the editor (as the Quick run box says) and waits until the run is done. */
export async function runToEnd(page: Page): Promise<void> {
  const before = await page.locator('[data-testid="tab-history"] .n').textContent();
  await page.click('[data-testid="run"]');
  // The new run is in the history before it ends (a fast run may be done before a poll sees it running).
  await expect.poll(() => page.locator('[data-testid="tab-history"] .n').textContent()).toBe(String(Number(before) + 1));
  await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 120_000 }).toMatch(/done|error/);
  expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('done');
}

/**
 * Drags a kind from the palette onto the canvas at (x, y). Forced: on an empty canvas the list of examples lies over
 * its middle, and a drop there lands on the canvas as a user's does (the drop event reaches it), but Playwright's
 * check that the canvas itself is under the pointer would wait for ever.
 */
export async function dragFromPalette(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`).dragTo(page.locator('[data-testid="canvas"]'), { targetPosition: { x, y }, force: true });
}

/** Draws a wire with the mouse from an output's socket to an input's. */
export async function wire(page: Page, from: { node: string; port: string }, to: { node: string; port: string }): Promise<void> {
  const a = await socket(page, from.node, 'output', from.port).boundingBox();
  const b = await socket(page, to.node, 'input', to.port).boundingBox();
  if (!a || !b) throw new Error('socket not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** With E2E_SHOTS=dir, a screenshot of the page (or of one element) as dir/name.png, to look at; else nothing. */
export async function shot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.E2E_SHOTS) await target.screenshot({ path: join(process.env.E2E_SHOTS, `${name}.png`) });
}

/** Save As into the workspace under `name` (replacing a file of that name, asked twice), then the title shows it. */
export async function saveAs(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="save-as"]');
  await page.fill('[data-testid="file-dialog-name"]', name);
  await page.click('[data-testid="file-save"]');
  if (await page.locator('[data-testid="file-dialog-problem"]').isVisible()) await page.click('[data-testid="file-save"]');
  await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain(name);
}

/** docs/tutorial-eqprop.md's seven drops from the palette: kind and where on the canvas (Network's card overlaps MNIST's). */
export const TUTORIAL_DROPS: readonly [kind: string, x: number, y: number][] = [
  ['data.mnist', 20, 40],
  ['ebm.langevin', 20, 260],
  ['ebm.network', 250, 40],
  ['ebm.nudge', 250, 200],
  ['ebm.eqprop_rule', 250, 360],
  ['ebm.eqprop_train', 480, 40],
  ['ebm.evaluate', 710, 260],
];
