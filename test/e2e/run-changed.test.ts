/**
 * The Run tab says when the graph open in the editor has changed since the run it shows ran it (same graph name):
 * the figures on show are then not those of the graph as it is now. Browser mode, as app.test.ts runs it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { e2eDescribe, openApp, openExample, ROOT, runToEnd, setParam, useApp } from './harness.ts';

e2eDescribe('the Run tab and a graph changed since its run (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('names the change after an edit, counts several, and goes when Undo brings the graph back', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'stdp-curve');
    await runToEnd(page);
    const pill = page.locator('[data-testid="run-graph-changed"]');
    expect(await pill.count()).toBe(0);
    // A Quick run says it was one, and here that its limits applied to nothing: the graph has no data or epochs.
    expect(await page.locator('[data-testid="run-limits"]').textContent()).toBe('Quick run: no limits apply to this graph');
    await setParam(page, 'neuron', 'trials', '5000');
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

  it('says nothing after a Quick run that changed parameters for itself (the graph\'s quick.set), but names an edit of such a parameter; the run\'s graph is the graph without those changes', async () => {
    const doc = JSON.parse(await readFile(join(ROOT, 'examples', 'stdp-curve.json'), 'utf8'));
    await writeFile(join(app.server.workspace, 'quick-set.json'), JSON.stringify({ ...doc, name: 'quick-set', quick: { set: { 'neuron.trials': 2000 } } }));
    const page = await openApp(app.browser.context, app.server.url);
    await page.click('[data-testid="open"]');
    await page.dblclick('[data-testid="file-entry"][data-path="quick-set.json"]');
    await expect.poll(() => page.locator('[data-testid="node"]').count()).toBe(2);
    expect(await page.isChecked('[data-testid="quick"]')).toBe(true);
    await runToEnd(page);
    // The run ran 2000 trials, the graph says 20000: that is the Quick run's own change, not an edit.
    const pill = page.locator('[data-testid="run-graph-changed"]');
    expect(await pill.count()).toBe(0);
    // The run's folder keeps the graph as it was (20000 trials, and the Quick run's 2000 in quick.set) and says it
    // was a Quick run, so the graph opened from History and run in full runs as the user made it.
    const folder = (await readdir(join(app.server.workspace, 'runs'))).find((d) => d.endsWith('-quick-set'))!;
    const ran = JSON.parse(await readFile(join(app.server.workspace, 'runs', folder, 'graph.json'), 'utf8'));
    expect(ran.nodes.find((n: { id: string }) => n.id === 'neuron').params.trials).toBe(20000);
    expect(ran.quick).toEqual({ set: { 'neuron.trials': 2000 } });
    await expect.poll(async () => JSON.parse(await readFile(join(app.server.workspace, 'runs', folder, 'summary.json'), 'utf8').catch(() => '{}')).options?.quick).toBe(true);
    // An edit of that very parameter is an edit.
    await setParam(page, 'neuron', 'trials', '5000');
    await expect.poll(() => pill.textContent()).toBe('edited since this run: neuron.trials 20000 → 5000');
  }, 180_000);
});
