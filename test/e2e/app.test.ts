/**
 * The editor end to end, in Debian's Chromium against browser mode (`npm run serve`'s server with
 * its engine worker): palette drag and wiring, a refused wire, live diagnostics, undo/redo, param
 * edits, examples, a short run with progress and a sample image, Stop, save/reopen round trip,
 * and drag smoothness with 200 nodes. Writes docs/screenshot-editor.png.
 *
 * One file on purpose: the renderer is built once, and the tests share one server and app.browser.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { compileGraph, fmtMeanSd, fmtMetric, loadGraph, saveGraph, type GraphDocument } from '../../nodes/core/index.ts';
import { createRegistry } from '../../nodes/kinds/index.ts';
import { connections, dragFromPalette, e2eDescribe, node, openApp, openExample, ROOT, runToEnd, saveAs, select, socket, TUTORIAL_DROPS, useApp, wire } from './harness.ts';

const d = e2eDescribe;
/** The server and browser of the suite below (saveAndRead reads its workspace). */
let app: ReturnType<typeof useApp>;

async function problemsFor(page: Page, id: string): Promise<string[]> {
  await page.click('[data-testid="tab-problems"]');
  return page.locator(`[data-testid="problem"][data-node="${id}"]`).allTextContents();
}

/** Opens an example and waits until it is loaded (and its undo history cleared): the toolbar then names its file. */
/** Opens an example, runs it (with the toolbar's Quick run) and waits until it is done. */
async function runExample(page: Page, name: string, minNodes: number): Promise<void> {
  await page.selectOption('[data-testid="examples"]', name);
  await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThanOrEqual(minNodes);
  await runToEnd(page);
}

async function saveAndRead(page: Page, name: string): Promise<GraphDocument> {
  await saveAs(page, name);
  const r = loadGraph(JSON.parse(await readFile(join(app.server.workspace, name), 'utf8')));
  if (!r.ok) throw new Error(`${name} does not load`);
  return r.doc;
}

async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="open"]');
  await page.dblclick(`[data-testid="file-entry"][data-path="${name}"]`);
  await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain(name);
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box): boolean =>
  inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

/** After Arrange: every node inside a scope (at any depth) lies inside it, and no other two cards overlap. */
function expectLaidOut(boxes: Map<string, Box>, nodes: { id: string; parent?: string }[]): void {
  const parent = new Map(nodes.map((n) => [n.id, n.parent]));
  const within = (id: string, scope: string): boolean => {
    for (let p = parent.get(id); p; p = parent.get(p)) if (p === scope) return true;
    return false;
  };
  for (const [i, { id: a }] of nodes.entries()) {
    for (const { id: b } of nodes.slice(i + 1)) {
      if (within(a, b) || within(b, a)) {
        const [inner, outer] = within(a, b) ? [a, b] : [b, a];
        expect(inside(boxes.get(inner)!, boxes.get(outer)!), `${inner} in ${outer}`).toBe(true);
      } else expect(overlaps(boxes.get(a)!, boxes.get(b)!), `${a} overlaps ${b}`).toBe(false);
    }
  }
}

/** A small graph with a loop scope: data, a TRAIN scope whose body is the inference loop, and a corruption outside. */
function scopeGraph(): GraphDocument {
  return {
    format: 'plasticity-graph',
    version: 1,
    name: 'scope test',
    seed: 1,
    nodes: [
      { id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] },
      { id: 'enc', kind: 'layers.encoder', params: { units: 32 }, position: [0, 220] },
      { id: 'train', kind: 'train.local', params: {}, position: [400, 0] },
      { id: 'infer', kind: 'infer.iterative', params: {}, position: [414, 132], parent: 'train' },
      { id: 'noise', kind: 'corrupt.gaussian', params: { sigma: 0.25 }, position: [0, 380] },
    ],
    wires: [
      { from: { node: 'data', port: 'x' }, to: { node: 'enc', port: 'in' } },
      { from: { node: 'enc', port: 'out' }, to: { node: 'noise', port: 'layer' } },
    ],
  };
}

d('desktop app in the browser (e2e)', () => {
  app = useApp();

  it('refuses requests without the access token', async () => {
    const u = new URL(app.server.url);
    const res = await fetch(`${u.origin}/`);
    expect(res.status).toBe(403);
    const ok = await fetch(app.server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('drags an encoder and a decoder, wires them, refuses a bad wire, shows live diagnostics, undoes and redoes', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'layers.encoder', 200, 200);
    await expect.poll(() => node(page, 'encoder1').count()).toBe(1);
    await dragFromPalette(page, 'layers.decoder', 560, 260);
    await expect.poll(() => node(page, 'decoder1').count()).toBe(1);

    // Diagnostics appear live: the encoder's input is not wired.
    await expect.poll(() => node(page, 'encoder1').locator('[data-testid="node-error"]').count()).toBe(1);
    expect((await problemsFor(page, 'encoder1')).join(' ')).toContain('must be wired');
    // The Problems tab names the node by its kind's title (or label) as well as its id.
    expect(await page.locator('[data-testid="problem"][data-node="encoder1"] .where').first().textContent()).toBe('Encoder f (encoder1) · in');

    // A good wire: layer -> layer.
    await wire(page, { node: 'encoder1', port: 'out' }, { node: 'decoder1', port: 'from' });
    await expect.poll(() => connections(page).count()).toBe(1);
    await expect.poll(async () => (await problemsFor(page, 'decoder1')).join(' ')).not.toContain('input from');

    // A refused wire: a decoder output cannot feed a layer input; the sentence comes from canConnect.
    await wire(page, { node: 'decoder1', port: 'decoder' }, { node: 'encoder1', port: 'in' });
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toContain('a decoder output cannot feed a layer input');
    expect(await connections(page).count()).toBe(1);
    // The refused wire is let go of: nothing follows the pointer, and the next drag starts a wire of its own.
    const pseudo = page.locator('.lab-canvas [data-testid="connection"].pseudo');
    await expect.poll(() => pseudo.count()).toBe(0);
    // A click on a socket picks a wire that follows the pointer (no refusal); Escape lets go of it.
    const out = (await socket(page, 'encoder1', 'output', 'out').boundingBox())!;
    await page.mouse.click(out.x + out.width / 2, out.y + out.height / 2);
    await page.mouse.move(out.x + 150, out.y + 120, { steps: 3 });
    await expect.poll(() => pseudo.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => pseudo.count()).toBe(0);
    expect(await connections(page).count()).toBe(1);
    // A wire is deleted by dragging its input end off the input into empty canvas; undo puts it back.
    const end = (await socket(page, 'decoder1', 'input', 'from').boundingBox())!;
    await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2);
    await page.mouse.down();
    await page.mouse.move(end.x - 60, end.y + 200, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => connections(page).count()).toBe(0);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => connections(page).count()).toBe(1);

    // Undo removes the wire, redo puts it back.
    await page.click('[data-testid="undo"]');
    await expect.poll(() => connections(page).count()).toBe(0);
    await expect.poll(async () => (await problemsFor(page, 'decoder1')).join(' ')).toContain('input from');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => connections(page).count()).toBe(1);

    // Editing a param: out of range makes a diagnostic appear on the node; a good value clears it.
    await select(page, 'encoder1');
    // Delete with a button of the inspector focused is not for the canvas: the node stays.
    await page.locator('[data-testid="sweep-units"]').focus();
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace');
    expect(await page.locator('[data-testid="node"]').count()).toBe(2);
    await page.fill('[data-testid="param-units"]', '0');
    await page.press('[data-testid="param-units"]', 'Enter');
    await expect.poll(async () => (await problemsFor(page, 'encoder1')).join(' ')).toContain('units must be at least 1');
    await page.fill('[data-testid="param-units"]', '64');
    await page.press('[data-testid="param-units"]', 'Enter');
    await expect.poll(async () => (await problemsFor(page, 'encoder1')).join(' ')).not.toContain('units');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 64');
    // In the field (problemsFor took the focus to the Problems tab): Ctrl+Z undoes typing not yet set, and then, with
    // nothing uncommitted, the graph's change (the field shows the value restored); Ctrl+Y sets it again.
    const units = page.locator('[data-testid="param-units"]');
    /** Types a digit at the end of the field, then Ctrl+Z: the text is back to `value`, and so is the graph. */
    const typeThenUndo = async (digit: string, value: string): Promise<void> => {
      await page.keyboard.press('End');
      await page.keyboard.type(digit);
      await expect.poll(() => units.inputValue()).toBe(value + digit);
      await page.keyboard.press('Control+z');
      await expect.poll(() => units.inputValue()).toBe(value);
      expect(await node(page, 'encoder1').locator('.footer').textContent()).toContain(`units ${value}`);
    };
    await units.focus();
    await typeThenUndo('5', '64');
    await page.keyboard.press('Control+z');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 0');
    await expect.poll(() => units.inputValue()).toBe('0');
    // Typing in the restored value is the text's to undo again, then Ctrl+Y redoes the graph's change.
    await typeThenUndo('7', '0');
    await page.keyboard.press('Control+y');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 64');
    await expect.poll(() => units.inputValue()).toBe('64');
    // Undo the param edit: back to 0 and its diagnostic.
    await page.locator('[data-testid="canvas"]').click({ position: { x: 900, y: 500 } });
    await page.click('[data-testid="undo"]');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 0');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => node(page, 'encoder1').locator('.footer').textContent()).toContain('units 64');
    // Saved with its problems (nothing is lost), and told so.
    await saveAs(page, 'with-problems.json');
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toMatch(/^Saved with-problems\.json, with \d+ problems?: it will not run until/);
    await page.close();
  });

  it('opens an example, saves it, reopens it and saves an identical document', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.selectOption('[data-testid="examples"]', 'bengio2015-mnist');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(10);
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('bengio2015-mnist');
    // The four wires from the TRAIN scope's body into its own inputs are routed around the scope.
    await expect.poll(() => page.locator('[data-routed="around-scope"]').count()).toBe(4);
    // The example opens laid out: no two node cards overlap, except the scope and its body.
    const cards = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="node"]')].map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.getAttribute('data-node-id')!, x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    const body = new Set(['infer', 'noise_x', 'noise_h1', 'spike_h2']);
    for (const [i, p] of cards.entries()) {
      for (const q of cards.slice(i + 1)) {
        if ((p.id === 'train' && body.has(q.id)) || (q.id === 'train' && body.has(p.id))) continue;
        expect(overlaps(p, q), `${p.id} overlaps ${q.id}`).toBe(false);
      }
    }

    await saveAs(page, 'round-a.json');
    const a = await readFile(join(app.server.workspace, 'round-a.json'), 'utf8');
    await page.click('[data-testid="open"]');
    await page.dblclick('[data-testid="file-entry"][data-path="round-a.json"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(10);
    await saveAs(page, 'round-b.json');
    const b = await readFile(join(app.server.workspace, 'round-b.json'), 'utf8');
    expect(b).toBe(a);
    // And the same graph as the example file, apart from positions the scope containers fitted.
    const ex = loadGraph(JSON.parse(await readFile(join(ROOT, 'examples', 'bengio2015-mnist.json'), 'utf8')));
    const saved = loadGraph(JSON.parse(a));
    if (!ex.ok || !saved.ok) throw new Error('unparsable');
    const strip = (g: GraphDocument) => ({ ...g, nodes: g.nodes.map((n) => ({ ...n, position: [0, 0] })) });
    expect(strip(saved.doc)).toEqual(strip(ex.doc));
    await page.close();
  });

  it('browser mode: the Save dialog downloads the graph to this computer, the Open dialog imports one from it (also Ctrl+Shift+E, Ctrl+I)', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.selectOption('[data-testid="examples"]', 'stdp-curve');
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('stdp-curve');
    await page.click('[data-testid="save-as"]');
    // Over a dialog, the file keys do nothing (the dialog has its own button).
    await page.keyboard.press('Control+I');
    expect(await page.waitForEvent('filechooser', { timeout: 700 }).catch(() => null)).toBeNull();
    // The download takes the name typed in the dialog.
    await page.fill('[data-testid="file-dialog-name"]', 'my-curve');
    const [named] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="file-computer"]')]);
    expect(named.suggestedFilename()).toBe('my-curve.json');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(0);
    await page.click('[data-testid="save-as"]');
    const [exported] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="file-computer"]')]);
    expect(exported.suggestedFilename()).toBe('stdp-curve.json');
    const text = await readFile((await exported.path())!, 'utf8');
    expect(await readFile((await named.path())!, 'utf8')).toBe(text);
    const ex = loadGraph(JSON.parse(await readFile(join(ROOT, 'examples', 'stdp-curve.json'), 'utf8')));
    const got = loadGraph(JSON.parse(text));
    if (!ex.ok || !got.ok) throw new Error('unparsable');
    expect(got.doc.nodes.map((n) => [n.id, n.kind, n.params])).toEqual(ex.doc.nodes.map((n) => [n.id, n.kind, n.params]));
    // Nothing written in the workspace.
    expect(await readdir(app.server.workspace)).not.toContain('stdp-curve.json');
    // The keyboard does the same.
    await page.locator('[data-testid="canvas"]').click({ position: { x: 5, y: 5 } });
    const [again] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+Shift+E')]);
    expect(await readFile((await again.path())!, 'utf8')).toBe(text);
    // Import: another example's file, from this computer, opens under its own name (Save then asks where).
    const file = join(app.server.workspace, '..', 'import-me.json');
    await writeFile(file, await readFile(join(ROOT, 'examples', 'ebm-early-inference.json'), 'utf8'));
    await page.click('[data-testid="open"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="file-computer"]')]);
    await chooser.setFiles(file);
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('import-me.json');
    await expect.poll(() => page.locator('[data-testid="node"][data-node-id="probe"]').count()).toBe(1);
    // (The Open dialog gone and the canvas focused first, as a user's next key press would be.)
    await expect.poll(() => page.locator('[aria-modal="true"]').count()).toBe(0);
    await page.locator('[data-testid="canvas"]').click({ position: { x: 5, y: 5 } });
    const [viaKey] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+I')]);
    expect(viaKey.isMultiple()).toBe(false);
    await page.close();
  });

  it('Recover and Examples ask before replacing work done since; a cancelled example can be picked again', async () => {
    const slotFile = async (page: Page): Promise<string> =>
      join(app.server.workspace, '.autosave', `${await page.evaluate(() => sessionStorage.getItem('plasticity.autosaveSlot'))}.plasticity.json`);
    const a = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(a, 'layers.encoder', 260, 220);
    const fileA = await slotFile(a);
    await expect.poll(async () => (existsSync(fileA) ? await readFile(fileA, 'utf8') : ''), { timeout: 10_000 }).toContain('"encoder1"');
    await a.close({ runBeforeUnload: false });
    const b = await openApp(app.browser.context, app.server.url);
    await expect.poll(() => b.locator('[data-testid="recovery"]').isVisible(), { timeout: 10_000 }).toBe(true);
    // Work begun under the banner: Recover asks first, and "no" keeps it (and the banner).
    await dragFromPalette(b, 'corrupt.mask', 400, 300);
    await expect.poll(() => node(b, 'mask1').count()).toBe(1);
    const fileB = await slotFile(b);
    await expect.poll(async () => (existsSync(fileB) ? await readFile(fileB, 'utf8') : ''), { timeout: 10_000 }).toContain('"mask1"');
    b.removeAllListeners('dialog');
    const asked: string[] = [];
    b.on('dialog', (dlg) => {
      asked.push(dlg.message());
      void dlg.dismiss();
    });
    await b.click('[data-testid="recovery"] >> text=Recover');
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('unsaved changes');
    expect(await node(b, 'mask1').count()).toBe(1);
    expect(await node(b, 'encoder1').count()).toBe(0);
    expect(await b.locator('[data-testid="recovery"]').isVisible()).toBe(true);
    // An example refused the same way leaves the menu on no example, so picking it again asks again.
    await b.selectOption('[data-testid="examples"]', 'stdp-curve');
    await expect.poll(() => asked.length).toBe(2);
    expect(await b.locator('[data-testid="examples"]').inputValue()).toBe('');
    expect(await node(b, 'mask1').count()).toBe(1);
    // "Yes": the recovered graph replaces it, under its own name (Save As offers that, not "recovered.json").
    b.removeAllListeners('dialog');
    b.on('dialog', (dlg) => void dlg.accept());
    await b.click('[data-testid="recovery"] >> text=Recover');
    await expect.poll(() => node(b, 'encoder1').count()).toBe(1);
    expect(await node(b, 'mask1').count()).toBe(0);
    // The discarded work's autosave goes with it (it would be offered again at the next start).
    await expect.poll(() => existsSync(fileB)).toBe(false);
    const name = (JSON.parse(await readFile(fileA, 'utf8')) as { name: string }).name;
    expect(await b.locator('[data-testid="file-name"] .fname').textContent()).toBe(`${name}.json`);
    await b.selectOption('[data-testid="examples"]', 'stdp-curve');
    await expect.poll(() => b.locator('[data-testid="file-name"]').first().textContent()).toContain('stdp-curve.json');
  }, 60_000);

  it('wires: a click picks one and Delete removes it (one undo step); a wire that would close a cycle is refused as it is drawn', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'layers.encoder', 200, 200);
    await dragFromPalette(page, 'layers.encoder', 560, 260);
    await expect.poll(() => node(page, 'encoder2').count()).toBe(1);
    await wire(page, { node: 'encoder1', port: 'out' }, { node: 'encoder2', port: 'in' });
    await expect.poll(() => connections(page).count()).toBe(1);
    // A port's name says what it is on hover: its type, its doc, its problem.
    const portTitle = () => node(page, 'encoder1').locator('[data-side="input"][data-port="in"] .pname').getAttribute('title');
    await expect.poll(portTitle).toMatch(/^input in \(layer\)\n.+\n.*must be wired/);
    // While a wire is drawn, the ports it can end on stand out and the others fade: from encoder2's output, encoder1's
    // input would close a cycle, and encoder2's own input would feed itself.
    const from = (await socket(page, 'encoder2', 'output', 'out').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 80, from.y + 140, { steps: 5 });
    const port = (id: string) => node(page, id).locator('[data-side="input"][data-port="in"]');
    await expect.poll(() => port('encoder1').getAttribute('class')).toContain('unreachable');
    expect(await port('encoder2').getAttribute('class')).toContain('unreachable');
    await page.mouse.up();
    await expect.poll(() => port('encoder1').getAttribute('class')).not.toContain('unreachable');
    await dragFromPalette(page, 'layers.decoder', 300, 420);
    await expect.poll(() => node(page, 'decoder1').count()).toBe(1);
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 80, from.y + 140, { steps: 5 });
    const decoderFrom = node(page, 'decoder1').locator('[data-side="input"][data-port="from"]');
    await expect.poll(() => decoderFrom.getAttribute('class')).toMatch(/\breach\b/);
    await page.mouse.up();
    await expect.poll(() => decoderFrom.getAttribute('class')).not.toMatch(/\breach\b/);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => node(page, 'decoder1').count()).toBe(0);
    // The way back closes a cycle: refused, naming it.
    await wire(page, { node: 'encoder2', port: 'out' }, { node: 'encoder1', port: 'in' });
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toContain('would close a cycle');
    expect(await connections(page).count()).toBe(1);
    // The middle of the wire, on screen.
    const mid = await page.evaluate(() => {
      const path = document.querySelector<SVGPathElement>('.lab-canvas [data-testid="connection"]:not(.pseudo) path.hit')!;
      const p = path.getPointAtLength(path.getTotalLength() / 2);
      const q = new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM()!);
      return { x: q.x, y: q.y };
    });
    await page.mouse.click(mid.x, mid.y);
    const picked = page.locator('.lab-canvas [data-testid="connection"].selected');
    await expect.poll(() => picked.count()).toBe(1);
    // A click on a node lets go of the wire; another click on the wire picks it again.
    await select(page, 'encoder1');
    await expect.poll(() => picked.count()).toBe(0);
    await page.mouse.click(mid.x, mid.y);
    await expect.poll(() => picked.count()).toBe(1);
    expect(await page.locator('[data-testid="node"].selected, [data-testid="node"] .selected').count()).toBe(0);
    await page.keyboard.press('Delete');
    await expect.poll(() => connections(page).count()).toBe(0);
    expect(await page.locator('[data-testid="node"]').count()).toBe(2);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => connections(page).count()).toBe(1);
    expect(await picked.count()).toBe(0);
  }, 60_000);

  it('a click on a wire over a loop scope\'s body picks the wire, not the scope; Delete then removes the wire alone', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'bengio2015-mnist');
    const nodes = await page.locator('[data-testid="node"]').count();
    const wires = await connections(page).count();
    // The middle of a wire that lies on the TRAIN scope's body, on no other card.
    const findSpot = () => page.evaluate(() => {
      for (const path of document.querySelectorAll<SVGPathElement>('.lab-canvas [data-conn-id] path.hit')) {
        for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
          const p = path.getPointAtLength(path.getTotalLength() * f);
          const q = new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM()!);
          const card = document.elementFromPoint(q.x, q.y)?.closest('[data-node-id]');
          if (card?.getAttribute('data-node-id') === 'train') return { x: q.x, y: q.y };
        }
      }
      return null;
    });
    // Where it is once the view has settled (the example is fitted to the canvas as it opens).
    let spot = await findSpot();
    await expect
      .poll(async () => {
        const again = await findSpot();
        const same = JSON.stringify(again) === JSON.stringify(spot);
        spot = again;
        return same;
      })
      .toBe(true);
    expect(spot).not.toBeNull();
    await page.mouse.click(spot!.x, spot!.y);
    // (Where wires cross, the one drawn on top is picked.)
    await expect.poll(() => page.locator('.lab-canvas [data-conn-id].selected').count()).toBe(1);
    expect(await page.locator('[data-testid="inspector-id"]').count()).toBe(0);
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => connections(page).count()).toBe(wires - 1);
    expect(await page.locator('[data-testid="node"]').count()).toBe(nodes);
  });

  it('Ctrl+D duplicates the selection and leaves the clipboard as it was; pasted nodes are brought into view', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'layers.encoder', 200, 200);
    await dragFromPalette(page, 'corrupt.mask', 560, 260);
    await expect.poll(() => node(page, 'mask1').count()).toBe(1);
    await select(page, 'encoder1');
    await page.keyboard.press('Control+c');
    await select(page, 'mask1');
    await page.keyboard.press('Control+d');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(3);
    await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).toBe('mask2');
    // The clipboard still holds the encoder; pasting it again and again goes down the canvas, each paste in view.
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    for (let i = 2; i <= 12; i++) {
      await page.keyboard.press('Control+v');
      await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).toBe(`encoder${i}`);
      const box = (await node(page, `encoder${i}`).boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height);
      expect(box.y).toBeGreaterThanOrEqual(canvas.y);
    }
  }, 60_000);

  it('Arrange packs the parts no wire joins in rows (not one tall column), with the loop scope and its wired part laid out; one undo step', async () => {
    const doc = scopeGraph();
    // Fourteen loose encoders stacked in one column, beside the wired part with its loop scope.
    for (let i = 0; i < 14; i++) doc.nodes.push({ id: `loose${i}`, kind: 'layers.encoder', params: {}, position: [900, i * 150] });
    await writeFile(join(app.server.workspace, 'loose.json'), saveGraph(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'loose.json');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(19);
    const ids = doc.nodes.map((n) => n.id);
    const positions = async (): Promise<number[][]> => (await saveAndRead(page, 'loose.json')).nodes.map((n) => n.position);
    const before = await positions();
    await page.click('[data-testid="arrange"]');
    // Arrange moves the parts one by one: its button is disabled until the last has its place (reading the positions
    // as soon as they changed caught a half-arranged graph on a loaded machine).
    await expect.poll(() => page.locator('[data-testid="arrange"]').isEnabled(), { timeout: 30_000 }).toBe(true);
    const saved = await saveAndRead(page, 'loose.json');
    expect(JSON.stringify(saved.nodes.map((n) => n.position))).not.toBe(JSON.stringify(before));
    const boxes = new Map(await Promise.all(ids.map(async (id) => [id, (await node(page, id).boundingBox())!] as const)));
    expectLaidOut(boxes, saved.nodes);
    // Rows, not a column: the loose nodes take several distinct places across, and the whole is not a tall strip.
    const loose = saved.nodes.filter((n) => n.id.startsWith('loose'));
    expect(new Set(loose.map((n) => Math.round(n.position[0]))).size).toBeGreaterThan(2);
    const xs = [...boxes.values()].flatMap((b) => [b.x, b.x + b.width]);
    const ys = [...boxes.values()].flatMap((b) => [b.y, b.y + b.height]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(Math.max(...ys) - Math.min(...ys));
    // The scope still holds its body; its wires unchanged.
    expect(saved.nodes.find((n) => n.id === 'infer')?.parent).toBe('train');
    expect(saved.wires).toEqual(doc.wires);
    // One undo puts every node back.
    await page.click('[data-testid="undo"]');
    await expect.poll(positions).toEqual(before);
    await page.click('[data-testid="redo"]');
    await expect.poll(async () => (await positions()).map((p) => p.map(Math.round))).toEqual(saved.nodes.map((n) => n.position.map(Math.round)));
  });

  it('copies and pastes a node, toggles the minimap, arranges, and moves a node into a loop scope', async () => {
    await writeFile(join(app.server.workspace, 'scope-test.json'), saveGraph(scopeGraph()));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'scope-test.json');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(5);

    // Copy/paste: a new node of the same kind and params, selected, next to the original.
    await select(page, 'noise');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).toBe('corrupt_gaussian1');
    expect(await node(page, 'corrupt_gaussian1').getAttribute('data-kind')).toBe('corrupt.gaussian');
    expect(await node(page, 'corrupt_gaussian1').locator('.footer').textContent()).toContain('sigma 0.25');
    const [a, b] = [(await node(page, 'noise').boundingBox())!, (await node(page, 'corrupt_gaussian1').boundingBox())!];
    expect(b.x).toBeGreaterThan(a.x);
    expect(b.y).toBeGreaterThan(a.y);
    // Paste again: another copy, further along.
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(7);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    // Unsaved until the undos are back at the graph as opened; the redo is unsaved again.
    const fileName = page.locator('[data-testid="file-name"]');
    expect(await fileName.textContent()).toContain('•');
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(5);
    await expect.poll(() => fileName.textContent()).toBe('scope-test.json');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    await expect.poll(() => fileName.textContent()).toContain('•');

    // Minimap: shown by default, hidden and shown again by the toolbar button.
    const minimap = page.locator('[data-testid="canvas"] [data-testid="minimap"]');
    await expect.poll(() => minimap.isVisible()).toBe(true);
    await page.click('[data-testid="minimap-toggle"]');
    await expect.poll(() => minimap.isVisible()).toBe(false);
    // With it hidden the canvas still works: a click selects, a drag moves, and a drag with every node selected
    // moves them all by as much (a hidden minimap used to stop the area's later pipes: selection, scopes).
    await select(page, 'corrupt_gaussian1');
    const all = async () => page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [Math.round(r.x), Math.round(r.y)]));
    await page.keyboard.press('Control+a');
    const start = await all();
    const grip = (await node(page, 'corrupt_gaussian1').locator('.header').boundingBox())!;
    await page.mouse.move(grip.x + 20, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + 80, grip.y + grip.height / 2 + 40, { steps: 12 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const moved = await all();
    const moves = moved.map(([x, y], i) => `${x - start[i][0]},${y - start[i][1]}`);
    expect(new Set(moves).size, `moves ${moves.join(' ')}`).toBe(1);
    expect(moves[0]).not.toBe('0,0');
    await page.click('[data-testid="undo"]');
    await expect.poll(all).toEqual(start);
    // A click (no drag) on one node of the group selects it alone.
    await select(page, 'noise');
    await page.click('[data-testid="minimap-toggle"]');
    await expect.poll(() => minimap.isVisible()).toBe(true);
    // The shown minimap draws one mini node per node.
    await expect.poll(() => minimap.locator('.mini-node').count()).toBe(6);

    // The pastes brought their copies into view, which moved it: the whole graph in view again.
    await page.click('button[title^="Zoom to fit"]');
    // Move the loose corruption node into the TRAIN scope by dragging it onto the scope.
    const scope = (await node(page, 'train').boundingBox())!;
    const header = (await node(page, 'noise').locator('.header').boundingBox())!;
    await page.mouse.move(header.x + 30, header.y + header.height / 2);
    await page.mouse.down();
    const tx = scope.x + scope.width * 0.5;
    const ty = scope.y + scope.height - 20;
    await page.mouse.move((header.x + tx) / 2, (header.y + ty) / 2, { steps: 6 });
    await page.mouse.move(tx, ty, { steps: 6 });
    await page.mouse.up();
    // The scope grows around its new body node.
    await expect.poll(async () => inside((await node(page, 'noise').boundingBox())!, (await node(page, 'train').boundingBox())!)).toBe(true);
    expect(inside((await node(page, 'infer').boundingBox())!, (await node(page, 'train').boundingBox())!)).toBe(true);
    // Joining the scope is an undo step: undo takes the node out again, redo puts it back.
    await page.click('[data-testid="undo"]');
    expect((await saveAndRead(page, 'scope-undo.json')).nodes.find((n) => n.id === 'noise')?.parent).toBeUndefined();
    await page.click('[data-testid="redo"]');
    expect((await saveAndRead(page, 'scope-redo.json')).nodes.find((n) => n.id === 'noise')?.parent).toBe('train');
    await expect.poll(async () => inside((await node(page, 'noise').boundingBox())!, (await node(page, 'train').boundingBox())!)).toBe(true);
    // Moving the scope takes its body along.
    const before = (await node(page, 'noise').boundingBox())!;
    const sh = (await node(page, 'train').locator('.header').boundingBox())!;
    await page.mouse.move(sh.x + 40, sh.y + sh.height / 2);
    await page.mouse.down();
    await page.mouse.move(sh.x + 100, sh.y + sh.height / 2 + 30, { steps: 6 });
    await page.mouse.up();
    const after = (await node(page, 'noise').boundingBox())!;
    expect(after.x - before.x).toBeGreaterThan(40);
    // Undo puts the scope and its body back; redo moves them again, the body once (it moved twice: the history
    // kept the body's own moves beside the scope's, whose redo takes the body along).
    const at = async (id: string): Promise<number[]> => {
      const r = (await node(page, id).boundingBox())!;
      return [Math.round(r.x), Math.round(r.y)];
    };
    const places = { train: await at('train'), noise: await at('noise'), infer: await at('infer') };
    await page.waitForTimeout(1600);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => at('noise')).toEqual([Math.round(before.x), Math.round(before.y)]);
    await page.click('[data-testid="redo"]');
    await expect.poll(async () => ({ train: await at('train'), noise: await at('noise'), infer: await at('infer') })).toEqual(places);
    // A node dragged from the palette straight onto the scope joins its body too.
    const canvasBox = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    const scopeNow = (await node(page, 'train').boundingBox())!;
    await dragFromPalette(page, 'corrupt.spike', scopeNow.x - canvasBox.x + scopeNow.width / 2, scopeNow.y - canvasBox.y + scopeNow.height - 16);
    await expect.poll(() => node(page, 'spike1').count()).toBe(1);
    await expect.poll(async () => inside((await node(page, 'spike1').boundingBox())!, (await node(page, 'train').boundingBox())!)).toBe(true);
    // The saved document says so: the nodes' parent is the scope; the copy stayed outside.
    const saved = await saveAndRead(page, 'scope-moved.json');
    expect(saved.nodes.find((n) => n.id === 'spike1')?.parent).toBe('train');
    expect(saved.nodes.find((n) => n.id === 'noise')?.parent).toBe('train');
    expect(saved.nodes.find((n) => n.id === 'infer')?.parent).toBe('train');
    expect(saved.nodes.find((n) => n.id === 'corrupt_gaussian1')?.parent).toBeUndefined();
    expect(saved.wires).toHaveLength(2);

    // Auto-arrange: every node moves to a layered layout where no two cards overlap, except the
    // scope and its own body, which stays inside it.
    const ids = saved.nodes.map((n) => n.id);
    const boxes = async (): Promise<Map<string, Box>> => new Map(await Promise.all(ids.map(async (id) => [id, (await node(page, id).boundingBox())!] as const)));
    const old = await boxes();
    await page.click('[data-testid="arrange"]');
    await expect.poll(() => page.locator('[data-testid="arrange"]').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect([...(await boxes()).entries()].some(([id, bx]) => Math.abs(bx.x - old.get(id)!.x) > 5 || Math.abs(bx.y - old.get(id)!.y) > 5)).toBe(true);
    await page.waitForTimeout(300);
    const now = await boxes();
    expectLaidOut(now, saved.nodes);
    const arranged = await saveAndRead(page, 'scope-arranged.json');
    expect(arranged.nodes.find((n) => n.id === 'noise')?.parent).toBe('train');
    expect(arranged.wires).toEqual(saved.wires);

    // A scope copied alone takes its body along (3 nodes), and the pasted scope is fitted around the pasted body.
    await select(page, 'train');
    const count = await page.locator('[data-testid="node"]').count();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(count + 4);
    const pasted = await saveAndRead(page, 'scope-pasted.json');
    const copyOfScope = pasted.nodes.find((n) => n.kind === 'train.local' && n.id !== 'train')!;
    const body = pasted.nodes.filter((n) => n.parent === copyOfScope.id);
    expect(body.map((n) => n.kind).sort()).toEqual(['corrupt.gaussian', 'corrupt.spike', 'infer.iterative']);
    for (const n of body) await expect.poll(async () => inside((await node(page, n.id).boundingBox())!, (await node(page, copyOfScope.id).boundingBox())!), { message: n.id }).toBe(true);
    // Cut and paste keeps the body too (it was lost).
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(count);
    // The paste brought its copy into view, and the scope copied out of it.
    await page.click('button[title^="Zoom to fit"]');
    await select(page, 'train');
    await page.keyboard.press('Control+x');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(count - 4);
    // Undo of the cut brings the scope back around its body (it came back at its kind's size, under the body).
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(count);
    for (const id of ['infer', 'noise', 'spike1'])
      await expect.poll(async () => inside((await node(page, id).boundingBox())!, (await node(page, 'train').boundingBox())!), { message: id }).toBe(true);
    await page.click('[data-testid="redo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(count - 4);
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(count);
    await page.close();
  }, 120_000);

  it('the bottom panel resizes by dragging its top edge, keeps its height after a reload, and a double-click puts it back', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const panel = page.locator('section.bottom');
    const h0 = (await panel.boundingBox())!.height;
    const edge = (await page.locator('[data-testid="splitter"]').boundingBox())!;
    await page.mouse.move(edge.x + 300, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + 300, edge.y + edge.height / 2 - 150, { steps: 5 });
    await page.mouse.up();
    const h1 = (await panel.boundingBox())!.height;
    expect(h1).toBe(h0 + 150);
    await page.reload();
    await expect.poll(async () => (await page.locator('section.bottom').boundingBox())!.height).toBe(h1);
    await page.locator('[data-testid="splitter"]').dblclick();
    await expect.poll(async () => (await page.locator('section.bottom').boundingBox())!.height).toBe(h0);
    // From the keyboard: the focused edge grows the panel with ↑, and Home puts it back.
    await page.locator('[data-testid="splitter"]').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await page.locator('section.bottom').boundingBox())!.height).toBe(h0 + 48);
    await page.keyboard.press('Home');
    await expect.poll(async () => (await page.locator('section.bottom').boundingBox())!.height).toBe(h0);
    await page.close();
  }, 60_000);

  it('"?" lists the keyboard shortcuts over the window; Escape closes the list; typed in a field, "?" is just text', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.keyboard.press('?');
    const list = page.locator('[data-testid="shortcuts"]');
    await list.waitFor();
    expect(await list.textContent()).toContain('Undo (node moves, wires, parameters, graph settings)');
    expect(await list.textContent()).toContain('Shift+F');
    await page.keyboard.press('Escape');
    await expect.poll(() => list.count()).toBe(0);
    await page.fill('[data-testid="palette-search"]', '?');
    expect(await list.count()).toBe(0);
    await page.close();
  }, 60_000);

  it('the palette search finds node kinds by title, id and the paper equation they implement', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const found = async (q: string): Promise<string[]> => {
      await page.fill('[data-testid="palette-search"]', q);
      return page.locator('[data-testid="palette-item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind') ?? ''));
    };
    expect(await found('Eq. 3.18')).toEqual(['ebm.stdp_rule', 'stdp.simulate', 'stdp.spike_trace']);
    expect(await found('scellier & bengio 2016, eq. 10')).toEqual(['ebm.eqprop_rule']);
    expect(await found('nudge')).toContain('ebm.nudge');
    expect((await found('')).length).toBe(createRegistry().all().length);
    // Every category title stays on one line (the longest wrapped under its swatch).
    const heights = await page.locator('.palette .group').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(5);
    expect(Math.max(...heights) - Math.min(...heights)).toBeLessThan(1);
    // Enter in the search adds the first kind found.
    await found('scellier & bengio 2016, eq. 10');
    await page.press('[data-testid="palette-search"]', 'Enter');
    await expect.poll(() => page.locator('[data-testid="node"][data-kind="ebm.eqprop_rule"]').count()).toBe(1);
    // Added again at the same place, the second card goes under the first, not on it.
    await page.press('[data-testid="palette-search"]', 'Enter');
    await expect.poll(() => page.locator('[data-testid="node"][data-kind="ebm.eqprop_rule"]').count()).toBe(2);
    const [first, second] = await page.locator('[data-testid="node"][data-kind="ebm.eqprop_rule"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })));
    expect(overlaps(first, second)).toBe(false);
    // More of them: each lands under the last, and the view follows, so the new card is always on screen.
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    for (let n = 3; n <= 7; n++) {
      await page.press('[data-testid="palette-search"]', 'Enter');
      await expect.poll(() => page.locator('[data-testid="node"][data-kind="ebm.eqprop_rule"]').count()).toBe(n);
      const added = (await page.locator('[data-testid="node"][data-kind="ebm.eqprop_rule"]').last().boundingBox())!;
      expect(inside(added, canvas), `card ${n} on screen`).toBe(true);
    }
    // The search text is selected after Enter: typing starts a new search. Escape clears it.
    await page.keyboard.type('nudge');
    expect(await page.inputValue('[data-testid="palette-search"]')).toBe('nudge');
    await page.keyboard.press('Escape');
    expect(await page.inputValue('[data-testid="palette-search"]')).toBe('');
    await page.close();
  }, 60_000);

  it('Fit shows every node of the largest example, none hidden under the minimap', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.selectOption('[data-testid="examples"]', 'bengio2015-mnist');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(30);
    await page.click('[data-testid="arrange"]');
    await expect.poll(() => page.locator('[data-testid="arrange"]').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.waitForTimeout(300);
    const mini = (await page.locator('.minimap').boundingBox())!;
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    expect(mini.width).toBeGreaterThan(0);
    const cards = await page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })));
    for (const c of cards) {
      expect(overlaps(c, mini), `a node at ${Math.round(c.x)},${Math.round(c.y)} under the minimap`).toBe(false);
      expect(inside(c, canvas)).toBe(true);
    }
    await page.close();
  }, 120_000);

  it('no wire lies over a node: every card\'s title and ports take the pointer, in the two largest examples', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    for (const [name, min] of [['bengio2015-mnist', 30], ['eqprop-mnist', 8]] as const) {
      await openExample(page, name);
      await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThanOrEqual(min);
      await page.waitForTimeout(500);
      // Points along each card's title bar and on each of its sockets: what is on top there?
      const covered = await page.evaluate(() => {
        const out: string[] = [];
        for (const card of document.querySelectorAll<HTMLElement>('.lab-canvas [data-testid="node"]:not(.scope)')) {
          const id = card.closest('[data-node-id]')?.getAttribute('data-node-id') ?? '?';
          const head = card.querySelector('.header')!.getBoundingClientRect();
          const points = [0.2, 0.5, 0.8].map((f) => [head.left + f * head.width, head.top + head.height / 2]);
          for (const s of card.querySelectorAll('[data-type]')) {
            const r = s.getBoundingClientRect();
            points.push([r.left + r.width / 2, r.top + r.height / 2]);
          }
          for (const [x, y] of points) {
            if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
            if (document.elementFromPoint(x, y)?.closest('[data-testid="connection"]')) out.push(`${id} at ${Math.round(x)},${Math.round(y)}`);
          }
        }
        return out;
      });
      expect(covered, `${name}: a wire over a node`).toEqual([]);
    }
    await page.close();
  }, 120_000);
  it('undo of loop scopes: a node added from the palette and then dragged into a scope comes out again; a scope deleted with two body nodes comes back where it was', async () => {
    const doc = scopeGraph();
    doc.nodes.push({ id: 'noise2', kind: 'corrupt.gaussian', params: {}, position: [480, 300], parent: 'train' });
    await writeFile(join(app.server.workspace, 'scope-undo2.json'), saveGraph(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'scope-undo2.json');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    const places = async (): Promise<Record<string, [number, number]>> =>
      Object.fromEntries((await saveAndRead(page, 'scope-undo2-check.json')).nodes.map((n) => [n.id, n.position]));
    const before = await places();
    // Delete the scope (its body goes with it), then undo: every node where it was.
    await select(page, 'train');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(3);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    expect(await places()).toEqual(before);
    // Redo deletes them again, and undo once more puts them back as they were.
    await page.click('[data-testid="redo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(3);
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    expect(await places()).toEqual(before);
    // A body node copied without its scope is pasted into the same scope, beside the original.
    await select(page, 'noise2');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(7);
    await expect.poll(async () => (await saveAndRead(page, 'scope-undo2-check.json')).nodes.find((n) => n.id === 'corrupt_gaussian1')?.parent).toBe('train');
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    // A node from the palette, then dragged onto the scope: it joins; undo takes it out, and the next undo removes it.
    await dragFromPalette(page, 'corrupt.spike', 700, 520);
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(7);
    const scope = (await node(page, 'train').boundingBox())!;
    const header = (await node(page, 'spike1').locator('.header').boundingBox())!;
    await page.mouse.move(header.x + 30, header.y + header.height / 2);
    await page.mouse.down();
    await page.mouse.move(scope.x + scope.width * 0.5, scope.y + scope.height - 20, { steps: 12 });
    await page.mouse.up();
    await expect.poll(async () => (await saveAndRead(page, 'scope-undo2-check.json')).nodes.find((n) => n.id === 'spike1')?.parent).toBe('train');
    await page.click('[data-testid="undo"]');
    await expect.poll(async () => (await saveAndRead(page, 'scope-undo2-check.json')).nodes.find((n) => n.id === 'spike1')?.parent).toBeUndefined();
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(6);
    // A scope copied with its body is pasted clear of it (it landed on top, 40 px off), and again clear of both.
    await select(page, 'train');
    await page.keyboard.press('Control+c');
    for (const n of [9, 12]) {
      await page.keyboard.press('Control+v');
      await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(n);
    }
    const scopes = await page.locator('[data-testid="node"][data-kind="train.local"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })));
    expect(scopes).toHaveLength(3);
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(overlaps(scopes[i], scopes[j]), `scopes ${i} and ${j}`).toBe(false);
    await page.close();
  }, 60_000);

  it('Arrange with a loop scope selected keeps the scope\'s ports clear of its body, and puts nothing on another card', async () => {
    // A selected scope is not refitted around its body as its nodes move (the scopes plugin leaves
    // that to the drag), so the layout itself must leave room for the scope's header and ports.
    const page = await openApp(app.browser.context, app.server.url);
    await page.selectOption('[data-testid="examples"]', 'eqprop-mnist');
    await expect.poll(() => node(page, 'train').count()).toBe(1);
    await node(page, 'train').locator('.header').click();
    await expect.poll(() => page.locator('[data-node-id="train"].selected').count()).toBe(1);
    await page.click('[data-testid="arrange"]');
    await expect.poll(() => page.locator('[data-testid="arrange"]').isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.waitForTimeout(300);
    const r = loadGraph(JSON.parse(await readFile(join(ROOT, 'examples', 'eqprop-mnist.json'), 'utf8')));
    if (!r.ok) throw new Error('example does not load');
    const boxes = new Map(await Promise.all(r.doc.nodes.map(async (n) => [n.id, (await node(page, n.id).boundingBox())!] as const)));
    expectLaidOut(boxes, r.doc.nodes);
    const ports = await node(page, 'train').locator(':scope > .rows .port').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((q) => ({ x: q.x, y: q.y, width: q.width, height: q.height })));
    expect(ports.length).toBeGreaterThan(3);
    for (const n of r.doc.nodes.filter((m) => m.parent === 'train')) {
      for (const q of ports) expect(overlaps(boxes.get(n.id)!, q), `${n.id} covers a port of train`).toBe(false);
    }
    await page.close();
  }, 60_000);

  it('opens a file whose loop scopes cannot be drawn (inside itself, a ring of scopes): the nodes show, outside any scope, and a toast says why', async () => {
    const doc: GraphDocument = { format: 'plasticity-graph', version: 1, name: 'ring', seed: 1, nodes: [
      { id: 'a', kind: 'ebm.eqprop_train', params: {}, position: [0, 0], parent: 'b' },
      { id: 'b', kind: 'ebm.eqprop_train', params: {}, position: [500, 0], parent: 'a' },
      { id: 'c', kind: 'ebm.eqprop_train', params: {}, position: [1000, 0], parent: 'c' },
    ], wires: [] };
    await writeFile(join(app.server.workspace, 'ring.json'), JSON.stringify(doc));
    const page = await openApp(app.browser.context, app.server.url);
    // It hung: the canvas never finished loading the file.
    await openWorkspaceFile(page, 'ring.json');
    expect(await page.locator('[data-testid="node"]').count()).toBe(3);
    expect(await page.locator('[data-testid="toast"]').textContent()).toBe(
      'ring.json: a is in a ring of loop scopes placed inside each other; b is in a ring of loop scopes placed inside each other; c is placed inside itself. Those nodes are outside any loop scope now.',
    );
    await page.close();
  });

  it('a file with a node kind this version does not know is refused, leaving the open graph and its file as they were; a wire to a port that does not exist is left out, said in a toast', async () => {
    const base = { format: 'plasticity-graph', version: 1, seed: 1 } as const;
    const mnist = { id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] as [number, number] };
    const net = { id: 'net', kind: 'ebm.network', params: {}, position: [300, 0] as [number, number], label: 'Net' };
    await writeFile(join(app.server.workspace, 'kept.json'), JSON.stringify({ ...base, name: 'kept', nodes: [mnist, net], wires: [{ from: { node: 'data', port: 'train' }, to: { node: 'net', port: 'data' } }] }));
    await writeFile(join(app.server.workspace, 'future.json'), JSON.stringify({ ...base, name: 'future', nodes: [mnist, { id: 'f', kind: 'ebm.future_thing', params: {}, position: [0, 300] }], wires: [] }));
    await writeFile(join(app.server.workspace, 'badport.json'), JSON.stringify({ ...base, name: 'badport', nodes: [mnist, net], wires: [{ from: { node: 'data', port: 'images' }, to: { node: 'net', port: 'data' } }] }));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'kept.json');
    await page.click('[data-testid="open"]');
    await page.dblclick('[data-testid="file-entry"][data-path="future.json"]');
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toBe(
      'Cannot open future.json: node "f" is of kind "ebm.future_thing", which this version does not know (made by a newer one, or misspelt?). Nothing was changed.',
    );
    // Still kept.json, whole, with its wire: a save writes kept.json as it was (the future file is untouched).
    expect(await page.locator('[data-testid="file-name"]').first().textContent()).toContain('kept.json');
    expect(await page.locator('[data-testid="node"]').count()).toBe(2);
    expect(await connections(page).count()).toBe(1);
    expect(JSON.parse(await readFile(join(app.server.workspace, 'future.json'), 'utf8')).nodes).toHaveLength(2);
    // It threw halfway through the load (the canvas half cleared, the old file name kept for Ctrl+S).
    await openWorkspaceFile(page, 'badport.json');
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toBe('badport.json: the wire data.images → net.data: "MNIST" has no output "images". That wire is left out.');
    expect(await page.locator('[data-testid="node"]').count()).toBe(2);
    expect(await connections(page).count()).toBe(0);
    await page.close();
  });

  it('the Save dialog (browser mode): replacing a file asks first, a folder or an empty name is refused with a sentence, Escape closes it', async () => {
    await writeFile(join(app.server.workspace, 'taken.json'), saveGraph(scopeGraph()));
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'corrupt.spike', 400, 300);
    const problem = page.locator('[data-testid="file-dialog-problem"]');
    await page.click('[data-testid="save-as"]');
    // The name field has the focus: typing replaces the suggested name.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('file-dialog-name');
    await page.keyboard.type('taken');
    await page.click('[data-testid="file-save"]');
    expect(await problem.textContent()).toBe('taken.json already exists. Save again to replace it.');
    expect(await page.locator('[data-testid="file-save"]').textContent()).toBe('Replace');
    expect(JSON.parse(await readFile(join(app.server.workspace, 'taken.json'), 'utf8')).name).toBe('scope test');
    for (const [name, says] of [
      ['sub/x', 'A name without folders: the workspace keeps its graphs in one folder.'],
      ['   ', 'Type a name for the file.'],
      ['.json', 'A name that does not start with a dot: the file would be hidden, and this list would not show it.'],
    ]) {
      await page.fill('[data-testid="file-dialog-name"]', name);
      await page.click('[data-testid="file-save"]');
      expect(await problem.textContent()).toBe(says);
    }
    // Escape closes it, and the toolbar works again.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="file-dialog"]').count()).toBe(0);
    // A name written .JSON is the same file, not first.JSON.json; the second Save replaces it.
    await page.click('[data-testid="save-as"]');
    await page.fill('[data-testid="file-dialog-name"]', 'TAKEN.JSON');
    await page.click('[data-testid="file-save"]');
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('TAKEN.json');
    expect(existsSync(join(app.server.workspace, 'TAKEN.json'))).toBe(true);
    await page.click('[data-testid="save-as"]');
    await page.fill('[data-testid="file-dialog-name"]', 'taken');
    await page.click('[data-testid="file-save"]');
    await page.click('[data-testid="file-save"]');
    await expect.poll(async () => JSON.parse(await readFile(join(app.server.workspace, 'taken.json'), 'utf8')).nodes.length).toBe(1);
    await page.close();
  });

  it('blank labels and names: a label of spaces shows the kind\'s title, an empty graph name is refused and shown again; a fraction in an int field is not rounded on the card', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'ebm.network', 300, 250);
    await page.fill('[data-testid="node-label"]', '   ');
    await page.press('[data-testid="node-label"]', 'Enter');
    expect(await node(page, 'network1').locator('.title').textContent()).toBe('Energy-based network');
    expect((await saveAndRead(page, 'blank-label.json')).nodes[0].label).toBeUndefined();
    await select(page, 'network1');
    await page.fill('[data-testid="param-hidden"]', '500.5');
    await page.press('[data-testid="param-hidden"]', 'Enter');
    await expect.poll(() => node(page, 'network1').locator('.footer').textContent()).toContain('hidden 500.5');
    // The graph's settings show with nothing selected.
    await page.click('[data-testid="canvas"]', { position: { x: 30, y: 30 } });
    await page.fill('[data-testid="graph-name"]', '  ');
    await page.press('[data-testid="graph-name"]', 'Enter');
    expect(await page.inputValue('[data-testid="graph-name"]')).toBe('blank-label');
    expect(await page.locator('[data-testid="graph-error"]').textContent()).toBe('A graph needs a name: runs, their folders and History are named after it.');
    await page.close();
  });

  it('] and [ zoom in on the node they step to when the view is too far out to read a card', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'bengio2015-mnist');
    const scale = (id: string) => node(page, id).evaluate((e) => e.getBoundingClientRect().width / (e as HTMLElement).offsetWidth);
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    for (let i = 0; i < 20 && (await scale('data')) >= 0.45; i++) await page.mouse.wheel(0, 400);
    expect(await scale('data')).toBeLessThan(0.5);
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press(']');
    await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).not.toBe('');
    const id = (await page.locator('[data-testid="inspector-id"]').textContent())!;
    await expect.poll(() => scale(id)).toBeCloseTo(0.85, 2);
    // The card at the centre of the canvas.
    const box = (await node(page, id).boundingBox())!;
    expect(Math.abs(box.x + box.width / 2 - (canvas.x + canvas.width / 2))).toBeLessThan(4);
    expect(Math.abs(box.y + box.height / 2 - (canvas.y + canvas.height / 2))).toBeLessThan(4);
    // At a readable zoom the next step only pans, if need be.
    await page.keyboard.press(']');
    await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).not.toBe(id);
    expect(await scale(id)).toBeCloseTo(0.85, 2);
  });

  it('the keyboard reaches the graph: the canvas takes the focus, ] and [ step through the nodes, arrows move one (undoable), W wires it, Enter edits it', async () => {
    await writeFile(join(app.server.workspace, 'keys.json'), saveGraph(scopeGraph()));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'keys.json');
    await page.locator('[data-testid="canvas"]').focus();
    // Reading order (top to bottom, then left to right): data (0, 0), train (400, 0), infer, enc, noise.
    const selected = () => page.locator('[data-testid="inspector-id"]').textContent();
    await page.keyboard.press(']');
    await expect.poll(selected).toBe('data');
    await page.keyboard.press(']');
    await expect.poll(selected).toBe('train');
    await page.keyboard.press('[');
    await expect.poll(selected).toBe('data');
    await page.keyboard.press('[');
    await expect.poll(selected).toBe('noise');
    const before = (await saveAndRead(page, 'keys.json')).nodes.find((n) => n.id === 'noise')!.position;
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(async () => (await saveAndRead(page, 'keys.json')).nodes.find((n) => n.id === 'noise')!.position).toEqual([before[0] + 20, before[1] + 100]);
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await saveAndRead(page, 'keys.json')).nodes.find((n) => n.id === 'noise')!.position).toEqual([before[0] + 20, before[1]]);
    // W: wire the selected node from the keyboard. The noise node's choices include its corruption into the trainer
    // and the MNIST x into its layer input, which replaces the encoder's wire there.
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('w');
    const choices = page.locator('[data-testid="wire-choice"]');
    expect(await choices.allTextContents()).toEqual(
      expect.arrayContaining(['Gaussian noise (noise).corruption → Local training (EM) (train).corruption', 'MNIST (data).x → Gaussian noise (noise).layer (replaces its wire)']),
    );
    await page.keyboard.type('train');
    expect(await choices.allTextContents()).toEqual(['Gaussian noise (noise).corruption → Local training (EM) (train).corruption']);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="wire-picker"]').count()).toBe(0);
    const wired = (d: GraphDocument): boolean => d.wires.some((w) => w.from.node === 'noise' && w.to.node === 'train' && w.to.port === 'corruption');
    await expect.poll(async () => wired(await saveAndRead(page, 'keys.json'))).toBe(true);
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => wired(await saveAndRead(page, 'keys.json'))).toBe(false);
    // Escape closes the list without wiring.
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('w');
    await expect.poll(() => page.locator('[data-testid="wire-picker"]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="wire-picker"]').count()).toBe(0);
    // Enter: to the node's first field in the inspector.
    await page.locator('[data-testid="canvas"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="inspector"]') !== null)).toBe(true);
    await page.close();
  });

  it('a run that fails in a node names it by its label and selects it', async () => {
    const doc: GraphDocument = { format: 'plasticity-graph', version: 1, name: 'fails', seed: 1, nodes: [
      { id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] },
      { id: 'load1', kind: 'ebm.load', params: { path: 'no-such.network.json' }, position: [0, 250], label: 'Trained net' },
      { id: 'dyn', kind: 'ebm.langevin', params: {}, position: [0, 400] },
      { id: 'eval', kind: 'ebm.evaluate', params: {}, position: [350, 100] },
    ], wires: [
      { from: { node: 'load1', port: 'network' }, to: { node: 'eval', port: 'network' } },
      { from: { node: 'data', port: 'test' }, to: { node: 'eval', port: 'data' } },
      { from: { node: 'dyn', port: 'dynamics' }, to: { node: 'eval', port: 'dynamics' } },
    ] };
    await writeFile(join(app.server.workspace, 'fails.json'), JSON.stringify(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await openWorkspaceFile(page, 'fails.json');
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent(), { timeout: 60_000 }).toMatch(/^Run failed in Trained net \(load1\): cannot read a network from /);
    await expect.poll(() => page.locator('[data-testid="inspector-id"]').textContent()).toBe('load1');
    // The Run tab says it too, with a space after the node's name.
    expect(await page.locator('[data-testid="run-error"]').textContent()).toMatch(/^\s*Trained net \(load1\): cannot read a network from /);
    await page.close();
  }, 90_000);

  it('autosaves, and after a crash (a reload without saving) offers the recovered document and restores it', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(page, 'layers.encoder', 260, 220);
    await dragFromPalette(page, 'corrupt.spike', 560, 300);
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).toContain('•');
    // The autosave lands 1.5 s after the last edit.
    const autosave = join(app.server.workspace, '.autosave', `${await page.evaluate(() => sessionStorage.getItem('plasticity.autosaveSlot'))}.plasticity.json`);
    await expect.poll(async () => (existsSync(autosave) ? await readFile(autosave, 'utf8') : ''), { timeout: 10_000 }).toContain('"spike1"');
    // The "crash": the page goes away without saving. (A reload with unsaved changes asks first;
    // the harness accepts every dialog, so count them.)
    let asked = 0;
    page.on('dialog', (dlg) => {
      if (dlg.type() === 'beforeunload') asked++;
    });
    await page.reload();
    await page.waitForSelector('[data-testid="palette-item"]');
    await expect.poll(() => page.locator('[data-testid="recovery"]').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(asked).toBe(1);
    expect(await page.locator('[data-testid="node"]').count()).toBe(0);
    // An empty canvas says what to do first, and does not claim to compile.
    expect(await page.locator('[data-testid="empty-hint"]').textContent()).toContain('Open one of the examples');
    expect(await page.locator('[data-testid="open-first-example"]').getAttribute('aria-label')).toBe('Open eqprop-mnist');
    expect(await page.locator('[data-testid="diag-summary"]').textContent()).not.toContain('compiles');
    await page.click('[data-testid="recovery"] >> text=Recover');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(2);
    expect(await node(page, 'encoder1').count()).toBe(1);
    expect(await node(page, 'spike1').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="recovery"]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="empty-hint"]').count()).toBe(0);
    // Recovered work is unsaved work until it is saved (its autosave stays); saving clears the autosave.
    expect(await page.locator('[data-testid="file-name"]').first().textContent()).toContain('•');
    expect(await readFile(autosave, 'utf8')).toContain('"spike1"');
    const doc = await saveAndRead(page, 'recovered-work.json');
    expect(doc.nodes.map((n) => n.id).sort()).toEqual(['encoder1', 'spike1']);
    await expect.poll(() => existsSync(autosave)).toBe(false);
    // Changes discarded for another graph (the harness answers "Discard them?" with yes) leave no autosave to
    // be offered at the next start.
    await dragFromPalette(page, 'corrupt.mask', 400, 420);
    await expect.poll(() => existsSync(autosave), { timeout: 10_000 }).toBe(true);
    // An undo back to the saved graph: nothing unsaved, so no autosave to offer at the next start.
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="file-name"]').first().textContent()).not.toContain('•');
    await expect.poll(() => existsSync(autosave), { timeout: 10_000 }).toBe(false);
    await dragFromPalette(page, 'corrupt.mask', 400, 420);
    await expect.poll(() => existsSync(autosave), { timeout: 10_000 }).toBe(true);
    await openExample(page, 'stdp-curve');
    await expect.poll(() => existsSync(autosave)).toBe(false);
    await page.close();
  }, 60_000);

  it('keeps an autosave per tab: a second tab does not overwrite the first, whose work a new tab recovers after it crashed', async () => {
    const slotFile = async (page: Page): Promise<string> =>
      join(app.server.workspace, '.autosave', `${await page.evaluate(() => sessionStorage.getItem('plasticity.autosaveSlot'))}.plasticity.json`);
    const a = await openApp(app.browser.context, app.server.url);
    const b = await openApp(app.browser.context, app.server.url);
    await dragFromPalette(a, 'layers.encoder', 260, 220);
    await dragFromPalette(b, 'corrupt.mask', 400, 300);
    const [fileA, fileB] = [await slotFile(a), await slotFile(b)];
    expect(fileA).not.toBe(fileB);
    await expect.poll(async () => (existsSync(fileA) ? await readFile(fileA, 'utf8') : ''), { timeout: 10_000 }).toContain('"encoder1"');
    await expect.poll(async () => (existsSync(fileB) ? await readFile(fileB, 'utf8') : ''), { timeout: 10_000 }).toContain('"mask1"');
    // Tab A goes away unsaved (a crash: no beforeunload); a new tab is offered A's work, not B's, which B still holds.
    await a.close({ runBeforeUnload: false });
    const c = await openApp(app.browser.context, app.server.url);
    await expect.poll(() => c.locator('[data-testid="recovery"]').isVisible(), { timeout: 10_000 }).toBe(true);
    await c.click('[data-testid="recovery"] >> text=Recover');
    await expect.poll(() => c.locator('[data-testid="node"]').count()).toBe(1);
    expect(await node(c, 'encoder1').count()).toBe(1);
    // C took over A's slot: its autosaves go on in A's file, and B's is untouched.
    expect(await slotFile(c)).toBe(fileA);
    await dragFromPalette(c, 'corrupt.spike', 560, 300);
    await expect.poll(async () => readFile(fileA, 'utf8'), { timeout: 10_000 }).toContain('"spike1"');
    expect(await readFile(fileB, 'utf8')).toContain('"mask1"');
    // Both discard their changes for an example: no autosave is left for the next tab.
    await openExample(b, 'stdp-curve');
    await openExample(c, 'stdp-curve');
    await expect.poll(() => existsSync(fileA) || existsSync(fileB)).toBe(false);
    await Promise.all([b.close(), c.close()]);
  }, 60_000);

  it('runs the Bengio 2015 example\'s Quick run (progress moves, a sample image appears), then stops a long run; leaves a screenshot', async () => {
    const page = await openApp(app.browser.context, app.server.url);
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
    // The loss chart's x axis is training progress in epochs (12 in this example's Quick run), labelled.
    const trainChart = page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="train"]');
    expect(await trainChart.getAttribute('data-x-label')).toBe('epoch');
    const xMax = Number(await trainChart.getAttribute('data-x-max'));
    expect(xMax).toBeGreaterThan(11);
    expect(xMax).toBeLessThanOrEqual(12);
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'run-done.png') });
    // At the end: the final metrics of summary.json, and the log p(x,h) trace as a chart.
    const finals = page.locator('[data-testid="final-metrics"]');
    expect(await finals.textContent()).toContain('Final metrics');
    expect(await finals.textContent()).toContain('parzen_ll');
    expect(await finals.textContent()).toContain('recon_mse');
    expect(Number(await page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="logp_trace"]').getAttribute('data-x-max'))).toBeGreaterThan(0);

    // A long run (no limits): screenshot while it trains, then Stop.
    await page.locator('[data-testid="quick"]').uncheck();
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 30_000 }).toBe('running');
    await expect.poll(() => page.locator('.u-legend').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(4000);
    await select(page, 'f1');
    // Zoom in on the first half of the data flow (data, encoders/decoders, model, the TRAIN scope,
    // prior, samplers) so the node cards are readable in the picture.
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.07, box.y + box.height * 0.42);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(60);
    }
    await page.waitForTimeout(300);
    await mkdir(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshot-editor.png') });
    expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('running');
    // A second page (another tab, or this one reloaded) joins the run going: running, not "starting".
    const other = await openApp(app.browser.context, app.server.url);
    await expect.poll(() => other.locator('[data-testid="run-status"]').textContent(), { timeout: 20_000 }).toBe('running');
    const t0 = Date.now();
    await page.click('[data-testid="stop"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 5_000, interval: 50 }).toBe('stopped');
    const ms = Date.now() - t0;
    console.log(`e2e: Stop took ${ms} ms to show "stopped"`);
    expect(ms).toBeLessThan(3000);
    // When it ends, the second page learns its folder and graph: History can take a note on it and open its graph.
    await expect.poll(() => other.locator('[data-testid="run-status"]').textContent()).toBe('stopped');
    await other.click('[data-testid="tab-history"]');
    await expect.poll(() => other.locator('[data-testid="history"] [data-testid="run-note"]').count()).toBe(1);
    expect(await other.locator('[data-testid="history"] tbody tr').first().textContent()).toContain('bengio2015-mnist');
    await other.close();
    // A stopped run promises nothing more: no ETA, no examples/s.
    await expect.poll(() => page.locator('[data-testid="progress-text"]').textContent()).not.toMatch(/ETA|ex\/s/);
    await page.click('[data-testid="tab-history"]');
    await expect.poll(() => page.locator('[data-testid="history"] tbody tr').count()).toBe(2);

    // Comparing the two runs: tick both, and their curves are overlaid on shared epoch axes.
    await page.locator('[data-testid="compare-run"]').nth(0).check();
    await expect.poll(() => page.locator('[data-testid="history"]').textContent()).toContain('Tick another run');
    await page.locator('[data-testid="compare-run"]').nth(1).check();
    const overlay = page.locator('[data-testid="compare"] [data-testid="chart"][data-title="train: loss_f1"]');
    await expect.poll(() => overlay.count()).toBe(1);
    expect(await overlay.getAttribute('data-lines')).toBe('2');
    expect(await overlay.getAttribute('data-x-label')).toBe('epoch');
    expect(await overlay.locator('.u-legend .u-series').count()).toBe(2); // one line per run, labelled by its start time and graph (no series: nothing else sets them apart)
    expect(await overlay.locator('.u-legend').textContent()).toContain('bengio2015-mnist');
    // What differs: only the Quick run's parameter changes (the graph's quick.set) and limits (the same graph and seed).
    expect(await page.locator('[data-testid="compare-diff"] [data-testid="diff-row"] td:first-child').allTextContents()).toEqual(['f1.lr', 'f2.lr', 'train.batchSize', 'train.warmupBatches', 'option epochs', 'option trainLimit', 'option testLimit', 'option sampleLimit', 'option quick']);
    // And their final metrics side by side (the stopped run has none after training).
    expect(await page.locator('[data-testid="compare-metrics"]').textContent()).toContain('parzen_ll');
    if (process.env.E2E_SHOTS) {
      await overlay.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(process.env.E2E_SHOTS, 'history-compare.png') });
    }
    // Unticking one leaves nothing to overlay.
    await page.locator('[data-testid="compare-run"]').nth(0).uncheck();
    await expect.poll(() => page.locator('[data-testid="compare"]').count()).toBe(0);
    await page.close();
  }, 240_000);

  it('runs the EqProp example quickly: its per-epoch series share one epoch chart, and no array metric is drawn twice', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await runExample(page, 'eqprop-mnist', 6);
    // The Log says which backend ran and why (not only the backend pill's tooltip).
    const backend = await page.locator('[data-testid="run-backend"]').getAttribute('title');
    await page.getByRole('tab', { name: 'Log', exact: true }).click();
    expect(await page.locator('.log').textContent()).toContain(`backend: ${backend}`);
    expect(backend).toMatch(/chosen automatically|asked for by name/);
    await page.click('[data-testid="tab-run"]');
    const charts = page.locator('[data-testid="run-panel"] [data-testid="chart"]');
    const train = page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="train"]');
    expect(await train.getAttribute('data-x-label')).toBe('epoch');
    // No value is negative and the positive ones span more than a factor of 20 (a value at 0 would be left out): a
    // log y axis, which the "log" button turns linear and back.
    expect(await train.getAttribute('data-y-log')).toBe('true');
    await train.hover();
    await train.locator('[data-testid="chart-log"]').click();
    await expect.poll(() => train.getAttribute('data-y-log')).toBe('false');
    await train.locator('[data-testid="chart-log"]').click();
    await expect.poll(() => train.getAttribute('data-y-log')).toBe('true');
    // The published figure beside the like-for-like series (stored states, read by argmax) is a dashed line across the chart.
    expect(await train.locator('.u-legend').textContent()).toBe(
      'train_errortrain_costtest_error_storedtest_error_stored_by_statetest_error_zerotest_error_zero_by_statepaper: test_error_stored_by_state',
    );
    // The same series come back as arrays in summary.json; they are not drawn again on an index axis.
    expect(await charts.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-title')))).toEqual(['train']);
    expect(await page.locator('[data-testid="final-metrics"]').textContent()).toContain('test_error_by_state');
    // Beside the run's test_error, the paper's (the graph's references), with its source on hover.
    const paperCell = page.locator('[data-testid="final-metrics"] tr').filter({ hasText: /^test_error\d/ }).locator('[data-testid="paper-value"]');
    expect(await paperCell.textContent()).toBe('0.024');
    expect(await paperCell.getAttribute('title')).toContain('Scellier & Bengio 2016');
    // The figure the example is about also sits on the status line, beside the paper's; this Quick run's figure is a
    // preview, so the paper's is said to be the full run's, there and over the table.
    const headline = page.locator('[data-testid="run-headline"]');
    expect(await headline.allTextContents()).toEqual([`test_error ${await page.locator('[data-testid="final-metrics"] tr').filter({ hasText: /^test_error\d/ }).locator('td.num').first().textContent()} (paper 0.024, full run)`]);
    expect(await page.locator('[data-testid="final-metrics"] thead th').allTextContents()).toEqual(['', 'this run (limited)', 'paper (full run)']);
    // The run's folder in the workspace holds the graph as run, the trained network (Save network), every event (metrics.jsonl), the learning curve, what training changed (the trainer's fields) and summary.json.
    const runs = join(app.server.workspace, 'runs');
    const folder = (await readdir(runs)).find((d) => d.endsWith('-eqprop-mnist'));
    expect(folder).toBeDefined();
    await expect.poll(async () => (await readdir(join(runs, folder!))).sort()).toEqual(['eqprop.network.json', 'graph.json', 'metrics.jsonl', 'summary.json', 'train_fields.png', 'train_learning_curve.png']);
    const summary = JSON.parse(await readFile(join(runs, folder!, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ graph: 'eqprop-mnist', status: 'done' });
    // The chart's numbers as CSV: an epoch column, one column per line; at epoch 1 the end-of-epoch values of summary.json.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), train.locator('[data-testid="chart-csv"]').click()]);
    // Named after the run's folder, so downloads of different runs do not collide.
    expect(csvDownload.suggestedFilename()).toBe(`${folder}-train.csv`);
    const csv = (await readFile((await csvDownload.path())!, 'utf8')).trimEnd().split('\n').map((l) => l.split(','));
    expect(csv[0]).toEqual([
      'epoch',
      'train_error',
      'train_cost',
      'test_error_stored',
      'test_error_stored_by_state',
      'test_error_zero',
      'test_error_zero_by_state',
      'paper: test_error_stored_by_state',
    ]);
    const last = csv.at(-1)!;
    expect(Number(last[0])).toBe(1);
    expect(Number(last[1])).toBe(summary.metrics.train_error[0]);
    expect(Number(last[3])).toBe(summary.metrics.test_error_stored[0]);
    // After the one epoch, the test digits relaxed from zero score what the final test_error says.
    expect(Number(last[5])).toBe(summary.metrics.test_error);
    // Where a curve drawn live ends is a number of the final metrics too (as plasticity sweep names it), with the paper's figure.
    const stored = page.locator('[data-testid="final-metrics"] tr').filter({ hasText: /^test_error_stored_by_state\[-1\]\d/ });
    expect(Number(await stored.locator('td.num').first().textContent())).toBeCloseTo(summary.metrics.test_error_stored_by_state.at(-1), 3);
    expect(await stored.locator('[data-testid="paper-value"]').textContent()).toBe('0.024');
    // The stored states read by input have no paper figure beside them: the paper read by argmax.
    const byInput = page.locator('[data-testid="final-metrics"] tr').filter({ hasText: /^test_error_stored\[-1\]\d/ });
    expect(await byInput.locator('[data-testid="paper-value"]').textContent()).toBe('');
    // And as a picture drawn at twice the screen's size (on this 1× screen), title and legend included.
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), train.locator('[data-testid="chart-png"]').click()]);
    expect(pngDownload.suggestedFilename()).toBe(`${folder}-train.png`);
    const png = await readFile((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const onScreen = await train.locator('canvas').evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height }));
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(2 * onScreen.w);
    expect(png.readUInt32BE(20)).toBeGreaterThan(2 * onScreen.h);
    if (process.env.E2E_SHOTS) await writeFile(join(process.env.E2E_SHOTS, 'chart-export.png'), png);
    // The panel made taller, the main chart grows with it (it stayed 128 px, leaving the room below empty); back, it shrinks.
    const plotHeight = async (): Promise<number> => (await train.locator('.u-over').boundingBox())!.height;
    const small = await plotHeight();
    await page.locator('[data-testid="splitter"]').focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowUp');
    await expect.poll(plotHeight).toBeGreaterThan(small + 100);
    await page.keyboard.press('Home');
    await expect.poll(plotHeight).toBeLessThan(small + 1);
    await page.close();
  }, 180_000);

  it('compares three runs in History: what differs between them (the nudge strength), their curves in one colour each, their metrics side by side', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await runExample(page, 'eqprop-mnist', 6);
    for (const beta of ['1', '0.25']) {
      await select(page, 'nudge');
      await page.fill('[data-testid="param-beta"]', beta);
      await page.press('[data-testid="param-beta"]', 'Enter');
      await runToEnd(page);
    }
    await page.click('[data-testid="tab-history"]');
    const ticks = page.locator('[data-testid="compare-run"]');
    await expect.poll(() => ticks.count()).toBe(3);
    for (let i = 0; i < 3; i++) await ticks.nth(i).check();
    // One row: the only parameter that changed, in run order (oldest first), with its value in each run.
    const diff = page.locator('[data-testid="compare-diff"] [data-testid="diff-row"]');
    await expect.poll(() => diff.count()).toBe(1);
    expect(await diff.locator('td').allTextContents()).toEqual(['nudge.beta', '0.5', '1', '0.25']);
    const train = page.locator('[data-testid="compare"] [data-testid="chart"][data-title="train: train_error"]');
    expect(await train.getAttribute('data-lines')).toBe('3');
    // A column per run, then the paper's figures (the example's references).
    expect(await page.locator('[data-testid="compare-metrics"] thead th').allTextContents()).toEqual(['final metric', ...Array(3).fill(expect.stringContaining('eqprop-mnist')), 'paper']);
    expect(await page.locator('[data-testid="compare-metrics"] tr').filter({ hasText: /^test_error\d/ }).locator('[data-testid="compare-paper"]').textContent()).toBe('0.024');
    expect(await page.locator('[data-testid="compare-metrics"]').textContent()).toContain('test_error');
    // The paper's figure beside the like-for-like series (stored states read by argmax), not beside the one read by input.
    expect(await page.locator('[data-testid="compare-metrics"] tr').filter({ hasText: /^test_error_stored_by_state\[-1\]\d/ }).locator('[data-testid="compare-paper"]').textContent()).toBe('0.024');
    expect(await page.locator('[data-testid="compare-metrics"] tr').filter({ hasText: /^test_error_stored\[-1\]\d/ }).locator('[data-testid="compare-paper"]').textContent()).toBe('');
    if (process.env.E2E_SHOTS) {
      await train.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(process.env.E2E_SHOTS, 'history-three.png') });
    }
    // Each run keeps the graph it ran: the second one opens with its β.
    // (The edited graph is unsaved: the harness accepts the "discard?" question.)
    await page.locator('[data-testid="open-run-graph"]').nth(1).click(); // newest first: the β = 1 run
    await select(page, 'nudge');
    expect(await page.inputValue('[data-testid="param-beta"]')).toBe('1');
    await page.close();
  }, 180_000);

  it('runs a graph with three seeds one after another; History then ticks them, says the seed differs and gives each metric\'s mean ± sd', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.selectOption('[data-testid="examples"]', 'ebm-early-inference');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(1);
    const before = new Set(await readdir(join(app.server.workspace, 'runs')).catch(() => []));
    await page.selectOption('[data-testid="seeds"]', '3');
    await page.click('[data-testid="run"]');
    // When the third run is done, History shows the three ticked.
    await expect.poll(() => page.locator('[data-testid="compare-diff"]').count(), { timeout: 120_000 }).toBe(1);
    expect(await page.locator('[data-testid="compare-run"]:checked').count()).toBe(3);
    expect(await page.locator('[data-testid="compare-diff"] [data-testid="diff-row"] td').allTextContents()).toEqual(['seed', '1', '2', '3']);
    expect(await page.locator('[data-testid="seeds-column"]').textContent()).toBe('mean ± sd over 3 seeds');
    expect(await page.locator('[data-testid="history-variant"]').allTextContents()).toEqual(['3/3 · seed=3', '2/3 · seed=2', '1/3 · seed=1']);
    // A run's row lists its main result, the probe's cosine per hidden layer (a short array), among its final values.
    expect(await page.locator('[data-testid="history"] tbody tr').first().textContent()).toMatch(/backprop_cosine\[0\]=0\.9\d+/);
    // The compared runs' column heads say which seed each is (not only a start time and the graph's name).
    const heads = await page.locator('[data-testid="compare-metrics"] th').allTextContents();
    for (const seed of [1, 2, 3]) expect(heads.some((h) => h.endsWith(` seed=${seed}`)), heads.join(' | ')).toBe(true);
    // The mean ± sd of the first cosine, worked out here from the three runs' summary.json files.
    const folders = (await readdir(join(app.server.workspace, 'runs'))).filter((d) => !before.has(d) && d.endsWith('-ebm-early-inference'));
    expect(folders).toHaveLength(3);
    const summaries = await Promise.all(folders.map(async (f) => JSON.parse(await readFile(join(app.server.workspace, 'runs', f, 'summary.json'), 'utf8'))));
    // Each run's folder keeps its label, so after the session it still says which run of the series it was.
    expect(summaries.map((s) => s.label).sort()).toEqual(['1/3 · seed=1', '2/3 · seed=2', '3/3 · seed=3']);
    const firsts = summaries.map((s) => s.metrics.backprop_cosine[0] as number);
    const mean = firsts.reduce((a, x) => a + x, 0) / 3;
    const sd = Math.sqrt(firsts.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    const row = page.locator('[data-testid="compare-metrics"] tr').filter({ hasText: 'backprop_cosine' });
    const spread = (await row.locator('[data-testid="seeds-spread"]').textContent())!;
    expect(spread.split(' · ')).toHaveLength(3);
    expect(spread.split(' · ')[0]).toBe(fmtMeanSd(mean, sd));
    // The table as CSV, in full precision: a column per run, then mean and sd.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="compare-csv"]')]);
    const table = (await readFile((await csvDownload.path())!, 'utf8')).trimEnd().split('\n').map((l) => l.split(','));
    expect(table[0][0]).toBe('metric');
    expect(table[0].slice(-2)).toEqual(['mean', 'sd']);
    const first = table.find((row) => row[0] === 'backprop_cosine[0]')!;
    expect(first.slice(1, 4).map(Number).sort()).toEqual([...firsts].sort());
    expect(Number(first[4])).toBeCloseTo(mean, 12);
    expect(Number(first[5])).toBeCloseTo(sd, 12);
    expect(await page.locator('[data-testid="run"]').textContent()).toBe('▶ Run');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'seeds.png') });
    // Read back from their folders (Past runs), the three say which they were.
    await page.click('[data-testid="past-runs"]');
    for (const f of folders) expect(await page.locator(`[data-testid="past-run"][data-id="${f}"] [data-testid="past-run-variant"]`).textContent()).toMatch(/^[123]\/3 · seed=[123]$/);
    await page.click('[data-testid="past-runs"]');
    await page.close();
  }, 180_000);

  it('sweeps a parameter from the inspector: a run per value, then History says what differs; bad values and too many runs are refused', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await select(page, 'nudge');
    await page.click('[data-testid="sweep-beta"]');
    await page.fill('[data-testid="sweep-values"]', '0.25, x');
    await page.click('[data-testid="sweep-run"]');
    expect(await page.locator('[data-testid="sweep-error"]').textContent()).toBe('value 2 of 2 must be a number, got "x"');
    // Two values with five seeds would be ten runs, more than History compares: refused, nothing runs.
    await page.selectOption('[data-testid="seeds"]', '5');
    await page.fill('[data-testid="sweep-values"]', '1 0.25');
    await page.click('[data-testid="sweep-run"]');
    // Said beside the values, which stay as typed to be mended.
    await expect.poll(() => page.locator('[data-testid="sweep-error"]').textContent()).toBe(
      '2 values × 5 seeds is 10 runs: a sweep runs at most 8, so History can compare them all (3 seeds with these values, or at most 1 value with 5 seeds; or plasticity sweep, which has no such limit)',
    );
    expect(await page.inputValue('[data-testid="sweep-values"]')).toBe('1 0.25');
    expect(Number(await page.locator('[data-testid="tab-history"] .n').textContent())).toBe(0);
    await page.selectOption('[data-testid="seeds"]', '1');
    await page.click('[data-testid="sweep-run"]');
    await expect.poll(() => page.locator('[data-testid="compare-diff"]').count(), { timeout: 120_000 }).toBe(1);
    expect(await page.locator('[data-testid="compare-diff"] [data-testid="diff-row"] td').allTextContents()).toEqual(['nudge.beta', '1', '0.25']);
    expect(await page.locator('[data-testid="compare-run"]:checked').count()).toBe(2);
    // Each run of the sweep says which it is (newest first in the list).
    expect(await page.locator('[data-testid="history-variant"]').allTextContents()).toEqual(['2/2 · nudge.beta=0.25', '1/2 · nudge.beta=1']);
    // Each final metric against the swept parameter: the test error at β = 0.25 and 1, in that order.
    const against = page.locator('[data-testid="against-param"] [data-testid="chart"][data-title="test_error against nudge.beta"]');
    expect(await against.getAttribute('data-lines')).toBe('1');
    expect(await against.getAttribute('data-x-label')).toBe('nudge.beta');
    const [dl] = await Promise.all([page.waitForEvent('download'), against.locator('[data-testid="chart-csv"]').click()]);
    const rows = (await readFile((await dl.path())!, 'utf8')).trimEnd().split('\n').map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(['nudge.beta', '0.25', '1']);
    const metricCells = await page.locator('[data-testid="compare-metrics"] tr').filter({ hasText: /^test_error\d/ }).locator('td').allTextContents();
    expect(fmtMetric(Number(rows[2][1]))).toBe(metricCells[1]); // β = 1 ran first
    // The graph in the editor keeps its own value.
    await select(page, 'nudge');
    expect(await page.inputValue('[data-testid="param-beta"]')).toBe('0.5');
    // A list parameter (a learning rate per layer) is swept over lists separated by semicolons.
    await select(page, 'rule');
    await page.click('[data-testid="sweep-lrs"]');
    await page.fill('[data-testid="sweep-values"]', '0.1, 0.05');
    await page.click('[data-testid="sweep-run"]');
    expect(await page.locator('[data-testid="sweep-error"]').textContent()).toBe('type at least two lists, e.g. 0.1, 0.05; 0.05, 0.025');
    await page.fill('[data-testid="sweep-values"]', '0.1, 0.05; 0.05, x');
    await page.click('[data-testid="sweep-run"]');
    expect(await page.locator('[data-testid="sweep-error"]').textContent()).toMatch(/^value 2 of 2 must be .*got "0\.05, x"/);
    // Two values × three seeds: History gives each metric's mean ± sd over the seeds, value by value.
    await page.selectOption('[data-testid="seeds"]', '3');
    await select(page, 'nudge');
    await page.click('[data-testid="sweep-beta"]');
    await page.fill('[data-testid="sweep-values"]', '1 0.25');
    await page.click('[data-testid="sweep-run"]');
    const spread = page.locator('[data-testid="against-spread"]');
    await expect.poll(() => spread.count(), { timeout: 120_000 }).toBe(1);
    expect(await spread.locator('th').allTextContents()).toEqual(['mean ± sd', 'nudge.beta=0.25', 'nudge.beta=1']);
    const cells = await spread.locator('tr').filter({ hasText: /^test_error/ }).first().locator('td').allTextContents();
    expect(cells.slice(1).every((c) => /^\d[\d.e-]* ± [\d.e-]+ \(3\)$/.test(c)), cells.join(' | ')).toBe(true);
    await page.close();
  }, 240_000);

  it('a series of seeds stops at a run that fails: the error names the node, and Run is free again', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'ebm-early-inference');
    await select(page, 'data');
    await page.fill('[data-testid="param-dataDir"]', '/no/such/folder');
    await page.press('[data-testid="param-dataDir"]', 'Enter');
    const before = Number(await page.locator('[data-testid="tab-history"] .n').textContent());
    await page.selectOption('[data-testid="seeds"]', '3');
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 60_000 }).toBe('error');
    expect(await page.locator('[data-testid="run-error"]').textContent()).toContain('/no/such/folder');
    await expect.poll(() => page.locator('[data-testid="run"]').isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="run"]').textContent()).toBe('▶ Run');
    // Only the failed run was started (a second would be in the list within a couple of seconds).
    await page.waitForTimeout(2500);
    expect(Number(await page.locator('[data-testid="tab-history"] .n').textContent())).toBe(before + 1);
    await page.close();
  }, 120_000);

  it('edits the graph itself with no node selected: seed and Quick run limits are saved and used by the next run', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await page.mouse.click(box.x + 12, box.y + 12);
    await page.locator('[data-testid="graph-settings"]').waitFor();
    expect(await page.inputValue('[data-testid="graph-seed"]')).toBe('1');
    // The example's own Quick run: 10,000 training and 1,000 test digits; the rest is the default.
    expect(await page.inputValue('[data-testid="quick-trainLimit"]')).toBe('10000');
    expect(await page.inputValue('[data-testid="quick-epochs"]')).toBe('');
    expect(await page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('at most 10000 training and 1000 test examples');
    // A seed that is not a whole number is refused, with why; the seed stays.
    await page.fill('[data-testid="graph-seed"]', '1.5');
    await page.press('[data-testid="graph-seed"]', 'Enter');
    expect(await page.locator('[data-testid="graph-error"]').textContent()).toContain('not a whole number');
    // So is one too large to stay exact in the saved JSON (before, it was taken and every save failed).
    await page.fill('[data-testid="graph-seed"]', '99999999999999999999');
    await page.press('[data-testid="graph-seed"]', 'Enter');
    expect(await page.locator('[data-testid="graph-error"]').textContent()).toContain('too large');
    await page.fill('[data-testid="graph-seed"]', '5');
    await page.press('[data-testid="graph-seed"]', 'Enter');
    await expect.poll(() => page.locator('[data-testid="graph-error"]').count()).toBe(0);
    // A graph setting is one undo step like a parameter: undo puts the seed back, redo sets it again.
    await page.click('[data-testid="undo"]');
    await expect.poll(() => page.inputValue('[data-testid="graph-seed"]')).toBe('1');
    await page.click('[data-testid="redo"]');
    await expect.poll(() => page.inputValue('[data-testid="graph-seed"]')).toBe('5');
    await page.fill('[data-testid="quick-epochs"]', '0');
    await page.press('[data-testid="quick-epochs"]', 'Enter');
    expect(await page.locator('[data-testid="graph-error"]').textContent()).toContain('Quick run epochs: "0" is not a whole number from 1 up');
    await page.fill('[data-testid="quick-epochs"]', '');
    await page.press('[data-testid="quick-epochs"]', 'Enter');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'graph-settings.png') });
    await page.fill('[data-testid="quick-trainLimit"]', '400');
    await page.press('[data-testid="quick-trainLimit"]', 'Enter');
    await page.fill('[data-testid="quick-testLimit"]', '');
    await page.press('[data-testid="quick-testLimit"]', 'Enter');
    await expect.poll(() => page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('at most 400 training and 200 test examples');
    const before = new Set(await readdir(join(app.server.workspace, 'runs')).catch(() => []));
    await runToEnd(page);
    const folder = (await readdir(join(app.server.workspace, 'runs'))).find((d) => !before.has(d) && d.endsWith('-eqprop-mnist'))!;
    await expect.poll(() => existsSync(join(app.server.workspace, 'runs', folder, 'summary.json'))).toBe(true);
    const summary = JSON.parse(await readFile(join(app.server.workspace, 'runs', folder, 'summary.json'), 'utf8'));
    expect(summary.options).toMatchObject({ epochs: 1, trainLimit: 400, testLimit: 200, sampleLimit: 200 });
    const ran = JSON.parse(await readFile(join(app.server.workspace, 'runs', folder, 'graph.json'), 'utf8'));
    expect(ran.seed).toBe(5);
    expect(ran.quick).toEqual({ trainLimit: 400 });
    // And the saved file keeps them.
    const doc = await saveAndRead(page, 'eqprop-seed5.json');
    expect(doc.seed).toBe(5);
    expect(doc.quick).toEqual({ trainLimit: 400 });
    await page.close();
  }, 180_000);

  it('runs the STDP curve (its plot enlarges on a click) and the early-inference probe: one cosine per hidden layer reads as numbers, and no other graph\'s pictures show', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    // First a graph that draws a picture (the STDP curve), then one that draws none.
    await runExample(page, 'stdp-curve', 2);
    expect(await page.locator('[data-testid="run-image"]').count()).toBe(1);
    // A click enlarges the plot over the window; Escape closes it. While it is open, Delete does not
    // reach the canvas (the node selected before stays).
    await page.locator('[data-testid="node"]').first().click({ position: { x: 40, y: 8 } });
    await expect.poll(() => page.locator('[data-testid="inspector-id"]').count()).toBe(1);
    await page.click('[data-testid="run-image"]');
    const zoom = page.locator('[data-testid="image-zoom"] img');
    await zoom.waitFor();
    const natural = await page.locator('[data-testid="run-image"]').evaluate((i) => (i as HTMLImageElement).naturalWidth);
    expect(await zoom.evaluate((i) => (i as HTMLImageElement).width)).toBeGreaterThan(Math.min(natural, 600));
    await page.keyboard.press('Delete');
    expect(await page.locator('[data-testid="node"]').count()).toBe(2);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="image-zoom"]').count()).toBe(0);
    expect(await page.locator('[data-testid="run-other-graph"]').count()).toBe(0);
    // Another graph opened: the Run tab still shows the last run, and says it was of the other graph.
    await openExample(page, 'ebm-early-inference');
    expect(await page.locator('[data-testid="run-other-graph"]').textContent()).toBe('run of stdp-curve');
    await runExample(page, 'ebm-early-inference', 6);
    expect(await page.locator('[data-testid="run-other-graph"]').count()).toBe(0);
    const row = page.locator('[data-testid="metric-row-array"]');
    expect(await row.count()).toBe(1);
    const [name, values] = await row.locator('td').allTextContents();
    expect(name).toBe('backprop_cosine');
    // 784-100-50-30-10: three hidden layers, each cosine a number in [-1, 1] with four significant digits.
    const cosines = values.split(' · ').map(Number);
    expect(cosines).toHaveLength(3);
    for (const c of cosines) expect(Math.abs(c)).toBeLessThanOrEqual(1);
    // The energy trace is long: a chart, not a row.
    expect(await page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="energy_trace"]').count()).toBe(1);
    // This graph draws no pictures; the STDP run's curve is not shown as if it were its own.
    expect(await page.locator('[data-testid="run-image"]').count()).toBe(0);
    expect(await page.locator('[data-testid="previous-run-image"]').count()).toBe(0);
    await page.close();
  }, 180_000);

  it('follows docs/tutorial-eqprop.md: builds Equilibrium Propagation from the palette, quick-runs it, saves it', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    // Step 1-2: the seven nodes, dropped where the tutorial's picture has them.
    const drops = TUTORIAL_DROPS;
    for (const [kind, x, y] of drops) await dragFromPalette(page, kind, x, y);
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(7);
    // Each card's footer sums up its parameters: no empty entry (MNIST's empty data folder), lists too.
    expect(await node(page, 'mnist1').locator('.footer').textContent()).toMatch(/^validCount 10000 · /);
    expect(await node(page, 'eqprop_rule1').locator('.footer').textContent()).toContain('lrs 0.1, 0.05');
    // Step 3: the wires.
    const wires: [string, string, string, string][] = [
      ['mnist1', 'train', 'network1', 'data'],
      ['network1', 'network', 'eqprop_train1', 'network'],
      ['mnist1', 'train', 'eqprop_train1', 'data'],
      ['langevin1', 'dynamics', 'eqprop_train1', 'free'],
      ['langevin1', 'dynamics', 'nudge1', 'dynamics'],
      ['nudge1', 'dynamics', 'eqprop_train1', 'nudged'],
      ['eqprop_rule1', 'rule', 'eqprop_train1', 'rule'],
      ['eqprop_train1', 'network', 'evaluate1', 'network'],
      ['mnist1', 'test', 'evaluate1', 'data'],
      ['langevin1', 'dynamics', 'evaluate1', 'dynamics'],
    ];
    for (const [a, ap, b, bp] of wires) await wire(page, { node: a, port: ap }, { node: b, port: bp });
    await expect.poll(() => connections(page).count()).toBe(wires.length);
    // Step 4: the published code's cost and a new order each epoch.
    // (A click in the middle of the title: the wires crossing it lie under the cards.)
    await select(page, 'nudge1');
    await page.selectOption('[data-testid="param-cost"]', 'squared');
    await select(page, 'eqprop_train1');
    await page.check('[data-testid="param-shuffle"]');
    // Step 5: nothing left in Problems.
    await page.click('[data-testid="tab-problems"]');
    await expect.poll(() => page.locator('[data-testid="problem"]').count()).toBe(0);
    // Step 6: a quick run ends with test_error.
    await page.click('[data-testid="tab-run"]');
    expect(await page.isChecked('[data-testid="quick"]')).toBe(true);
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 120_000 }).toMatch(/done|error/);
    expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('done');
    const rows = await page.locator('[data-testid="final-metrics"] tr').allTextContents();
    const testError = rows.find((r) => r.startsWith('test_error') && !r.startsWith('test_error_'));
    expect(testError).toBeDefined();
    expect(Number(testError!.slice('test_error'.length))).toBeLessThan(1);
    // Its training curves span less than a factor of 20 (error and cost near 1): a linear y axis, not one
    // stretched over whole decades.
    expect(await page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="train"]').getAttribute('data-y-log')).toBe('false');
    if (process.env.E2E_SHOTS) {
      await page.click('button:text-is("Fit")');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(process.env.E2E_SHOTS, 'tutorial-eqprop.png') });
    }
    // Step 7: saved, the graph has the reference settings of the example where the tutorial sets them.
    const doc = await saveAndRead(page, 'my-eqprop.json');
    expect(doc.nodes.map((n) => n.kind).sort()).toEqual(drops.map(([k]) => k).sort());
    expect(doc.wires).toHaveLength(wires.length);
    // The untitled graph took its file's name, which its runs and their folders will carry.
    expect(doc.name).toBe('my-eqprop');
    expect(doc.nodes.find((n) => n.kind === 'ebm.nudge')!.params).toMatchObject({ cost: 'squared' });
    expect(doc.nodes.find((n) => n.kind === 'ebm.eqprop_train')!.params).toMatchObject({ shuffle: true });
    const c = compileGraph(doc, createRegistry());
    expect(c.diagnostics).toEqual([]);
    await page.close();
  }, 240_000);

  it('reads a run of an earlier session back from its folder: History → Past runs → Load shows its curve, picture and metrics', async () => {
    const first = await openApp(app.browser.context, app.server.url);
    await runExample(first, 'stdp-rate-vs-spike', 4);
    const r = (await first.locator('[data-testid="final-metrics"] tr').allTextContents()).find((t) => t.startsWith('stdp_pearson_r'))!;
    // A note on the run, typed in History, goes into its folder.
    await first.click('[data-testid="tab-history"]');
    const runsDir = join(app.server.workspace, 'runs');
    const noted = async (): Promise<string[]> => {
      const found: string[] = [];
      for (const d of await readdir(runsDir)) if (existsSync(join(runsDir, d, 'note.md'))) found.push(await readFile(join(runsDir, d, 'note.md'), 'utf8'));
      return found;
    };
    // A note being typed is kept without Enter (a reload would lose it otherwise); Enter sets it at once.
    await first.fill('[data-testid="run-note"]', 'r above 0.9');
    await expect.poll(noted).toEqual(['r above 0.9\n']);
    await first.fill('[data-testid="run-note"]', 'r above 0.9: rate rule matches STDP');
    await first.press('[data-testid="run-note"]', 'Enter');
    await expect.poll(noted).toEqual(['r above 0.9: rate rule matches STDP\n']);
    await first.close();
    // A new session: no run of its own yet, so History opens on the runs of earlier sessions, by itself.
    const page = await openApp(app.browser.context, app.server.url);
    await page.click('[data-testid="tab-history"]');
    await page.locator('[data-testid="past-list"]').waitFor();
    expect(await page.locator('[data-testid="past-runs"]').textContent()).toBe('Hide past runs');
    const row = page.locator('[data-testid="past-run"]').filter({ hasText: 'stdp-rate-vs-spike' }).first();
    await row.waitFor();
    // On a laptop screen a past run's buttons are in view, not behind a sideways scroll.
    await page.setViewportSize({ width: 1366, height: 768 });
    const list = (await page.locator('[data-testid="past-list"]').boundingBox())!;
    for (const id of ['load-past-run', 'past-run-report', 'delete-past-run']) {
      const b = (await row.locator(`[data-testid="${id}"]`).boundingBox())!;
      expect(b.x + b.width, id).toBeLessThanOrEqual(list.x + list.width);
    }
    await page.setViewportSize({ width: 1600, height: 1000 });
    expect(await row.textContent()).toContain('done');
    expect(await row.textContent()).toContain('r above 0.9: rate rule matches STDP');
    // Report: the run as one HTML page, its note and metrics in it.
    const [report] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid="past-run-report"]').click()]);
    expect(report.suggestedFilename()).toMatch(/-stdp-rate-vs-spike-report\.html$/);
    const html = await readFile((await report.path())!, 'utf8');
    expect(html).toContain('<h1>stdp-rate-vs-spike</h1>');
    expect(html).toContain('<pre>r above 0.9: rate rule matches STDP</pre>');
    expect(html).toMatch(new RegExp(`<td>stdp_pearson_r<div class="what">[^<]*</div></td><td class="num">${r!.replace('stdp_pearson_r', '').replace('.', '\\.')}</td>`));
    await page.fill('[data-testid="past-filter"]', 'rate rule');
    await row.locator('[data-testid="load-past-run"]').click();
    // Loading switches to the Run tab and shows the run as it was: status, metrics, the curve chart, its pictures.
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent()).toBe('done');
    expect(await page.locator('[data-testid="run-past"]').textContent()).toMatch(/^past run of /);
    expect((await page.locator('[data-testid="final-metrics"] tr').allTextContents()).find((t) => t.startsWith('stdp_pearson_r'))).toBe(r);
    expect(await page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="rate_rule_curve"]').count()).toBe(1);
    expect((await page.locator('[data-testid="run-image"]').evaluateAll((is) => is.map((i) => i.getAttribute('data-name')))).sort()).toEqual(['rate_rule_curve', 'stdp_scatter', 'stdp_spike_trace']);
    await page.click('[data-testid="tab-history"]');
    await expect.poll(() => page.locator('[data-testid="history"] tbody tr').filter({ hasText: '(past)' }).count()).toBe(1);
    // Back in History, the list of past runs is still open with its filter, for the next one to load.
    expect(await page.locator('[data-testid="past-list"]').count()).toBe(1);
    expect(await page.inputValue('[data-testid="past-filter"]')).toBe('rate rule');
    expect(await page.inputValue('[data-testid="run-note"]')).toBe('r above 0.9: rate rule matches STDP');
    // Its folder kept the graph it ran: open it in the (empty) editor.
    await page.click('[data-testid="open-run-graph"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(5);
    expect(await page.locator('[data-testid="file-name"]').first().textContent()).toContain('stdp-rate-vs-spike.json');
    await page.close();
  }, 180_000);

  it('shows a run of this session from Past runs (Show, not Load) instead of adding it to History again', async () => {
    const runsDir = join(app.server.workspace, 'runs');
    const before = new Set(existsSync(runsDir) ? await readdir(runsDir) : []);
    const page = await openApp(app.browser.context, app.server.url);
    await runExample(page, 'stdp-curve', 2);
    const folders = (await readdir(runsDir)).filter((d) => !before.has(d));
    expect(folders).toHaveLength(1);
    await page.click('[data-testid="tab-history"]');
    await page.click('[data-testid="past-runs"]');
    const row = page.locator(`[data-testid="past-run"][data-id="${folders[0]}"]`);
    await row.waitFor();
    // Its folder is the run History already lists, watched live.
    expect(await row.locator('[data-testid="load-past-run"]').textContent()).toBe('Show');
    await row.locator('[data-testid="load-past-run"]').click();
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent()).toBe('done');
    expect(await page.locator('[data-testid="run-past"]').count()).toBe(0);
    await page.click('[data-testid="tab-history"]');
    expect(await page.locator('[data-testid="compare-run"]').count()).toBe(1);
    expect(await page.locator('[data-testid="history"] tbody tr').filter({ hasText: '(past)' }).count()).toBe(0);
    expect(await page.locator('[data-testid="tab-history"] .n').textContent()).toBe('1');
    await page.close();
  }, 120_000);

  it('compares the runs of a CLI sweep put in the runs folder: Past runs → Compare sweep loads and ticks them all', async () => {
    const out = join(app.server.workspace, 'runs', 'cli-seeds');
    const sweep = spawnSync(process.execPath, [join(ROOT, 'bin', 'plasticity.mjs'), 'sweep', join(ROOT, 'examples', 'ebm-early-inference.json'), '--seeds', '1-2', '--quick', '--out', out], { encoding: 'utf8', cwd: ROOT });
    expect(sweep.status, sweep.stderr).toBe(0);
    const page = await openApp(app.browser.context, app.server.url);
    await page.click('[data-testid="tab-history"]');
    const rows = page.locator('[data-testid="past-run"]').filter({ hasText: 'ebm-early-inference' });
    await expect.poll(() => page.locator('[data-testid="past-run"][data-id^="cli-seeds/"]').count()).toBe(2);
    // Each run of the sweep says which it is.
    expect((await page.locator('[data-testid="past-run"][data-id^="cli-seeds/"] [data-testid="past-run-variant"]').allTextContents()).sort()).toEqual(['seed1', 'seed2']);
    // Sweep report: the sweep as one HTML page, both seeds' runs in it.
    const [sweepPage] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="past-run"][data-id^="cli-seeds/"] [data-testid="sweep-report"]').first().click()]);
    expect(sweepPage.suggestedFilename()).toBe('cli-seeds-report.html');
    const sweepHtml = await readFile((await sweepPage.path())!, 'utf8');
    expect(sweepHtml).toContain('<h1>Sweep of ebm-early-inference</h1>');
    for (const run of ['seed1', 'seed2']) expect(sweepHtml).toContain(`<td>${run}</td><td>done</td>`);
    await page.locator('[data-testid="past-run"][data-id^="cli-seeds/"] [data-testid="load-sweep"]').first().click();
    await expect.poll(() => page.locator('[data-testid="compare-run"]:checked').count()).toBe(2);
    expect(await page.locator('[data-testid="compare-diff"] [data-testid="diff-row"] td').allTextContents()).toEqual(['seed', '1', '2']);
    expect(await page.locator('[data-testid="seeds-column"]').textContent()).toBe('mean ± sd over 2 seeds');
    // The sweep's own mean of the first cosine (sweep.json) is the one History shows.
    const group = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')).groups[0];
    const st = group.metrics['backprop_cosine[0]'];
    const spread = (await page.locator('[data-testid="compare-metrics"] tr').filter({ hasText: 'backprop_cosine' }).locator('[data-testid="seeds-spread"]').textContent())!;
    expect(spread.split(' · ')[0]).toBe(fmtMeanSd(st.mean, st.sd));
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    // The filter keeps the rows whose graph, folder or note holds every word typed.
    await page.fill('[data-testid="past-filter"]', 'cli-seeds SEED1');
    await expect.poll(() => page.locator('[data-testid="past-run"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-id')))).toEqual(['cli-seeds/seed1']);
    await page.fill('[data-testid="past-filter"]', '');
    // Delete one (the harness accepts the question): its folder moves into runs/.trash, and it leaves both lists.
    const seed2 = page.locator('[data-testid="past-run"][data-id="cli-seeds/seed2"]');
    await seed2.locator('[data-testid="delete-past-run"]').click();
    await expect.poll(() => seed2.count()).toBe(0);
    expect(existsSync(join(out, 'seed2'))).toBe(false);
    expect((await readdir(join(app.server.workspace, 'runs', '.trash'))).some((d) => d.startsWith('cli-seeds__seed2-'))).toBe(true);
    expect(await page.locator('[data-testid="compare-run"]').count()).toBe(1);
    await page.close();
  }, 180_000);

  it('fits a laptop screen: at 1366, 1280 and 1024 pixels the whole toolbar shows and nothing scrolls sideways', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.selectOption('[data-testid="examples"]', 'eqprop-mnist');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(5);
    for (const [width, rows] of [[1366, 1], [1280, 1], [1024, 2]]) {
      await page.setViewportSize({ width, height: 760 });
      for (const id of ['stop', 'run', 'quick', 'examples', 'save-as', 'open']) {
        const box = (await page.locator(`[data-testid="${id}"]`).boundingBox())!;
        expect(box.x, `${id} at ${width}`).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `${id} at ${width}`).toBeLessThanOrEqual(width);
        expect(box.height, `${id} on one line`).toBeLessThan(34);
      }
      // One toolbar line at 1366 and 1280 (the file name gives way); at 1024 it takes a second line rather than hide anything.
      const bar = (await page.locator('.toolbar').boundingBox())!;
      expect(Math.round(bar.height / 40), `toolbar lines at ${width}`).toBe(rows);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    // Resizing keeps the view's centre once the user has moved the view and zoomed into part of the graph: the graph's
    // middle stays where it was relative to the canvas's middle (without that it kept its distance from the top-left
    // corner and went out at the right). A view as Fit left it is fitted again instead (below), and so is a graph that
    // was wholly in view and no longer would be (layout.test.ts).
    const middles = async (): Promise<{ dx: number; dy: number }> => {
      const c = (await page.locator('[data-testid="canvas"]').boundingBox())!;
      const boxes = await page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ l: r.left, r: r.right, t: r.top, b: r.bottom })));
      const gx = (Math.min(...boxes.map((b) => b.l)) + Math.max(...boxes.map((b) => b.r))) / 2;
      const gy = (Math.min(...boxes.map((b) => b.t)) + Math.max(...boxes.map((b) => b.b))) / 2;
      return { dx: gx - (c.x + c.width / 2), dy: gy - (c.y + c.height / 2) };
    };
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.waitForTimeout(300);
    // The user pans the view a little (a drag on the background).
    const c = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await page.mouse.move(c.x + 20, c.y + 20);
    await page.mouse.down();
    await page.mouse.move(c.x + 50, c.y + 40, { steps: 5 });
    await page.mouse.up();
    // … and zooms in on its middle, so that part of the graph lies beyond the canvas's edges.
    await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
    await page.mouse.wheel(0, -600);
    await expect
      .poll(async () => {
        const boxes = await page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
        return Math.max(...boxes) > c.x + c.width;
      })
      .toBe(true);
    await page.waitForTimeout(100);
    const before = await middles();
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.waitForTimeout(300);
    const after = await middles();
    expect(Math.abs(after.dx - before.dx)).toBeLessThan(2);
    expect(Math.abs(after.dy - before.dy)).toBeLessThan(2);
    // As Fit left it, the view is fitted again on a resize: every node inside the canvas, and the graph as large as
    // the larger canvas allows (kept centred, it kept the smaller window's zoom).
    const nodeBoxes = (): Promise<DOMRect[]> => page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    const spread = (bs: DOMRect[]): number => Math.max(...bs.map((b) => b.right)) - Math.min(...bs.map((b) => b.left));
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.waitForTimeout(300);
    const small = spread(await nodeBoxes());
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.waitForTimeout(400);
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    const boxes = await nodeBoxes();
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(canvas.x - 0.5);
      expect(b.right).toBeLessThanOrEqual(canvas.x + canvas.width + 0.5);
    }
    expect(spread(boxes)).toBeGreaterThan(1.2 * small);
    await page.close();
  });

  it('on a short screen the minimap stays small: at most a quarter of the canvas height at 1280×720', async () => {
    const page = await app.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    // No recovery banner above the canvas (earlier tests' pages leave autosaves behind).
    await rm(join(app.server.workspace, '.autosave'), { recursive: true, force: true });
    await page.goto(app.server.url);
    // The bottom panel at its default height (another test may have left one of its own in the shared storage).
    await page.evaluate(() => localStorage.removeItem('plasticity.bottomHeight'));
    await page.reload();
    await page.waitForSelector('[data-testid="palette-item"]');
    await openExample(page, 'eqprop-mnist');
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    const mini = (await page.locator('[data-testid="canvas"] .minimap').boundingBox())!;
    expect(mini.height / canvas.height).toBeLessThanOrEqual(0.25);
    // The canvas keeps the larger part of the window (the bottom panel starts at a third of it), and the toolbar
    // has a button for the keyboard shortcuts.
    expect(canvas.height).toBeGreaterThan(420);
    await page.click('[data-testid="shortcuts-button"]');
    await expect.poll(() => page.locator('[data-testid="shortcuts"]').count()).toBe(1);
    await page.close();
  });

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
    await writeFile(join(app.server.workspace, 'two-hundred.json'), saveGraph(doc));
    const page = await openApp(app.browser.context, app.server.url);
    await page.click('[data-testid="open"]');
    await page.dblclick('[data-testid="file-entry"][data-path="two-hundred.json"]');
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
