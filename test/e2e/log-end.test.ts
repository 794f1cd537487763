/**
 * The Log tab says how a run ended, in a closing line: done and in how long, stopped and where it had got to (as a
 * warning), or the error and the node it came from (as an error). Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eDescribe, openApp, openExample, useApp } from './harness.ts';

const d = e2eDescribe;


const status = (page: Page) => page.locator('[data-testid="run-status"]').textContent();

/** The Log tab's last line: its level (its class) and its text without the time in front. */
async function lastLogLine(page: Page): Promise<{ level: string; text: string }> {
  await page.click('[data-testid="tab-log"]');
  const line = page.locator('.log > div').last();
  await line.waitFor();
  return { level: (await line.getAttribute('class')) ?? '', text: ((await line.textContent()) ?? '').replace(/^\S+( [AP]M)? /, '') };
}

d('the Log tab\'s closing line (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('a run that finishes ends its log with "done in N s"', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-curve');
    await page.click('[data-testid="run"]');
    await expect.poll(() => status(page), { timeout: 120_000 }).toMatch(/done|error/);
    expect(await status(page)).toBe('done');
    const last = await lastLogLine(page);
    expect(last.text).toMatch(/^done in \d+\.\d s$/);
    expect(last.level.split(' ')).toContain('info');
  }, 180_000);

  it('a stopped run ends its log with where it got to, as a warning', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await page.locator('[data-testid="quick"]').uncheck();
    await page.click('[data-testid="run"]');
    // Training: its progress reports name an epoch.
    await expect.poll(() => page.locator('[data-testid="progress-text"]').textContent(), { timeout: 90_000 }).toContain('epoch');
    await page.click('[data-testid="stop"]');
    await expect.poll(() => status(page), { timeout: 10_000 }).toBe('stopped');
    const last = await lastLogLine(page);
    expect(last.level.split(' ')).toContain('warn');
    expect(last.text).toMatch(/^stopped after \d+\.\d s in \S+.* \(step \d+\/\d+\), \w+ epoch \d+/);
  }, 180_000);

  it('a failed run ends its log with the error and the node it failed in, as an error', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await page.fill('[data-testid="palette-search"]', 'ebm.load');
    await page.press('[data-testid="palette-search"]', 'Enter');
    const card = page.locator('[data-testid="node"][data-kind="ebm.load"]');
    await expect.poll(() => card.count()).toBe(1);
    const id = (await card.getAttribute('data-node-id'))!;
    await card.locator('.header').click();
    await page.fill('[data-testid="param-path"]', 'no-such-file.network.json');
    await page.press('[data-testid="param-path"]', 'Enter');
    await page.click('[data-testid="run"]');
    await expect.poll(() => status(page), { timeout: 120_000 }).toBe('error');
    const last = await lastLogLine(page);
    expect(last.level.split(' ')).toContain('error');
    expect(last.text).toContain(`error in ${id}`);
    expect(last.text).toContain('no-such-file.network.json');
  }, 180_000);
});
