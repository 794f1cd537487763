/**
 * The layout on a laptop's window (1366 × 768): a curve of one point (a Quick run's one epoch) drawn as a dot that
 * shows. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eDescribe, openApp, openExample, useApp } from './harness.ts';

/** Runs the graph in the editor (Quick run) and waits until the run is done. */
async function runToEnd(page: Page): Promise<void> {
  const before = await page.locator('[data-testid="tab-history"] .n').textContent();
  await page.click('[data-testid="run"]');
  await expect.poll(() => page.locator('[data-testid="tab-history"] .n').textContent()).toBe(String(Number(before) + 1));
  await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 120_000 }).toMatch(/done|error/);
  expect(await page.locator('[data-testid="run-status"]').textContent()).toBe('done');
}

e2eDescribe('layout on a laptop window, 1366 × 768 (e2e)', () => {
  const viewport = { width: 1366, height: 768 };
  const app = useApp(viewport);

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
    await chart.screenshot({ path: '/tmp/h3/layout-one-point.png' });
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
