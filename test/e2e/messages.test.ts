/**
 * What the app says to the user: Problems rows as sentences (the code only in a tooltip), a notice when a wire
 * replaces an input's wire, an error message that can be dismissed and goes when a document opens, and a Run tab
 * that says how a run ended without a chart. Browser mode, as app.test.ts runs it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolves } from '../support/packages.ts';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connections, dragFromPalette, e2eDescribe, node, openApp, openExample, shot, useApp, wire } from './harness.ts';

const d = e2eDescribe;

let app: ReturnType<typeof useApp>;

const toast = (page: Page) => page.locator('[data-testid="toast"]');

/** The graph's wires, saved as `name` in the workspace and read back. */
async function wiresIn(page: Page, name: string): Promise<string[]> {
  await page.click('[data-testid="save-as"]');
  await page.fill('[data-testid="file-dialog-name"]', name);
  await page.click('[data-testid="file-save"]');
  // A file of that name already there is replaced when asked twice.
  if (await page.locator('[data-testid="file-dialog-problem"]').isVisible()) await page.click('[data-testid="file-save"]');
  await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain(name);
  const doc = JSON.parse(await readFile(join(app.server.workspace, name), 'utf8')) as { wires: { from: { node: string; port: string }; to: { node: string; port: string } }[] };
  return doc.wires.map((w) => `${w.from.node}.${w.from.port} -> ${w.to.node}.${w.to.port}`);
}

async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="open"]');
  await page.dblclick(`[data-testid="file-entry"][data-path="${name}"]`);
}

d('messages to the user (e2e)', () => {
  app = useApp({ width: 1366, height: 768 });

  it('a Problems row says the node and what is wrong in a sentence; the code is only in its tooltip', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'layers.encoder', 260, 200);
    await expect.poll(() => node(page, 'encoder1').count()).toBe(1);
    await page.click('[data-testid="tab-problems"]');
    const row = page.locator('[data-testid="problem"][data-node="encoder1"]').first();
    await row.waitFor();
    expect(await row.locator('.where').textContent()).toBe('Encoder f (encoder1) · in');
    expect(await row.locator('.msg').textContent()).toBe('input in (layer) must be wired.');
    expect(await row.textContent()).not.toContain('required_input_missing');
    expect(await row.getAttribute('title')).toBe('Error (required_input_missing): click to show the node');
    await shot(page, 'messages-problems');
  });

  it('a wire dropped on an input that had one says which wire it replaced; Undo puts that one back', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'layers.encoder', 200, 150);
    await dragFromPalette(page, 'layers.encoder', 200, 420);
    await dragFromPalette(page, 'layers.decoder', 620, 260);
    await expect.poll(() => node(page, 'decoder1').count()).toBe(1);
    await expect.poll(() => node(page, 'encoder2').count()).toBe(1);
    await wire(page, { node: 'encoder1', port: 'out' }, { node: 'decoder1', port: 'from' });
    await expect.poll(() => connections(page).count()).toBe(1);
    expect(await toast(page).count()).toBe(0);
    await wire(page, { node: 'encoder2', port: 'out' }, { node: 'decoder1', port: 'from' });
    await expect.poll(() => toast(page).textContent()).toBe(
      'Replaced the wire Encoder f (encoder1).out → Decoder g (decoder1).from: an input takes one wire (Undo puts it back)',
    );
    expect(await toast(page).getAttribute('data-kind')).toBe('warn');
    await shot(page, 'messages-replaced');
    expect(await connections(page).count()).toBe(1);
    // One undo step takes the new wire away and puts the old one back.
    await page.click('[data-testid="undo"]');
    await expect.poll(() => wiresIn(page, 'undone.json')).toEqual(['encoder1.out -> decoder1.from']);
    await page.click('[data-testid="redo"]');
    await expect.poll(() => wiresIn(page, 'redone.json')).toEqual(['encoder2.out -> decoder1.from']);
  });

  it('an error from a failed Open stays until dismissed (its button, Escape) and goes when a document opens', async () => {
    await writeFile(join(app.server.workspace, 'notes.json'), JSON.stringify({ hello: 'not a graph' }));
    const page = await openApp(app.browser.context, app.server.url);
    const failOpen = async (): Promise<void> => {
      await openWorkspaceFile(page, 'notes.json');
      await expect.poll(() => page.locator('[role="alert"] [data-testid="toast"]').textContent()).toMatch(/^Cannot open notes\.json: /);
    };
    await failOpen();
    await shot(page, 'messages-open-error');
    // Still there after the 5 s a warning gets, until the next click or key.
    await page.waitForTimeout(5500);
    expect(await toast(page).count()).toBe(1);
    await page.locator('[data-testid="canvas"]').click({ position: { x: 20, y: 20 } });
    await expect.poll(() => toast(page).count()).toBe(0);
    await failOpen();
    await page.click('[data-testid="toast-close"]');
    await expect.poll(() => toast(page).count()).toBe(0);
    await failOpen();
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => toast(page).count()).toBe(0);
    await failOpen();
    await openExample(page, 'stdp-curve');
    expect(await toast(page).count()).toBe(0);
  });

  it('a run that failed before any batch reported says so where its charts would be', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.fill('[data-testid="palette-search"]', 'ebm.load');
    await page.press('[data-testid="palette-search"]', 'Enter');
    const card = page.locator('[data-testid="node"][data-kind="ebm.load"]');
    await expect.poll(() => card.count()).toBe(1);
    await card.locator('.header').click();
    await page.fill('[data-testid="param-path"]', 'no-such-file.network.json');
    await page.press('[data-testid="param-path"]', 'Enter');
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 120_000 }).toBe('error');
    await page.click('[data-testid="tab-run"]');
    expect(await page.locator('[data-testid="charts-placeholder"]').textContent()).toContain('Failed before any batch reported');
    expect(await page.locator('[data-testid="pictures-placeholder"]').textContent()).toBe('This run made no pictures.');
    await shot(page, 'messages-run-failed');
  }, 180_000);

  it('the backend menu marks the native backends whose package is not installed, and does not offer them', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    for (const [b, pkg] of [['tensorflow', '@tensorflow/tfjs-node'], ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu']] as const) {
      const option = page.locator(`[data-testid="backend"] option[value="${b}"]`);
      const missing = !resolves(pkg);
      await expect.poll(() => option.isDisabled()).toBe(missing);
      expect(await option.textContent()).toBe(missing ? `${b} (not installed)` : b);
    }
    expect(await page.locator('[data-testid="backend"] option[value="wasm"]').isDisabled()).toBe(false);
  });
});
