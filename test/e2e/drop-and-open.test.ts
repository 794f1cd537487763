/**
 * Dropping kinds from the palette and opening files, at a laptop's window (1366 × 768): a drop lands where it is
 * dropped (the view does not pan, the cards already there stay put, a card dropped over another is nudged a little,
 * on screen); a double-click on a file in the Open dialog does nothing to the canvas behind it; Open asks about
 * unsaved changes only once a valid graph is about to replace them. Browser mode, as app.test.ts runs it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Dialog, Page } from 'playwright-core';
import { connections, dragFromPalette, e2eDescribe, node, openApp, openExample, saveAs, TUTORIAL_DROPS, useApp } from './harness.ts';

type Box = { x: number; y: number; width: number; height: number };

/** Every card's box in canvas coordinates (the canvas's top left is 0, 0), by node id. */
async function cards(page: Page): Promise<Map<string, Box>> {
  const c = (await page.locator('[data-testid="canvas"]').boundingBox())!;
  const all = await page.locator('[data-testid="node"]').evaluateAll((es) =>
    es.map((e) => {
      const r = e.getBoundingClientRect();
      return { id: e.getAttribute('data-node-id')!, x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  return new Map(all.map(({ id, ...b }) => [id, { ...b, x: b.x - c.x, y: b.y - c.y }]));
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The confirm() questions the page asks from now on, answered `answer` (the harness's own handler, which says yes, removed). */
function answerConfirms(page: Page, answer: () => boolean): string[] {
  const asked: string[] = [];
  page.removeAllListeners('dialog');
  page.on('dialog', (d: Dialog) => {
    asked.push(d.message());
    void (answer() ? d.accept() : d.dismiss());
  });
  return asked;
}

/**
 * A double-click as a hand makes it: the second click a quarter of a second after the first (within Chrome's
 * double-click time), so that whatever the first click did (a file opened) is done when the second comes.
 */
async function doubleClick(page: Page, selector: string): Promise<void> {
  const b = (await page.locator(selector).boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForTimeout(250);
  await page.mouse.down({ clickCount: 2 });
  await page.mouse.up({ clickCount: 2 });
}

const fileName = (page: Page) => page.locator('[data-testid="file-name"]').first().textContent();

e2eDescribe('drops and the Open dialog at 1366 × 768 (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('a card dropped near the left edge lands under the pointer, on screen, and the view does not pan', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await dragFromPalette(page, 'data.mnist', 20, 40);
    await expect.poll(() => node(page, 'mnist1').count()).toBe(1);
    await page.waitForTimeout(200);
    const first = (await cards(page)).get('mnist1')!;
    // Under the pointer and whole on screen.
    expect(first.x).toBeLessThanOrEqual(20);
    expect(first.x + first.width).toBeGreaterThan(20);
    expect(first.y).toBeLessThanOrEqual(40);
    expect(first.y + first.height).toBeGreaterThan(40);
    expect(first.x).toBeGreaterThanOrEqual(0);
    expect(first.y).toBeGreaterThanOrEqual(0);
    // By the left edge, the bottom one (the canvas is 475 px high here) and the right one.
    for (const [kind, x, y] of [
      ['ebm.langevin', 20, 220],
      ['corrupt.mask', 10, canvas.height - 20],
      ['layers.encoder', canvas.width - 10, 200],
    ] as const) {
      const before = await cards(page);
      await dragFromPalette(page, kind, x, y);
      await expect.poll(async () => (await cards(page)).size).toBe(before.size + 1);
      await page.waitForTimeout(200);
      const after = await cards(page);
      // The cards already there did not move: the view did not pan.
      for (const [id, b] of before) expect(after.get(id), `${id} after dropping ${kind}`).toEqual(b);
      const added = [...after.entries()].find(([id]) => !before.has(id))![1];
      expect(added.x).toBeGreaterThanOrEqual(0);
      expect(added.x).toBeLessThanOrEqual(x);
      expect(added.x + added.width).toBeGreaterThan(x);
      expect(added.y).toBeLessThanOrEqual(y);
      expect(added.y + added.height).toBeGreaterThan(y);
      expect(added.x + added.width).toBeLessThanOrEqual(canvas.width);
      expect(added.y + added.height).toBeLessThanOrEqual(canvas.height);
    }
  });

  it('a card dropped by or onto the minimap lands beside it, not under it, where its sockets can be wired', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const c = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    // (The minimap shows once there is a card.)
    await dragFromPalette(page, 'data.mnist', 20, 40);
    await expect.poll(() => node(page, 'mnist1').count()).toBe(1);
    const m = (await page.locator('[data-testid="canvas"] .minimap').boundingBox())!;
    const mini = { x: m.x - c.x, y: m.y - c.y, width: m.width, height: m.height };
    // Just left of the minimap (the card would reach over it), and onto the middle of it.
    const drops = [
      ['ebm.langevin', mini.x - 30, mini.y + 20],
      ['ebm.save', mini.x + mini.width / 2, mini.y + mini.height / 2],
    ] as const;
    for (const [kind, x, y] of drops) {
      const before = await cards(page);
      await dragFromPalette(page, kind, x, y);
      await expect.poll(async () => (await cards(page)).size).toBe(before.size + 1);
      await page.waitForTimeout(150);
      const [id, added] = [...(await cards(page)).entries()].find(([i]) => !before.has(i))!;
      expect(overlaps(added, mini), `${id} at ${JSON.stringify(added)}, the minimap at ${JSON.stringify(mini)}`).toBe(false);
      expect(added.x).toBeGreaterThanOrEqual(0);
      expect(added.y).toBeGreaterThanOrEqual(0);
      // Moved no further than it takes: beside the minimap, near the drop.
      expect(Math.min(Math.abs(added.x + added.width - mini.x), Math.abs(added.y + added.height - mini.y))).toBeLessThanOrEqual(16);
    }
  });

  it('the tutorial drops each land near where they are dropped: one over a card is nudged a little, on screen, and nothing else moves', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    // docs/tutorial-eqprop.md's drops: Network at (250, 40) overlaps MNIST's card at (20, 40).
    const drops = TUTORIAL_DROPS;
    for (const [kind, x, y] of drops) {
      const before = await cards(page);
      await dragFromPalette(page, kind, x, y);
      await expect.poll(async () => (await cards(page)).size).toBe(before.size + 1);
      await page.waitForTimeout(150);
      const after = await cards(page);
      for (const [id, b] of before) expect(after.get(id), `${id} after dropping ${kind}`).toEqual(b);
      const [id, added] = [...after.entries()].find(([i]) => !before.has(i))!;
      // Where it was dropped (the pointer on its header, 40 px in; moved into the canvas by its edges), give or take a
      // small nudge; whole on screen.
      const within = (v: number, size: number, room: number): number => Math.min(Math.max(v, 8), room - 8 - size);
      const [wantX, wantY] = [within(x - 40, added.width, canvas.width), within(y - 16, added.height, canvas.height)];
      expect(Math.hypot(added.x - wantX, added.y - wantY), `${id} at ${added.x}, ${added.y}; dropped at ${x}, ${y}`).toBeLessThanOrEqual(64);
      expect(added.x).toBeGreaterThanOrEqual(0);
      expect(added.y).toBeGreaterThanOrEqual(0);
      expect(added.x + added.width).toBeLessThanOrEqual(canvas.width);
      expect(added.y + added.height).toBeLessThanOrEqual(canvas.height);
    }
    // The network dropped over MNIST's card was nudged clear of it.
    const all = await cards(page);
    expect(overlaps(all.get('network1')!, all.get('mnist1')!)).toBe(false);
  });

  it('a double-click on a file in the Open dialog opens it and does nothing to the canvas behind the dialog', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await saveAs(page, 'twice.json');
    // Opened with the keyboard: the view as a fresh open fits it.
    await page.click('[data-testid="open"]');
    await page.locator('[data-testid="file-entry"][data-path="twice.json"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(0);
    await page.waitForTimeout(400);
    const fitted = await cards(page);
    expect(fitted.size).toBeGreaterThan(5);
    // Each wire of the graph under the dialog's list of files: a click there that reached the canvas would pick it.
    expect(await connections(page).count()).toBeGreaterThan(3);
    await page.click('[data-testid="open"]');
    await doubleClick(page, '[data-testid="file-entry"][data-path="twice.json"]');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(0);
    await expect.poll(() => fileName(page)).toContain('twice.json');
    await page.waitForTimeout(600);
    // Not zoomed (the canvas's double-click zooms a step), and nothing picked.
    expect(await cards(page)).toEqual(fitted);
    expect(await page.locator('.lab-canvas [data-testid="connection"].selected').count()).toBe(0);
    expect(await page.locator('[data-testid="node"].selected').count()).toBe(0);
    // A single click picks the file (the Open button opens it); Escape closes the dialog with nothing opened.
    await page.click('[data-testid="open"]');
    await page.click('[data-testid="file-entry"][data-path="twice.json"]');
    expect(await page.locator('[data-testid="file-dialog"]').count()).toBe(1);
    expect(await page.locator('[data-testid="file-entry"][data-path="twice.json"]').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(0);
  });

  it('Open asks about unsaved changes only when a valid graph is about to replace them; No keeps everything', async () => {
    await writeFile(join(app.server.workspace, 'broken.json'), '{ "format": "plasticity-graph", ');
    await writeFile(
      join(app.server.workspace, 'future.json'),
      JSON.stringify({ format: 'plasticity-graph', version: 1, seed: 1, name: 'future', nodes: [{ id: 'f', kind: 'ebm.future_thing', params: {}, position: [0, 0] }], wires: [] }),
    );
    await writeFile(
      join(app.server.workspace, 'good.json'),
      JSON.stringify({ format: 'plasticity-graph', version: 1, seed: 1, name: 'good', nodes: [{ id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] }], wires: [] }),
    );
    const page = await openApp(app.browser.context, app.server.url);
    let yes = false;
    const asked = answerConfirms(page, () => yes);
    await dragFromPalette(page, 'layers.encoder', 300, 200);
    await expect.poll(() => node(page, 'encoder1').count()).toBe(1);
    await expect.poll(() => fileName(page)).toContain('•');
    // Nothing asked before a file is picked.
    await page.click('[data-testid="open"]');
    await page.locator('[data-testid="file-dialog"]').waitFor();
    expect(asked).toEqual([]);
    // Files that cannot be opened: said, nothing asked, the graph kept.
    for (const [file, said] of [
      ['broken.json', 'Cannot open broken.json'],
      ['future.json', 'Cannot open future.json: node "f" is of kind "ebm.future_thing"'],
    ] as const) {
      if (!(await page.locator('[data-testid="file-dialog"]').count())) await page.click('[data-testid="open"]');
      await doubleClick(page, `[data-testid="file-entry"][data-path="${file}"]`);
      await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toContain(said);
      expect(asked).toEqual([]);
      expect(await node(page, 'encoder1').count()).toBe(1);
      expect(await fileName(page)).toContain('•');
    }
    // A valid graph: asked once; No keeps the graph and its unsaved changes.
    await page.click('[data-testid="open"]');
    await doubleClick(page, '[data-testid="file-entry"][data-path="good.json"]');
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toBe('The graph has unsaved changes. Discard them?');
    await page.waitForTimeout(300);
    expect(await node(page, 'encoder1').count()).toBe(1);
    expect(await node(page, 'data').count()).toBe(0);
    expect(await fileName(page)).toContain('•');
    // Import from this computer: a broken file is refused without asking either.
    await page.setInputFiles('[data-testid="import-file"]', { name: 'upload.json', mimeType: 'application/json', buffer: Buffer.from('not json') });
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toContain('Cannot open upload.json');
    expect(asked).toHaveLength(1);
    expect(await node(page, 'encoder1').count()).toBe(1);
    // A kind misspelt by hand is refused too, naming the kind it is nearest to.
    const misspelt = { format: 'plasticity-graph', version: 1, name: 'typo', seed: 1, nodes: [{ id: 'net', kind: 'ebm.netwrk', params: {}, position: [0, 0] }], wires: [] };
    await page.setInputFiles('[data-testid="import-file"]', { name: 'typo.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(misspelt)) });
    await expect
      .poll(() => page.locator('[data-testid="toast"]').textContent())
      .toBe('Cannot open typo.json: node "net" is of kind "ebm.netwrk" (did you mean "ebm.network"?), which this version does not know (made by a newer one, or misspelt?). Nothing was changed.');
    expect(asked).toHaveLength(1);
    // Yes: the valid graph replaces it.
    yes = true;
    await page.click('[data-testid="open"]');
    await doubleClick(page, '[data-testid="file-entry"][data-path="good.json"]');
    await expect.poll(() => fileName(page)).toContain('good.json');
    expect(asked).toHaveLength(2);
    expect(await node(page, 'data').count()).toBe(1);
    expect(await node(page, 'encoder1').count()).toBe(0);
  });
});
