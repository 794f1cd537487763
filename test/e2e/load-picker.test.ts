/**
 * A Load node's file picked from the runs' saved files rather than typed: the inspector's Pick… beside Load network's
 * (and Load weights') path lists the files Save nodes wrote in the workspace's runs folder, newest first, each with its
 * run; a pick sets the path as one undoable change, as typing it would; with none saved yet, a sentence says how to
 * get one. Browser mode, as app.test.ts runs it.
 */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dragFromPalette, e2eDescribe, openApp, select, setParam, useApp } from './harness.ts';

const RUN = '2026-11-25_09-50-12-eqprop-mnist';
const NEWEST = `runs/${RUN}/eqprop.network.json`;

/** Drops a node of `kind` on the empty canvas; resolves to its id. */
async function dropOne(page: Page, kind: string): Promise<string> {
  await dragFromPalette(page, kind, 300, 200);
  const card = page.locator('[data-node-id]');
  await expect.poll(() => card.count()).toBe(1);
  return (await card.getAttribute('data-node-id'))!;
}

e2eDescribe('picking a Load node\'s file from the runs (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  /** Writes `text` to `path` in the served workspace, dated `at`. */
  async function put(path: string, at: Date, text = '{}'): Promise<void> {
    const full = join(app.server.workspace, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, text);
    await utimes(full, at, at);
  }

  it('says how to get a saved network when there is none; then lists them newest first, and a pick is one undo step', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const id = await dropOne(page, 'ebm.load');
    await select(page, id);
    const path = page.locator('[data-testid="param-path"]');
    expect(await path.inputValue()).toBe('');

    // Nothing saved yet: a sentence, not an empty box.
    await page.click('[data-testid="pick-path"]');
    await expect.poll(() => page.locator('[data-testid="pick-none"]').textContent()).toBe('No saved networks yet: run a graph with a Save network node, and its file is listed here.');
    await page.click('[data-testid="pick-path"]');
    await expect.poll(() => page.locator('[data-testid="pick-list"]').count()).toBe(0);

    // Two runs saved a network (one of them without a summary.json), one saved weights; a file outside runs/ is not one of theirs.
    const summary = { graph: 'eqprop-mnist', status: 'done', backend: 'cpu', seed: 1, wall_seconds: 3, train_examples_per_second: null, metrics: {}, images: [], options: {} };
    await put(`runs/${RUN}/summary.json`, new Date('2026-11-25T09:51:00Z'), JSON.stringify(summary));
    await put(NEWEST, new Date('2026-11-25T09:51:00Z'));
    await put('runs/2026-11-24_18-02-40-eqprop-mnist/first.network.json', new Date('2026-11-24T18:05:00Z'));
    await put(`runs/${RUN}/eqprop.weights.json`, new Date('2026-11-25T09:52:00Z'));
    await put('stray.network.json', new Date('2026-11-25T10:00:00Z'));

    await page.click('[data-testid="pick-path"]');
    const entries = page.locator('[data-testid="pick-entry"]');
    await expect.poll(() => entries.count()).toBe(2);
    expect(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual([NEWEST, 'runs/2026-11-24_18-02-40-eqprop-mnist/first.network.json']);
    // Each shows its run: the graph (when its summary says), when, and the folder and file.
    expect(await entries.nth(0).textContent()).toContain('eqprop-mnist');
    expect(await entries.nth(0).textContent()).toContain(`${RUN}/eqprop.network.json`);
    expect(await entries.nth(1).textContent()).toContain('run without a summary');

    // The pick sets the path, as typing it would, and the list closes.
    await entries.nth(0).click();
    await expect.poll(() => path.inputValue()).toBe(NEWEST);
    expect(await page.locator('[data-testid="pick-list"]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('•');

    // One undo step: one undo puts the empty path back, redo the pick.
    await page.click('[data-testid="undo"]');
    await expect.poll(() => path.inputValue()).toBe('');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => path.inputValue()).toBe(NEWEST);

    // The field is still typed in; the list marks the file it names.
    await setParam(page, id, 'path', 'runs/2026-11-24_18-02-40-eqprop-mnist/first.network.json');
    await page.click('[data-testid="pick-path"]');
    await expect.poll(() => page.locator('[data-testid="pick-entry"][aria-selected="true"]').getAttribute('data-path')).toBe('runs/2026-11-24_18-02-40-eqprop-mnist/first.network.json');
    // Escape closes the list without a change.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="pick-list"]').count()).toBe(0);
    expect(await path.inputValue()).toBe('runs/2026-11-24_18-02-40-eqprop-mnist/first.network.json');
  }, 60_000);

  // (The files are the ones the test above wrote into the workspace.)
  it('Load weights lists the saved weights only', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const id = await dropOne(page, 'model.load');
    await select(page, id);
    await page.click('[data-testid="pick-path"]');
    const entries = page.locator('[data-testid="pick-entry"]');
    await expect.poll(() => entries.count()).toBe(1);
    await entries.first().click();
    await expect.poll(() => page.locator('[data-testid="param-path"]').inputValue()).toBe(`runs/${RUN}/eqprop.weights.json`);
  }, 60_000);
});
