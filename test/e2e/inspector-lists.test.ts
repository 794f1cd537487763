/**
 * The inspector's typed fields against the rules the docs and the CLI use, in Debian's Chromium against browser mode:
 * a list parameter takes "[500, 500]" (docs/tutorial-eqprop.md §8, `--set 'net.hidden=[500,500]'`) as well as
 * "500, 500", and refuses "500,,10" naming the parameter; the graph's seed is a whole number >= 0 and the Quick run
 * limits take digits only, as `plasticity run --seed` and `--epochs` do; a file with a negative seed is refused with a
 * sentence, the open graph kept.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eDescribe, node, openApp, openExample, ROOT, useApp } from './harness.ts';

const d = e2eDescribe;

async function enter(page: Page, testid: string, text: string): Promise<void> {
  await page.fill(`[data-testid="${testid}"]`, text);
  await page.press(`[data-testid="${testid}"]`, 'Enter');
}

/** The field's box (`.param`) around the input `testid`, and the problem shown under it. */
const fieldOf = (page: Page, testid: string) => page.locator('.param', { has: page.locator(`[data-testid="${testid}"]`) });
const problemOf = (page: Page, testid: string) => fieldOf(page, testid).locator('.perr');

async function showGraphFields(page: Page): Promise<void> {
  const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
  await page.mouse.click(box.x + 12, box.y + 12);
  await page.locator('[data-testid="graph-settings"]').waitFor();
}

d('inspector: lists, seeds and limits as the docs and the CLI write them', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('the hidden layers take [500, 500] and [500]; 500,,10 is refused, naming the parameter', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openExample(page, 'eqprop-mnist');
    await node(page, 'net').locator('.header').click();
    expect(await page.inputValue('[data-testid="param-hidden"]')).toBe('500');

    // The bracketed form, as the tutorial writes it: taken, shown as a list, with no problem under the field.
    await enter(page, 'param-hidden', '[500, 500]');
    await expect.poll(() => fieldOf(page, 'param-hidden').locator('.reset:not(.sweep-link)').first().textContent()).toContain('reset to [500]');
    expect(await problemOf(page, 'param-hidden').count()).toBe(0);
    expect(await page.inputValue('[data-testid="param-hidden"]')).toBe('500, 500');

    // "[500]" is the default again: nothing to reset.
    await enter(page, 'param-hidden', '[500]');
    await expect.poll(() => fieldOf(page, 'param-hidden').locator('.reset:not(.sweep-link)').count()).toBe(0);
    expect(await problemOf(page, 'param-hidden').count()).toBe(0);
    expect(await page.inputValue('[data-testid="param-hidden"]')).toBe('500');

    // An empty item is not skipped (it was taken as 500, 10): the field is refused, naming the parameter.
    await enter(page, 'param-hidden', '500,,10');
    await expect.poll(() => problemOf(page, 'param-hidden').count()).toBe(1);
    expect(await problemOf(page, 'param-hidden').textContent()).toBe('parameter hidden must be a list of numbers, got "500,,10": it has an empty item (item 2 of 3)');
    expect(await fieldOf(page, 'param-hidden').evaluate((el) => el.classList.contains('bad'))).toBe(true);
    expect(await page.inputValue('[data-testid="param-hidden"]')).toBe('500,,10');

    // Mended with the comma form: the problem goes.
    await enter(page, 'param-hidden', '500, 10');
    await expect.poll(() => problemOf(page, 'param-hidden').count()).toBe(0);
    expect(await page.inputValue('[data-testid="param-hidden"]')).toBe('500, 10');

    // A sweep of a list parameter takes bracketed lists too.
    await node(page, 'rule').locator('.header').click();
    await page.click('[data-testid="sweep-lrs"]');
    await page.fill('[data-testid="sweep-values"]', '[0.1, 0.05]; [0.2, 0.1], ');
    await page.click('[data-testid="sweep-run"]');
    await expect.poll(() => page.locator('[data-testid="sweep-error"]').textContent()).toBe('value 2 of 2 must be a list of numbers, got "[0.2, 0.1],": it has a [ without its ]');
    expect(errors).toEqual([]);
  });

  it('the seed is a whole number >= 0 and the Quick run limits take digits only, as the CLI', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await showGraphFields(page);
    const errorOf = (testid: string) => fieldOf(page, testid).locator('[data-testid="graph-error"]');

    // -3 is refused, as `plasticity run --seed -1` is; 0 is taken.
    await enter(page, 'graph-seed', '-3');
    await expect.poll(() => errorOf('graph-seed').count()).toBe(1);
    expect(await errorOf('graph-seed').textContent()).toContain('seed: "-3" is not a whole number >= 0, written in digits; kept 1');
    await enter(page, 'graph-seed', '1e1');
    await expect.poll(() => errorOf('graph-seed').textContent()).toContain('seed: "1e1" is not a whole number >= 0');
    await enter(page, 'graph-seed', '0');
    await expect.poll(() => errorOf('graph-seed').count()).toBe(0);
    expect(await page.inputValue('[data-testid="graph-seed"]')).toBe('0');

    // 1e3 is not 1000 here, as it is not for --epochs: refused, with why; 1000 is taken.
    await enter(page, 'quick-trainLimit', '1e3');
    await expect.poll(() => errorOf('quick-trainLimit').count()).toBe(1);
    expect(await errorOf('quick-trainLimit').textContent()).toContain('Quick run training examples: "1e3" is not a whole number from 1 up to 10,000,000, written in digits; kept 10000');
    expect(await page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('at most 10000 training');
    await enter(page, 'quick-trainLimit', '1000');
    await expect.poll(() => errorOf('quick-trainLimit').count()).toBe(0);
    await expect.poll(() => page.getAttribute('[data-testid="quick-label"]', 'title')).toContain('at most 1000 training');
    await enter(page, 'quick-epochs', '2.0');
    await expect.poll(() => errorOf('quick-epochs').count()).toBe(1);
    expect(await errorOf('quick-epochs').textContent()).toContain('Quick run epochs: "2.0" is not a whole number');
  });

  it('a file with a negative seed is refused with a sentence; the open graph stays', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples', 'eqprop-mnist.json'), 'utf8'));
    await writeFile(join(app.server.workspace, 'negative-seed.json'), JSON.stringify({ ...doc, name: 'negative', seed: -3 }));
    const page = await openApp(app.browser.context, app.server.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openExample(page, 'eqprop-mnist');
    await page.click('[data-testid="open"]');
    await page.dblclick('[data-testid="file-entry"][data-path="negative-seed.json"]');
    await expect.poll(() => page.locator('[data-testid="toast"]').textContent()).toContain('seed: must be a whole number >= 0, got -3');
    expect(await page.locator('[data-testid="file-name"]').first().textContent()).toContain('eqprop-mnist.json');
    expect(errors).toEqual([]);
  });
});
