/**
 * Recovering unsaved work keeps it on its file: work on a workspace file, autosaved and then lost to a reload, is
 * offered under that file's name, recovered as that file (unsaved), and Save writes it there. Work with no file is
 * recovered untitled, as before. Browser mode, as app.test.ts runs it.
 */
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eDescribe, node, openApp, openExample, ROOT, setParam, useApp } from './harness.ts';

e2eDescribe('recovering unsaved work on a file (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  const slotFile = async (page: Page): Promise<string> =>
    join(app.server.workspace, '.autosave', `${await page.evaluate(() => sessionStorage.getItem('plasticity.autosaveSlot'))}.plasticity.json`);
  const fileName = (page: Page) => page.locator('[data-testid="file-name"] .fname').textContent();
  const isDirty = async (page: Page): Promise<boolean> => ((await page.locator('[data-testid="file-name"]').first().textContent()) ?? '').includes('•');

  /** Sets a node's parameter in the inspector (an edit: the graph has unsaved changes, autosaved 1.5 s later). */
  async function edit(page: Page, id: string, param: string, value: string): Promise<void> {
    await setParam(page, id, param, value);
    await expect.poll(() => isDirty(page)).toBe(true);
  }

  /** Reloads the page without saving (the harness answers the "leave the page?" question with yes), then waits for the offer. */
  async function reloadToRecovery(page: Page): Promise<void> {
    await page.reload();
    await page.waitForSelector('[data-testid="palette-item"]');
    await expect.poll(() => page.locator('[data-testid="recovery"]').isVisible(), { timeout: 10_000 }).toBe(true);
  }

  it('names the file in the offer, recovers the work as that file (unsaved), and Save writes there', async () => {
    // A copy of an example, its graph name unchanged: the file's name and the graph's differ.
    await copyFile(join(ROOT, 'examples', 'stdp-rate-vs-spike.json'), join(app.server.workspace, 'mine.json'));
    const page = await openApp(app.browser.context, app.server.url);
    await page.click('[data-testid="open"]');
    await page.dblclick('[data-testid="file-entry"][data-path="mine.json"]');
    await expect.poll(() => fileName(page)).toBe('mine.json');
    await edit(page, 'sim', 'trains', '700');
    const autosave = await slotFile(page);
    await expect.poll(async () => (existsSync(autosave) ? await readFile(autosave, 'utf8') : ''), { timeout: 10_000 }).toContain('"trains\\": 700');
    expect(JSON.parse(await readFile(autosave, 'utf8'))).toMatchObject({ format: 'plasticity-autosave', path: 'mine.json' });

    await reloadToRecovery(page);
    const banner = await page.locator('[data-testid="recovery"]').textContent();
    expect(banner).toContain('Unsaved work on “mine.json”');
    expect(banner).not.toContain('stdp-rate-vs-spike');
    await page.click('[data-testid="recovery"] >> text=Recover');
    await expect.poll(() => page.locator('[data-testid="recovery"]').count()).toBe(0);
    await expect.poll(() => node(page, 'sim').count()).toBe(1);
    // The file's again, with its changes unsaved (and still autosaved as the file's: another reload would offer it so).
    expect(await fileName(page)).toBe('mine.json');
    expect(await isDirty(page)).toBe(true);
    await expect.poll(() => page.title()).toBe('mine.json • — Plasticity Lab');
    expect(JSON.parse(await readFile(autosave, 'utf8'))).toMatchObject({ format: 'plasticity-autosave', path: 'mine.json' });
    expect(JSON.parse(await readFile(join(app.server.workspace, 'mine.json'), 'utf8')).nodes.find((n: { id: string }) => n.id === 'sim').params.trains).toBe(1000);

    // Save writes mine.json, asking nothing: no Save As for a file of another name.
    await page.click('[data-testid="save"]');
    await expect.poll(() => isDirty(page)).toBe(false);
    expect(await page.locator('[data-testid="file-dialog"]').count()).toBe(0);
    expect(await fileName(page)).toBe('mine.json');
    const saved = JSON.parse(await readFile(join(app.server.workspace, 'mine.json'), 'utf8'));
    expect(saved.name).toBe('stdp-rate-vs-spike');
    expect(saved.nodes.find((n: { id: string }) => n.id === 'sim').params.trains).toBe(700);
    expect(existsSync(join(app.server.workspace, 'stdp-rate-vs-spike.json'))).toBe(false);
    // Saved: the autosave goes, and nothing is offered at the next start.
    await expect.poll(() => existsSync(autosave)).toBe(false);
    await page.reload();
    await page.waitForSelector('[data-testid="palette-item"]');
    await page.waitForTimeout(1000);
    expect(await page.locator('[data-testid="recovery"]').count()).toBe(0);
  }, 90_000);

  it('recovers work with no file untitled, under the graph\'s name, and Save asks where', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-rate-vs-spike');
    await edit(page, 'sim', 'trains', '600');
    const autosave = await slotFile(page);
    await expect.poll(async () => (existsSync(autosave) ? await readFile(autosave, 'utf8') : ''), { timeout: 10_000 }).toContain('"trains": 600');
    // No file: the autosave is the graph's text alone, as ever.
    expect(JSON.parse(await readFile(autosave, 'utf8')).format).toBe('plasticity-graph');

    await reloadToRecovery(page);
    expect(await page.locator('[data-testid="recovery"]').textContent()).toContain('Unsaved work on “stdp-rate-vs-spike”');
    await page.click('[data-testid="recovery"] >> text=Recover');
    await expect.poll(() => node(page, 'sim').count()).toBe(1);
    expect(await fileName(page)).toBe('stdp-rate-vs-spike.json');
    expect(await isDirty(page)).toBe(true);
    await page.click('[data-testid="save"]');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(1);
    expect(await page.locator('[data-testid="file-dialog-name"]').inputValue()).toBe('stdp-rate-vs-spike.json');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(0);
    // Left unsaved: discarded for an example, so no autosave is left for the next suite's pages.
    await openExample(page, 'stdp-curve');
    await expect.poll(() => existsSync(autosave)).toBe(false);
  }, 90_000);
});
