/**
 * A node's id can be chosen in the inspector: it names the node's metrics, pictures and --set keys. Its wires, its body
 * (a loop scope) and the graph's Quick run changes follow; Undo and Redo take it back and forth; a bad or taken id
 * is refused with a sentence. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connections, e2eDescribe, node, openApp, openExample, saveAs, useApp } from './harness.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

async function renameTo(page: Page, id: string): Promise<void> {
  await page.fill('[data-testid="node-id"]', id);
  await page.press('[data-testid="node-id"]', 'Enter');
}

e2eDescribe('renaming a node (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('takes its wires and its body along; Undo and Redo; refuses a taken or bad id', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    const wires = await connections(page).count();
    // The trainer is a loop scope with the free phase, the nudge and the rule inside it.
    await node(page, 'train').locator('.header').click();
    expect(await page.inputValue('[data-testid="node-id"]')).toBe('train');
    await renameTo(page, 'eqprop');
    await expect.poll(() => node(page, 'eqprop').count()).toBe(1);
    expect(await node(page, 'train').count()).toBe(0);
    expect(await page.textContent('[data-testid="inspector-id"]')).toBe('eqprop');
    expect(await connections(page).count()).toBe(wires);
    // Still one graph without problems: nothing lost on the way.
    await expect.poll(() => page.textContent('[data-testid="tab-problems"]')).toBe('Problems 0');

    // A taken id and one that is not a file name are refused, each with a sentence; the node keeps its id.
    await renameTo(page, 'net');
    await expect.poll(() => page.textContent('[data-testid="node-id-error"]')).toBe('another node is called net; it stays eqprop.');
    await renameTo(page, 'a/b');
    await expect.poll(() => page.textContent('[data-testid="node-id-error"]')).toContain('no / or \\');
    expect(await node(page, 'eqprop').count()).toBe(1);

    // Undo brings the old id back with its wires; Redo the new one.
    await page.locator('[data-testid="canvas"]').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => node(page, 'train').count()).toBe(1);
    expect(await connections(page).count()).toBe(wires);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => node(page, 'eqprop').count()).toBe(1);

    // Saved: the file's wires and parents name the new id, and nothing names the old one.
    await saveAs(page, 'renamed.json');
    const doc = JSON.parse(await readFile(join(app.server.workspace, 'renamed.json'), 'utf8'));
    expect(doc.nodes.map((n: { id: string }) => n.id)).toContain('eqprop');
    const ends = doc.wires.flatMap((w: { from: { node: string }; to: { node: string } }) => [w.from.node, w.to.node]);
    expect(ends).toContain('eqprop');
    expect(ends).not.toContain('train');
    expect(doc.nodes.filter((n: { parent?: string }) => n.parent === 'eqprop').length).toBeGreaterThanOrEqual(3);
    expect(doc.nodes.filter((n: { parent?: string }) => n.parent === 'train')).toEqual([]);
    await page.close();
  }, 180_000);

  it('the graph\'s Quick run changes (quick.set) follow the node they change', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'bengio2015-mnist');
    await node(page, 'f1').locator('.header').click();
    await renameTo(page, 'enc1');
    await expect.poll(() => node(page, 'enc1').count()).toBe(1);
    await expect.poll(() => page.textContent('[data-testid="tab-problems"]')).toBe('Problems 0');
    await saveAs(page, 'renamed-2015.json');
    const doc = JSON.parse(await readFile(join(app.server.workspace, 'renamed-2015.json'), 'utf8'));
    expect(doc.quick.set).toEqual({ 'train.batchSize': 50, 'train.warmupBatches': 10, 'enc1.lr': 0.0001, 'f2.lr': 0.0003 });
    await page.close();
  }, 120_000);
});
