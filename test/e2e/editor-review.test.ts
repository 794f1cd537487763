/**
 * Findings of a user review of the editor, end to end in browser mode (as app.test.ts runs it): a file with a wire
 * between ports whose types do not match opens without it, said in the compiler's words; deleting a loop scope says
 * which body nodes went with it; a second Metric takes a name of its own; the palette search knows the methods' names.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadGraph, saveGraph, type GraphDocument } from '../../nodes/core/index.ts';
import { connections, dragFromPalette, e2eDescribe, openApp, saveAs, select, useApp } from './harness.ts';

const d = e2eDescribe;
const toast = (page: Page) => page.locator('[data-testid="toast"]').textContent();
const cards = (page: Page) => page.locator('[data-testid="node"]').count();

async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="open"]');
  await page.dblclick(`[data-testid="file-entry"][data-path="${name}"]`);
  await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain(name);
}

const graph = (name: string, nodes: GraphDocument['nodes'], wires: GraphDocument['wires']): GraphDocument => ({ format: 'plasticity-graph', version: 1, name, seed: 1, nodes, wires });

d('editor review findings (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  async function saveAndRead(page: Page, name: string): Promise<GraphDocument> {
    await saveAs(page, name);
    const r = loadGraph(JSON.parse(await readFile(join(app.server.workspace, name), 'utf8')));
    if (!r.ok) throw new Error(`${name} does not load`);
    return r.doc;
  }

  it('a file with a wire between ports whose types do not match opens without it, and a toast says which wire and why (the compiler\'s words)', async () => {
    const doc = graph(
      'mismatch',
      [
        { id: 'mnist1', kind: 'data.mnist', params: {}, position: [0, 0] },
        { id: 'local1', kind: 'train.local', params: {}, position: [400, 0] },
      ],
      [
        { from: { node: 'mnist1', port: 'train' }, to: { node: 'local1', port: 'data' } },
        // x is a layer output, model a model input.
        { from: { node: 'mnist1', port: 'x' }, to: { node: 'local1', port: 'model' } },
      ],
    );
    await writeFile(join(app.server.workspace, 'mismatch.json'), saveGraph(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'mismatch.json');
    await expect.poll(() => toast(page)).toBe('mismatch.json: the wire mnist1.x → local1.model: a layer output cannot feed a model input. That wire is left out.');
    expect(await cards(page)).toBe(2);
    expect(await connections(page).count()).toBe(1);
  });

  it('a file with a parameter its node\'s kind does not have (a typo) opens without it, and a toast names it with the nearest parameter', async () => {
    const doc = graph('typo', [{ id: 'free', kind: 'ebm.langevin', params: { epsilonn: 0.25, steps: 30 }, position: [0, 0] }], []);
    await writeFile(join(app.server.workspace, 'typo.json'), saveGraph(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'typo.json');
    await expect.poll(() => toast(page)).toBe('typo.json: free: "Langevin dynamics" has no parameter epsilonn (did you mean epsilon?). That value is left out.');
    // The graph compiles: the value left out is not in it, the others are.
    await expect.poll(() => page.locator('[data-testid="tab-problems"] .n').textContent()).toBe('0');
    await page.click('[data-testid="save"]');
    await expect.poll(async () => JSON.parse(await readFile(join(app.server.workspace, 'typo.json'), 'utf8')).nodes[0].params).toEqual({ steps: 30 });
  });

  it('deleting a loop scope says which body nodes went with it, and that Undo brings them back', async () => {
    const doc = graph(
      'scope',
      [
        { id: 'train', kind: 'train.local', params: {}, position: [400, 0] },
        { id: 'infer', kind: 'infer.iterative', params: {}, position: [414, 132], parent: 'train' },
        { id: 'noise', kind: 'corrupt.gaussian', params: {}, position: [414, 300], parent: 'train' },
        { id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] },
      ],
      [],
    );
    await writeFile(join(app.server.workspace, 'scope-delete.json'), saveGraph(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'scope-delete.json');
    await expect.poll(() => cards(page)).toBe(4);
    await select(page, 'train');
    await page.keyboard.press('Delete');
    await expect.poll(() => cards(page)).toBe(1);
    await expect.poll(() => toast(page)).toBe('Deleted Local training (EM) (train) with the 2 nodes inside it: Inference loop (infer), Gaussian noise (noise). Undo brings them back.');
    await page.click('[data-testid="undo"]');
    await expect.poll(() => cards(page)).toBe(4);
    // Cut says it the same way.
    await select(page, 'train');
    await page.keyboard.press('Control+x');
    await expect.poll(() => cards(page)).toBe(1);
    await expect.poll(() => toast(page)).toBe('Cut Local training (EM) (train) with the 2 nodes inside it: Inference loop (infer), Gaussian noise (noise). Undo brings them back.');
  });

  it('a second Metric, dropped from the palette or duplicated, takes a name no node records yet: the graph has no "also recorded by" problem', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'output.metric', 200, 150);
    await expect.poll(() => cards(page)).toBe(1);
    await dragFromPalette(page, 'output.metric', 500, 150);
    await expect.poll(() => cards(page)).toBe(2);
    await select(page, 'metric2');
    await page.keyboard.press('Control+d');
    await expect.poll(() => cards(page)).toBe(3);
    const saved = await saveAndRead(page, 'metrics.json');
    expect(Object.fromEntries(saved.nodes.map((n) => [n.id, n.params.name]))).toEqual({ metric1: undefined, metric2: 'metric2', metric3: 'metric3' });
    await page.click('[data-testid="tab-problems"]');
    expect((await page.locator('[data-testid="problem"]').allTextContents()).join('\n')).not.toContain('also recorded by');
  });

  it('the palette search finds the Inference loop by "DTP" and "difference target propagation"', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    for (const q of ['DTP', 'difference target propagation']) {
      await page.fill('[data-testid="palette-search"]', q);
      await expect.poll(() => page.locator('[data-testid="palette-item"]').first().getAttribute('data-kind')).toBe('infer.iterative');
    }
  });
});
