/**
 * The inspector's graph fields (seed and Quick run limits, shown with no node selected) in Debian's Chromium against
 * browser mode, at a laptop's 1366x768: a refused entry keeps its own error under its own field, whatever is typed in
 * another field, says which value is kept meanwhile, and is gone when another document is opened.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eDescribe, openApp, openExample, useApp } from './harness.ts';

const d = e2eDescribe;


/** Clicks the canvas background, so the inspector shows the graph's own fields. */
async function showGraphFields(page: Page): Promise<void> {
  const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
  await page.mouse.click(box.x + 12, box.y + 12);
  await page.locator('[data-testid="graph-settings"]').waitFor();
}

async function enter(page: Page, testid: string, text: string): Promise<void> {
  await page.fill(`[data-testid="${testid}"]`, text);
  await page.press(`[data-testid="${testid}"]`, 'Enter');
}

/** The field's box (`.param`) around the input `testid`. */
const fieldOf = (page: Page, testid: string) => page.locator('.param', { has: page.locator(`[data-testid="${testid}"]`) });
const errorOf = (page: Page, testid: string) => fieldOf(page, testid).locator('[data-testid="graph-error"]');
const isBad = (page: Page, testid: string) => fieldOf(page, testid).evaluate((el) => el.classList.contains('bad'));

d('inspector graph fields', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('keeps each refused entry, with its own error under its own field, until corrected or another document is opened', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await showGraphFields(page);
    expect(await page.inputValue('[data-testid="quick-trainLimit"]')).toBe('10000');
    expect(await page.inputValue('[data-testid="quick-epochs"]')).toBe('');

    // 0 epochs is refused: the field keeps the 0, red, and says the default is what a Quick run uses.
    await enter(page, 'quick-epochs', '0');
    await expect.poll(() => errorOf(page, 'quick-epochs').count()).toBe(1);
    expect(await errorOf(page, 'quick-epochs').textContent()).toContain('Quick run epochs: "0" is not a whole number from 1 up');
    expect(await errorOf(page, 'quick-epochs').textContent()).toContain('kept the default, 1');
    expect(await isBad(page, 'quick-epochs')).toBe(true);

    // A good entry in another field is taken, and leaves the epochs' error alone.
    await enter(page, 'quick-trainLimit', '5000');
    await expect.poll(() => page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('at most 5000 training');
    expect(await page.inputValue('[data-testid="quick-epochs"]')).toBe('0');
    expect(await isBad(page, 'quick-epochs')).toBe(true);
    expect(await errorOf(page, 'quick-epochs').textContent()).toContain('"0"');
    expect(await errorOf(page, 'quick-trainLimit').count()).toBe(0);
    expect(await isBad(page, 'quick-trainLimit')).toBe(false);

    // A refused training limit: red, with its own message saying 5000 is kept (and the toolbar still says 5000).
    await enter(page, 'quick-trainLimit', '-5');
    await expect.poll(() => errorOf(page, 'quick-trainLimit').count()).toBe(1);
    expect(await errorOf(page, 'quick-trainLimit').textContent()).toContain('Quick run training examples: "-5"');
    expect(await errorOf(page, 'quick-trainLimit').textContent()).toContain('kept 5000');
    expect(await page.inputValue('[data-testid="quick-trainLimit"]')).toBe('-5');
    expect(await isBad(page, 'quick-trainLimit')).toBe(true);
    expect(await page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('at most 5000 training');
    // Its message is on screen (scrolled to if the panel hid it).
    await expect.poll(async () => { const b = (await errorOf(page, 'quick-trainLimit').boundingBox())!; return b.y + b.height; }).toBeLessThanOrEqual(768);
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'inspector-quick-errors.png') });
    // Both errors are shown, each under its own field.
    expect(await page.locator('[data-testid="graph-error"]').count()).toBe(2);
    for (const [id, next] of [['quick-epochs', 'quick-trainLimit'], ['quick-trainLimit', 'quick-testLimit']] as const) {
      const input = (await page.locator(`[data-testid="${id}"]`).boundingBox())!;
      const err = (await errorOf(page, id).boundingBox())!;
      const below = (await page.locator(`[data-testid="${next}"]`).boundingBox())!;
      expect(err.y).toBeGreaterThanOrEqual(input.y + input.height);
      expect(err.y + err.height).toBeLessThanOrEqual(below.y);
    }
    // A refused seed says which seed runs use.
    await enter(page, 'graph-seed', '1.5');
    await expect.poll(() => errorOf(page, 'graph-seed').count()).toBe(1);
    expect(await errorOf(page, 'graph-seed').textContent()).toContain('kept 1');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: join(process.env.E2E_SHOTS, 'inspector-seed-error.png') });

    // Selecting a node and coming back: the refused entries are still shown as refused.
    await page.locator('[data-testid="node"]').first().click({ position: { x: 40, y: 8 } });
    await expect.poll(() => page.locator('[data-testid="graph-settings"]').count()).toBe(0);
    await showGraphFields(page);
    expect(await page.inputValue('[data-testid="quick-epochs"]')).toBe('0');
    expect(await isBad(page, 'quick-epochs')).toBe(true);

    // Correcting one field clears its error only.
    await enter(page, 'quick-trainLimit', '400');
    await expect.poll(() => errorOf(page, 'quick-trainLimit').count()).toBe(0);
    expect(await page.inputValue('[data-testid="quick-trainLimit"]')).toBe('400');
    expect(await isBad(page, 'quick-epochs')).toBe(true);

    // Another document: its own values, and nothing refused.
    await openExample(page, 'stdp-curve');
    await showGraphFields(page);
    await expect.poll(() => page.inputValue('[data-testid="quick-epochs"]')).toBe('');
    expect(await page.inputValue('[data-testid="quick-trainLimit"]')).toBe('');
    expect(await page.locator('[data-testid="graph-error"]').count()).toBe(0);
    expect(await page.locator('[data-testid="graph-quick"] .param.bad, [data-testid="graph-settings"] .param.bad').count()).toBe(0);
    // stdp-curve has no data, epochs or samples: its Quick run limits nothing, and says so.
    expect(await page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('Quick run: no limits');
    expect(await page.locator('[data-testid="quick-none"]').count()).toBe(1);
    expect(await page.locator('[data-testid="graph-quick"] .param[data-unused="true"]').count()).toBe(4);
    // EqProp has data and epochs but no samples: only the samples field is marked.
    await openExample(page, 'eqprop-mnist');
    await showGraphFields(page);
    await expect.poll(() => page.locator('[data-testid="quick-none"]').count()).toBe(0);
    expect(await page.locator('[data-testid="graph-quick"] .param[data-unused="true"] input').getAttribute('data-testid')).toBe('quick-sampleLimit');
    expect(await page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('Quick run: 1 epoch, at most 10000 training and 1000 test examples (');
    await page.close();
  }, 120_000);
});
