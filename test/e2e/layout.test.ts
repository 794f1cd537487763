/**
 * The layout on a laptop's window (1366 × 768) and on a large one (1920 × 1080): the graph fitted into the canvas
 * clear of the minimap and of the controls over the canvas, the final metrics of a run in view once it ends, and a
 * curve of one point (a Quick run's one epoch) drawn as a dot that shows. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eDescribe, openApp, openExample, runToEnd, shot, useApp } from './harness.ts';

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const box = async (page: Page, selector: string): Promise<Box[]> =>
  page.locator(selector).evaluateAll((es) =>
    es.map((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }),
  );
const overlap = (a: Box, b: Box): boolean => a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom;
const inside = (a: Box, b: Box): boolean => a.left >= b.left - 0.5 && a.top >= b.top - 0.5 && a.right <= b.right + 0.5 && a.bottom <= b.bottom + 0.5;

/**
 * Every node inside the canvas and off the minimap, the side panels' tabs and the "compiles" badge; returns the nodes
 * and the canvas.
 */
async function clearOfControls(page: Page): Promise<{ nodes: Box[]; canvas: Box }> {
  const [canvas] = await box(page, '[data-testid="canvas"]');
  const [mini] = await box(page, '[data-testid="canvas"] [data-testid="minimap"]');
  const controls = [mini!, ...(await box(page, '[data-testid="diag-summary"] span')), ...(await box(page, '.side-toggle'))];
  const nodes = await box(page, '[data-testid="node"]');
  expect(nodes.length).toBeGreaterThanOrEqual(6);
  for (const n of nodes) {
    expect(inside(n, canvas!), `node ${JSON.stringify(n)} outside the canvas ${JSON.stringify(canvas)}`).toBe(true);
    for (const c of controls) expect(overlap(n, c), `node ${JSON.stringify(n)} under ${JSON.stringify(c)}`).toBe(false);
  }
  return { nodes, canvas: canvas! };
}

/**
 * Fits the EqProp example and checks it is clear of what lies over the canvas (clearOfControls); the graph takes most
 * of the canvas's width.
 */
async function checkFit(page: Page, width: number, name: string): Promise<void> {
  await openExample(page, 'eqprop-mnist');
  await page.click('button[title^="Zoom to fit"]');
  const minimap = page.locator('[data-testid="canvas"] [data-testid="minimap"]');
  await expect.poll(() => minimap.isVisible()).toBe(true);
  await page.waitForTimeout(300);
  await shot(page, name);
  const { nodes, canvas } = await clearOfControls(page);
  const [mini] = await box(page, '[data-testid="canvas"] [data-testid="minimap"]');
  // The minimap leaves the canvas to the graph: at most a fifth of its height and of its width.
  expect(mini!.bottom - mini!.top).toBeLessThanOrEqual(0.2 * (canvas.bottom - canvas.top));
  expect(mini!.right - mini!.left).toBeLessThanOrEqual(0.2 * (canvas.right - canvas.left));
  // This wide graph fills the canvas's width above the minimap, not only the part left of it.
  const graphWidth = Math.max(...nodes.map((n) => n.right)) - Math.min(...nodes.map((n) => n.left));
  expect(graphWidth).toBeGreaterThan(width * (canvas.right - canvas.left));
}

/** After a run: the Run tab shows the final metrics whole in the window, the main figure (test_error) among them. */
async function checkFinalMetrics(page: Page, viewport: { width: number; height: number }, name: string): Promise<void> {
  await page.click('[data-testid="tab-run"]');
  const metrics = page.locator('[data-testid="final-metrics"]');
  await expect.poll(() => metrics.locator('.mt .title').textContent()).toBe('Final metrics');
  await page.waitForTimeout(300);
  await shot(page, name);
  const [card] = await box(page, '[data-testid="final-metrics"]');
  const window = { left: 0, top: 0, right: viewport.width, bottom: viewport.height };
  expect(inside(card!, window), `final metrics at ${JSON.stringify(card)}`).toBe(true);
  const row = metrics.locator('tr').filter({ hasText: /^test_error\d/ });
  const [r] = await row.evaluateAll((es) => es.map((e) => e.getBoundingClientRect().toJSON() as Box));
  expect(inside(r!, card!)).toBe(true);
  // The curves are still there, below the figures, the first one in view with them (no scrolling).
  const chart = page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="train"]');
  expect(await chart.count()).toBe(1);
  const [plot] = await box(page, '[data-testid="run-panel"] [data-testid="chart"][data-title="train"] canvas');
  expect(plot!.top, `the first chart's plot at ${JSON.stringify(plot)}`).toBeLessThan(viewport.height - 100);
}

e2eDescribe('layout on a laptop window, 1366 × 768 (e2e)', () => {
  const viewport = { width: 1366, height: 768 };
  const app = useApp(viewport);

  it('fits the graph clear of the minimap and the canvas controls, and shows the final metrics after a Quick run without scrolling', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await checkFit(page, 0.8, 'layout-1366-editor');
    expect(await page.locator('[data-testid="quick"]').isChecked()).toBe(true);
    await runToEnd(page);
    await checkFinalMetrics(page, viewport, 'layout-1366-run');
    // The run panel grew under the fitted graph: it is fitted again, still clear of the minimap.
    await clearOfControls(page);
    // More figures than the card shows at once here: "all N" shows every row without scrolling within; "fewer" goes back.
    const card = page.locator('[data-testid="final-metrics"]');
    const all = page.locator('[data-testid="all-metrics"]');
    const rows = await card.locator('tbody tr').count();
    expect(await all.textContent()).toBe(`all ${rows}`);
    expect(await card.evaluate((el) => el.scrollHeight > el.clientHeight + 1)).toBe(true);
    await all.click();
    await expect.poll(() => card.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    expect(await all.textContent()).toBe('fewer');
    await shot(page, 'layout-1366-all-metrics');
    await all.click();
    await expect.poll(() => card.evaluate((el) => el.scrollHeight > el.clientHeight + 1)).toBe(true);
  }, 180_000);

  it('a graph panned since a Fit, wholly in view, stays clear of the minimap and in the canvas when the run panel grows', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await checkFit(page, 0.8, 'layout-1366-editor');
    // Panned a little by hand (a drag on the empty canvas): the view is the user's now, not Fit's.
    const [canvas] = await box(page, '[data-testid="canvas"]');
    const before = await box(page, '[data-testid="node"]');
    await page.mouse.move(canvas!.left + 12, canvas!.top + 12);
    await page.mouse.down();
    await page.mouse.move(canvas!.left + 15, canvas!.top + 14, { steps: 3 });
    await page.mouse.up();
    await expect.poll(async () => (await box(page, '[data-testid="node"]'))[0]!.left).toBeCloseTo(before[0]!.left + 3, 0);
    await clearOfControls(page);
    await runToEnd(page);
    await page.waitForTimeout(300);
    await shot(page, 'layout-1366-panned-run');
    // The run panel grew under it: the graph is fitted again rather than left with its bottom cards under the minimap.
    await clearOfControls(page);
  }, 180_000);

  it('draws a curve of one point as a dot in its colour: two one-epoch Quick runs compared in History', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await runToEnd(page);
    await runToEnd(page);
    await page.click('[data-testid="tab-history"]');
    const ticks = page.locator('[data-testid="compare-run"]');
    for (let i = 0; i < 2; i++) await ticks.nth(i).check();
    // A value reported once per epoch: one point per run.
    const chart = page.locator('[data-testid="compare"] [data-testid="chart"][data-title="train: test_error_stored"]');
    await expect.poll(() => chart.getAttribute('data-lines')).toBe('2');
    await chart.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await shot(chart, 'layout-one-point');
    // The legend still names both runs.
    expect(await chart.locator('.u-legend .u-series').allTextContents()).toEqual([expect.stringContaining('eqprop-mnist'), expect.stringContaining('eqprop-mnist')]);
    // The same seed gives the same value: the second run's dot is drawn over the first's. It shows in its own colour,
    // a disc of at least 7 px across (about 40 pixels), inside the plot.
    const seen = await chart.evaluate((el) => {
      const marker = [...el.querySelectorAll<HTMLElement>('.u-legend .u-series .u-marker')].at(-1)!;
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(marker).borderColor)!;
      const rgb = [Number(m[1]), Number(m[2]), Number(m[3])];
      const canvas = el.querySelector('canvas')!;
      const ctx = canvas.getContext('2d')!;
      const { data, width } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      let xs: number[] = [];
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - rgb[0]!) + Math.abs(data[i + 1]! - rgb[1]!) + Math.abs(data[i + 2]! - rgb[2]!) < 40) {
          n++;
          xs.push((i / 4) % width);
        }
      }
      xs = xs.sort((a, b) => a - b);
      return { n, rgb, width: xs.length ? xs.at(-1)! - xs[0]! + 1 : 0 };
    });
    expect(seen.n, `pixels of ${seen.rgb}`).toBeGreaterThanOrEqual(40);
    expect(seen.width).toBeGreaterThanOrEqual(7);
  }, 240_000);
});

e2eDescribe('layout on a large window, 1920 × 1080 (e2e)', () => {
  const viewport = { width: 1920, height: 1080 };
  const app = useApp(viewport);

  it('fits the graph clear of the minimap and the canvas controls, and shows the final metrics after a Quick run', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await checkFit(page, 0.6, 'layout-1920-editor');
    await runToEnd(page);
    await checkFinalMetrics(page, viewport, 'layout-1920-run');
    // The run panel grew under the fitted graph: it is fitted again, still clear of the minimap (it was not: a node
    // ended up under the minimap until Fit).
    await clearOfControls(page);
  }, 180_000);
});
