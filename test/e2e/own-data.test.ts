/**
 * A researcher's own IDX files in the app (a user review): MNIST's dataDir typed as a path relative to the workspace
 * reads the folder there (it was read from the folder the server was started in), and the run says which data it read,
 * in the Run tab and in History → Past runs. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { mnistFolder } from '../support/idx.ts';
import { e2eDescribe, openApp, openExample, runToEnd, setParam, useApp } from './harness.ts';

const d = e2eDescribe;

d('own data in the app (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('a dataDir relative to the workspace is read from there, and the Run tab and Past runs name the data', async () => {
    const dir = join(app.server.workspace, 'my data', 'fashion');
    mnistFolder(dir, 60, 20);
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await setParam(page, 'data', 'dataDir', 'my data/fashion');
    await runToEnd(page);
    await expect.poll(() => page.locator('[data-testid="run-data"]').textContent()).toBe('data: fashion');
    expect(await page.locator('[data-testid="run-data"]').getAttribute('title')).toBe(`The data this run read: IDX files in ${dir} (60 training, 0 validation, 20 test)`);
    await page.click('[data-testid="tab-history"]');
    await page.click('[data-testid="past-runs"]');
    await expect.poll(() => page.locator('[data-testid="past-run-data"]').allTextContents()).toEqual(['fashion']);
  }, 180_000);

  it('a folder that is not there fails the run naming the node; the next run, fixed, takes that message away', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    await setParam(page, 'data', 'dataDir', 'no such folder');
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 60_000 }).toBe('error');
    const toast = page.locator('[data-testid="toast"][data-kind="error"]');
    await expect.poll(() => toast.textContent()).toBe(
      `Run failed in MNIST (data): MNIST data folder ${join(app.server.workspace, 'no such folder')} does not exist (expected a folder holding the four MNIST IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally gzipped).`,
    );
    await setParam(page, 'data', 'dataDir', '');
    await runToEnd(page);
    // The failure of the run before no longer stands over this one's "done".
    expect(await toast.count()).toBe(0);
  }, 180_000);
});
