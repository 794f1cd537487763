/**
 * The Run tab says when the graph open in the editor has changed since the run it shows ran it (same graph name):
 * the figures on show are then not those of the graph as it is now. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import { e2eDescribe, node, openApp, openExample, runToEnd, useApp } from './harness.ts';

e2eDescribe('the Run tab and a graph changed since its run (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('names the change after an edit, counts several, and goes when Undo brings the graph back', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-curve');
    await runToEnd(page);
    const pill = page.locator('[data-testid="run-graph-changed"]');
    expect(await pill.count()).toBe(0);
    await node(page, 'neuron').locator('.header').click();
    await page.fill('[data-testid="param-trials"]', '5000');
    await page.press('[data-testid="param-trials"]', 'Enter');
    await expect.poll(() => pill.textContent()).toBe('edited since this run: neuron.trials 20000 → 5000');
    expect(await pill.getAttribute('title')).toContain('neuron.trials 20000 → 5000');
    await page.fill('[data-testid="param-window"]', '10');
    await page.press('[data-testid="param-window"]', 'Enter');
    await expect.poll(() => pill.textContent()).toBe('edited since this run: 2 changes');
    expect((await pill.getAttribute('title'))?.split('\n').slice(1)).toEqual(['neuron.trials 20000 → 5000', 'neuron.window 20 → 10']);
    // Back to the graph as it ran: nothing to say.
    await page.locator('[data-testid="canvas"]').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => pill.count()).toBe(0);
  }, 180_000);
});
