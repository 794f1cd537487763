/**
 * The Run tab explains a run: its warnings show where the user looks (a pill on the status line, click: the Log tab,
 * and a count on the Log tab), not only as orange lines in the Log; each metric's name says on hover what it is and
 * which node recorded it, and an enlarged picture says what it shows. Browser mode, as app.test.ts runs it.
 */
import { expect, it } from 'vitest';
import { e2eDescribe, openApp, openExample, runToEnd, setParam, useApp } from './harness.ts';

e2eDescribe('the Run tab explains a run (e2e)', () => {
  const app = useApp({ width: 1366, height: 768 });

  it('counts warnings on a pill and on the Log tab (the pill opens the Log); a run without any shows neither; says what each metric and picture is', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'ebm-early-inference');
    // One nudged step cannot reach the lowest hidden layers of this 3-hidden-layer network: the probe warns.
    await setParam(page, 'nudge', 'steps', '1');
    await runToEnd(page);
    const pill = page.locator('[data-testid="run-warnings"]');
    await expect.poll(() => pill.textContent()).toMatch(/^\d+ warnings?$/);
    const n = Number((await pill.textContent())!.split(' ')[0]);
    expect(await pill.getAttribute('title')).toContain('probe: with 1 nudged step the nudge has not reached the lowest 3 hidden layers yet (their cosine is 0)');
    expect(await page.locator('[data-testid="log-warnings"]').textContent()).toBe(String(n));
    await pill.click();
    expect(await page.locator('[data-testid="tab-log"]').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.log .warn').count()).toBe(n);
    // The example as it is: no warning, no pill, no count.
    await openExample(page, 'stdp-curve');
    await runToEnd(page);
    await page.click('[data-testid="tab-run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent()).toBe('done');
    expect(await pill.count()).toBe(0);
    expect(await page.locator('[data-testid="log-warnings"]').count()).toBe(0);
    // What the figures are: on hover of a metric's name, and under an enlarged picture.
    const ltp = page.locator('[data-testid="final-metrics"] td', { hasText: /^stdp_curve_ltp$/ });
    expect(await ltp.getAttribute('title')).toBe('ΔW at the smallest ΔT > 0 (post after pre): positive for STDP. Recorded by ΔW against ΔT (plot).');
    // A curve's chart says what it shows on hover of its title (a ΔT/ΔW pair: its ΔW's words).
    expect(await page.locator('[data-testid="run-panel"] [data-testid="chart"][data-title="stdp_curve"] .title').getAttribute('title')).toBe('ΔW at each ΔT of the curve (mean over trials). Recorded by ΔW against ΔT (plot).');
    await page.locator('[data-testid="run-image"][data-name="stdp_curve"]').click();
    expect(await page.locator('[data-testid="image-zoom-doc"]').textContent()).toBe('ΔW against ΔT, with the zero axes. Recorded by ΔW against ΔT (plot).');
    await page.keyboard.press('Escape');
    // History marks each Quick run of the session with the limits that applied to its graph (none for the STDP graph).
    await page.click('[data-testid="tab-history"]');
    await expect.poll(() => page.locator('[data-testid="history-limits"]').allTextContents()).toEqual(['Quick run: no limits apply to this graph', 'Quick run: up to 200 training · up to 200 test']);
    await page.close();
  }, 180_000);

  it('a run stopped mid-epoch, before its first curve point, says where it stopped (not "before any batch")', async () => {
    const page = await openApp(app.browser.context, app.server.url);
    await openExample(page, 'eqprop-mnist');
    // A slow free phase: the first epoch takes long, its curves are recorded when it ends.
    await setParam(page, 'free', 'steps', '2000');
    await page.click('[data-testid="run"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 60_000 }).toBe('running');
    // Stopped once a batch has reported (a fixed 3 s wait was too short on a loaded machine: nothing had reported yet).
    await expect.poll(() => page.locator('[data-testid="progress-text"]').textContent(), { timeout: 90_000 }).toMatch(/batch \d+/);
    await page.click('[data-testid="stop"]');
    await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 60_000 }).toBe('stopped');
    expect(await page.locator('[data-testid="charts-placeholder"]').textContent()).toMatch(/^\s*Stopped at batch \d+ of \d+ of epoch 1, before the first figure was recorded: no curves to chart\.\s*$/);
    await page.close();
  }, 180_000);
});
