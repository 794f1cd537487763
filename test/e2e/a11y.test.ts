/**
 * Keyboard, screen-reader and readability checks of the editor's panels, at a laptop's 1366×768: focus rings, the
 * palette's group headers and items, the palette's doc preview, the inspector's field names and ports, the Problems
 * tab with a long label, and a chart's line breaking where its curve has no value. E2E_SHOTS=dir leaves screenshots.
 */
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { AnyNodeKind } from '../../nodes/core/index.ts';
import { createRegistry } from '../../nodes/kinds/index.ts';
import { dragFromPalette, e2eDescribe, openApp, openExample, shot, useApp } from './harness.ts';

const d = e2eDescribe;

const registry = createRegistry();
const kindOf = (kind: string): AnyNodeKind => registry.get(kind)!;

/** A screenshot under E2E_SHOTS, named for this suite. */
const a11yShot = (page: Page, name: string): Promise<void> => shot(page, `a11y-${name}`);

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The keyboard focus ring drawn on `el`: its outline's style and width. */
const ring = (el: Locator): Promise<{ style: string; width: number; focused: boolean }> =>
  el.evaluate((e) => {
    const s = getComputedStyle(e);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), focused: e === document.activeElement && e.matches(':focus-visible') };
  });

d('accessibility and readability of the panels (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('the bottom panel is a tab list: one tab in the Tab order, the arrow keys, Home and End go from tab to tab, the focus shows; messages are live regions', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const tabs = page.getByRole('tablist');
    expect(await tabs.getByRole('tab').count()).toBe(4);
    const run = page.getByRole('tab', { name: 'Run' });
    expect(await run.getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
    await run.focus();
    await page.keyboard.press('ArrowRight');
    const problems = page.locator('[data-testid="tab-problems"]');
    await expect.poll(() => problems.getAttribute('aria-selected')).toBe('true');
    expect(await problems.evaluate((e) => e === document.activeElement)).toBe(true);
    expect(await page.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe('tab-problems');
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('[data-testid="tab-history"]').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => run.getAttribute('aria-selected')).toBe('true');
    const r = await ring(run);
    expect(r.focused).toBe(true);
    expect(r.style).toBe('solid');
    // A refusal is said at once (role=alert), not only drawn.
    await dragFromPalette(page, 'layers.encoder', 300, 200);
    await expect.poll(() => page.locator('[data-node-id="encoder1"]').count()).toBe(1);
    const out = (await page.locator('[data-node-id="encoder1"] [data-side="output"][data-port="out"] [data-type]').boundingBox())!;
    const inp = (await page.locator('[data-node-id="encoder1"] [data-side="input"][data-port="in"] [data-type]').boundingBox())!;
    await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
    await page.mouse.down();
    await page.mouse.move(inp.x + inp.width / 2, inp.y + inp.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.locator('[role="alert"] [data-testid="toast"]').textContent()).toContain('cannot feed itself');
  });

  it('the palette and the inspector fold away from tabs on the canvas edges (a narrow window), and stay so after a reload', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const canvasWidth = async (): Promise<number> => (await page.locator('[data-testid="canvas"]').boundingBox())!.width;
    const wide = await canvasWidth();
    await page.click('[data-testid="toggle-palette"]');
    await expect.poll(() => page.locator('[data-testid="palette-search"]').count()).toBe(0);
    await page.click('[data-testid="toggle-inspector"]');
    await expect.poll(() => page.locator('[data-testid="inspector"]').count()).toBe(0);
    await expect.poll(canvasWidth).toBeGreaterThan(wide + 500);
    expect(await page.getAttribute('[data-testid="toggle-palette"]', 'aria-expanded')).toBe('false');
    await page.reload();
    await page.waitForSelector('[data-testid="canvas"]');
    expect(await page.locator('[data-testid="palette-search"]').count()).toBe(0);
    await page.click('[data-testid="toggle-palette"]');
    await page.click('[data-testid="toggle-inspector"]');
    await expect.poll(() => page.locator('[data-testid="palette-search"]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="inspector"]').count()).toBe(1);
    expect(Math.round(await canvasWidth())).toBe(Math.round(wide));
  });

  it('the keyboard focus shows on palette group headers and items; headers say whether they are open; Space adds a kind as Enter does', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.click('[data-testid="palette-search"]');
    await page.keyboard.press('Tab');
    const group = page.locator('[data-testid="palette"] button.group').first();
    expect((await ring(group)).focused).toBe(true);
    expect(await ring(group)).toMatchObject({ style: 'solid', width: 2 });
    expect(await group.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Enter');
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    expect(await group.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    const item = page.locator('[data-testid="palette-item"]').first();
    expect((await ring(item)).focused).toBe(true);
    expect(await ring(item)).toMatchObject({ style: 'solid', width: 2 });
    await a11yShot(page, 'palette-focus');
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(1);
    // A toolbar button too.
    await page.locator('[data-testid="run"]').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await ring(page.locator('[data-testid="run"]'))).toMatchObject({ style: 'solid', width: 2, focused: true });
    await page.close();
  });

  it('the palette shows a kind\'s doc beside the list, on keyboard focus and on hover, without covering the item; Escape closes it', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const doc = page.locator('[data-testid="palette-doc"]');
    await page.fill('[data-testid="palette-search"]', 'ebm.eqprop_train');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const item = page.locator('[data-testid="palette-item"][data-kind="ebm.eqprop_train"]');
    expect(await item.evaluate((e) => e === document.activeElement)).toBe(true);
    await doc.waitFor();
    const k = kindOf('ebm.eqprop_train');
    expect(await doc.textContent()).toContain(k.doc);
    expect(await doc.textContent()).toContain(k.equation!);
    expect(await doc.textContent()).toContain(k.title);
    // No native tooltip holding the whole doc any more; the item is described by the popover while it shows.
    expect(await item.getAttribute('title')).toBeNull();
    expect(await item.getAttribute('aria-describedby')).toBe(await doc.getAttribute('id'));
    const [d1, i1] = [(await doc.boundingBox())!, (await item.boundingBox())!];
    expect(overlaps(d1, i1)).toBe(false);
    expect(d1.y).toBeGreaterThanOrEqual(0);
    expect(d1.y + d1.height).toBeLessThanOrEqual(768);
    // The longest doc of all wraps and stays readable: at most a scroll inside the popover, not off the window.
    expect(d1.width).toBeGreaterThan(300);
    await a11yShot(page, 'palette-doc-keyboard');
    await page.keyboard.press('Escape');
    await expect.poll(() => doc.count()).toBe(0);
    // On hover, after a moment; the pointer can move onto it (to scroll a long doc) without it closing.
    await page.fill('[data-testid="palette-search"]', '');
    const last = page.locator('[data-testid="palette-item"]').last();
    await last.scrollIntoViewIfNeeded();
    await last.hover();
    await doc.waitFor();
    expect(await doc.getAttribute('data-kind')).toBe(await last.getAttribute('data-kind'));
    const [d2, i2] = [(await doc.boundingBox())!, (await last.boundingBox())!];
    expect(overlaps(d2, i2)).toBe(false);
    expect(d2.y + d2.height).toBeLessThanOrEqual(768);
    await a11yShot(page, 'palette-doc-hover');
    await page.mouse.move(d2.x + 20, d2.y + 10, { steps: 4 });
    await page.waitForTimeout(400);
    expect(await doc.count()).toBe(1);
    await page.mouse.move(700, 600);
    await expect.poll(() => doc.count()).toBe(0);
    // A search that takes the hovered kind out of the list takes its doc away too (its item never hears the pointer leave).
    await last.hover();
    await doc.waitFor();
    await page.locator('[data-testid="palette-search"]').focus();
    await page.keyboard.type('no such kind');
    await expect.poll(() => doc.count()).toBe(0);
    await page.close();
  });

  it('the inspector names every field by its parameter, and reads a port as direction, name and type apart', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-curve');
    await page.locator('[data-node-id="plot"] .header').click();
    const inspector = page.locator('[data-testid="inspector"]');
    await expect.poll(() => inspector.locator('[data-testid="inspector-id"]').count()).toBe(1);
    const fields = inspector.locator('[data-testid^="param-"]');
    expect(await fields.count()).toBeGreaterThan(3);
    for (const f of await fields.all()) {
      const name = (await f.getAttribute('data-testid'))!.slice('param-'.length);
      const kind = await f.evaluate((e) => (e instanceof HTMLSelectElement ? 'combobox' : (e as HTMLInputElement).type === 'checkbox' ? 'checkbox' : 'textbox'));
      // The accessible name is the parameter's (with its label, if any), as the text above the field shows it.
      const named = inspector.getByRole(kind as 'textbox', { name: new RegExp(`^${name}( \\(.*\\))?$`) });
      expect(await named.evaluateAll((es, id) => es.some((e) => e.getAttribute('data-testid') === id), `param-${name}`), name).toBe(true);
    }
    const ports = inspector.locator('[data-testid="inspector-port"]');
    expect(await ports.count()).toBeGreaterThanOrEqual(2);
    for (const p of await ports.all()) {
      const name = (await p.locator('.pname').boundingBox())!;
      const type = (await p.locator('.ptype').boundingBox())!;
      // Apart on screen, the type muted.
      expect(type.x - (name.x + name.width)).toBeGreaterThanOrEqual(8);
      const [nameColor, typeColor] = await Promise.all([p.locator('.pname').evaluate((e) => getComputedStyle(e).color), p.locator('.ptype').evaluate((e) => getComputedStyle(e).color)]);
      expect(typeColor).not.toBe(nameColor);
    }
    // Read aloud: "input curve, type series", not "in curve series".
    const spoken = await ports.first().locator('.port-line').evaluate((e) => {
      const c = e.cloneNode(true) as HTMLElement;
      c.querySelectorAll('[aria-hidden="true"]').forEach((h) => h.remove());
      return c.textContent!.replace(/\s+/g, ' ').trim();
    });
    expect(spoken).toBe('input curve, type series');
    await a11yShot(page, 'inspector');
    await page.close();
  });

  it('the Problems tab keeps a long node label to a part of the row (in full in its tooltip), the message readable', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.fill('[data-testid="palette-search"]', 'layers.decoder');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(1);
    await page.locator('[data-testid="node"]').first().locator('.header').click();
    const label = 'A decoder with a very long label that somebody typed to say exactly what this layer is for in the model';
    await page.fill('[data-testid="node-label"]', label);
    await page.press('[data-testid="node-label"]', 'Enter');
    await page.click('[data-testid="tab-problems"]');
    const row = page.locator('[data-testid="problem"]').first();
    await expect.poll(async () => (await row.locator('.where').textContent()) ?? '').toContain(label);
    const [r, where, msg] = [(await row.boundingBox())!, (await row.locator('.where').boundingBox())!, (await row.locator('.msg').boundingBox())!];
    expect(where.width).toBeLessThanOrEqual(r.width * 0.41);
    expect(msg.width).toBeGreaterThanOrEqual(160);
    // The message on a line or two, not a word a line.
    expect(msg.height).toBeLessThanOrEqual(40);
    expect(await row.locator('.where').getAttribute('title')).toContain(label);
    await a11yShot(page, 'problems');
    await page.close();
  });

  it('a chart breaks its line where the curve has no value: the STDP curve at ΔT = 0 (no bin), and at a value recorded as NaN', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-curve');
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 120_000 }).toMatch(/done|error/);
    expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('done');
    const chart = page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="stdp_curve"]');
    await chart.waitFor();
    await a11yShot(page, 'chart-stdp');
    // The exported picture is drawn from the same data (E2E_SHOTS keeps it, to look at).
    const [png] = await Promise.all([page.waitForEvent('download'), chart.locator('[data-testid="chart-png"]').click()]);
    expect(png.suggestedFilename()).toMatch(/stdp_curve\.png$/);
    if (process.env.E2E_SHOTS) await png.saveAs(join(process.env.E2E_SHOTS, 'a11y-chart-export.png'));

    /** How many pixels of a colour (the line's) the chart's canvas has in the column at x (± 1 px), over the plot's height. */
    const linePixelsAt = (x: number): Promise<number> =>
      chart.evaluate((c, x) => {
        const canvas = c.querySelector('canvas')!;
        const over = c.querySelector('.u-over')!.getBoundingClientRect();
        const cr = canvas.getBoundingClientRect();
        const k = canvas.width / cr.width;
        // The x scale spans the data: the window's -20 … 20 steps of the example.
        const [lo, hi] = [-20, 20];
        const px = (over.left - cr.left + ((x - lo) / (hi - lo)) * over.width) * k;
        const g = canvas.getContext('2d')!;
        const img = g.getImageData(Math.round(px) - 1, Math.round((over.top - cr.top) * k), 3, Math.round(over.height * k));
        // The line is the one coloured thing there: the grid, the axes and the background are grey.
        let n = 0;
        for (let i = 0; i < img.data.length; i += 4) {
          const [r, gr, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
          if (Math.max(r, gr, b) - Math.min(r, gr, b) > 60) n++;
        }
        return n;
      }, x);
    expect(await linePixelsAt(-10)).toBeGreaterThan(0);
    expect(await linePixelsAt(10)).toBeGreaterThan(0);
    expect(await linePixelsAt(0)).toBe(0);

    // The same run with ΔW at ΔT = 10 recorded as NaN (JSON null), loaded from its folder: the line breaks there too.
    const runsDir = join(app.server.workspace, 'runs');
    const folders = async (): Promise<string[]> => (await readdir(runsDir).catch(() => [])).filter((f) => f.includes('stdp-curve') && existsSync(join(runsDir, f, 'summary.json')));
    await expect.poll(async () => (await folders()).length).toBe(1);
    const [folder] = await folders();
    const copy = join(runsDir, `${folder}-nan`);
    await cp(join(runsDir, folder!), copy, { recursive: true });
    const withNaN = (m: Record<string, unknown>): void => {
      const dt = m.stdp_curve_dt as number[] | undefined;
      const dw = m.stdp_curve_dw as (number | null)[] | undefined;
      if (dt && dw) dw[dt.indexOf(10)] = null;
    };
    const summary = JSON.parse(await readFile(join(copy, 'summary.json'), 'utf8'));
    withNaN(summary.metrics);
    summary.finished_at = new Date(Date.now() + 60_000).toISOString();
    await writeFile(join(copy, 'summary.json'), JSON.stringify(summary));
    const events = (await readFile(join(copy, 'metrics.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const dt = events.find((e) => e.type === 'metric' && e.name === 'stdp_curve_dt')?.value;
    for (const e of events) if (e.type === 'metric' && e.name === 'stdp_curve_dw') withNaN({ stdp_curve_dt: dt, stdp_curve_dw: e.value });
    await writeFile(join(copy, 'metrics.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    await page.click('[data-testid="tab-history"]');
    await page.click('[data-testid="past-runs"]');
    await page.locator(`[data-testid="past-run"][data-id="${folder}-nan"] [data-testid="load-past-run"]`).click();
    await expect.poll(() => page.locator('[data-testid="run-past"]').count()).toBe(1);
    await chart.waitFor();
    await expect.poll(() => linePixelsAt(10)).toBe(0);
    expect(await linePixelsAt(-10)).toBeGreaterThan(0);
    expect(await linePixelsAt(0)).toBe(0);
    await a11yShot(page, 'chart-nan');
    await page.close();
  }, 180_000);
});
