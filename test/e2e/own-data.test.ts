/**
 * A researcher's own IDX files in the app (a user review): MNIST's dataDir typed as a path relative to the workspace
 * reads the folder there (it was read from the folder the server was started in), and the run says which data it read,
 * in the Run tab and in History → Past runs. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { e2eDescribe, openApp, openExample, runToEnd, setParam, useApp } from './harness.ts';

const d = e2eDescribe;

/** An IDX file of unsigned bytes, gzipped. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((n, i) => head.writeUInt32BE(n, 4 + 4 * i));
  return gzipSync(Buffer.concat([head, data]));
}

d('own data in the app (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('a dataDir relative to the workspace is read from there, and the Run tab and Past runs name the data', async () => {
    const dir = join(app.server.workspace, 'my data', 'fashion');
    mkdirSync(dir, { recursive: true });
    for (const [prefix, n] of [['train', 60], ['t10k', 20]] as const) {
      writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), idx([n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256)));
      writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), idx([n], Uint8Array.from({ length: n }, (_, i) => i % 10)));
    }
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
});
