/**
 * History's list of past runs (the run folders), kept open, takes in the folders of runs that end meanwhile: it is
 * read again as History opens and as a run ends. Browser mode, as app.test.ts runs it.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { e2eDescribe, openApp, openExample, runToEnd, useApp } from './harness.ts';

e2eDescribe('the past runs list kept open (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('lists a run that ended after it was opened, without being closed and opened again', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-curve');
    await runToEnd(page);
    await page.click('[data-testid="tab-history"]');
    await page.click('[data-testid="past-runs"]');
    const rows = page.locator('[data-testid="past-run"]');
    await expect.poll(() => rows.count()).toBe(1);
    // Another run, watched in the Run tab; back in History the list has its folder too.
    await runToEnd(page);
    const folders = (await readdir(join(app.server.workspace, 'runs'))).filter((f) => f.endsWith('-stdp-curve'));
    expect(folders).toHaveLength(2);
    await page.click('[data-testid="tab-history"]');
    await expect.poll(() => rows.count()).toBe(2);
    for (const f of folders) expect(await page.locator(`[data-testid="past-run"][data-id="${f}"]`).count()).toBe(1);
  }, 120_000);
});
