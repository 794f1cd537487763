/**
 * An empty canvas lists every example graph with the start of its description, the one that learns within a Quick
 * run first; a click opens the example. Browser mode, as app.test.ts runs it, at a laptop's window size.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { e2eDescribe, openApp, ROOT, shot, useApp } from './harness.ts';

e2eDescribe('the examples on an empty canvas (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('lists every example with its description, eqprop-mnist first, and opens the one clicked', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const items = page.locator('[data-testid="empty-hint"] li button');
    const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    await expect.poll(() => items.count()).toBe(files.length);
    expect(await items.first().getAttribute('data-example')).toBe('eqprop-mnist');
    expect(await items.first().getAttribute('aria-label')).toBe('Open eqprop-mnist');
    // Each shows its name and its description, whose start names the paper; the whole description is its tooltip.
    const stdp = page.locator('[data-example="stdp-curve"]');
    expect(await stdp.locator('.name').textContent()).toBe('stdp-curve');
    const description = (await stdp.getAttribute('title')) ?? '';
    expect(description).toMatch(/^Bengio et al\. 2015, Sec\. 2 and Fig\. 1/);
    expect(await stdp.locator('.desc').textContent()).toBe(description);
    // The list scrolls within the canvas: its foot fades while more is below, and the last example is reachable.
    const list = page.locator('[data-testid="example-list"]');
    const box = await list.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(768);
    expect(await list.getAttribute('data-more')).toBe('true');
    await shot(page, 'examples-list-more');
    await items.last().scrollIntoViewIfNeeded();
    expect(await items.last().isVisible()).toBe(true);
    await expect.poll(() => list.getAttribute('data-more')).toBe('false');
    // The text above the list stays in view.
    expect(await page.locator('[data-testid="empty-hint"] p').isVisible()).toBe(true);
    await stdp.click();
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="file-name"]').first().textContent()).toContain('stdp-curve');
    await expect.poll(() => page.locator('[data-testid="empty-hint"]').count()).toBe(0);
  }, 120_000);
});
