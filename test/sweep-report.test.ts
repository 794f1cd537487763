// The sweep report says when its runs were Quick or limited runs: their figures are a preview beside the paper's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SweepFile } from '../nodes/cli/sweep-file.ts';
import { sweepReport } from '../nodes/server/sweep-report.ts';

const graph = readFileSync(new URL('../examples/eqprop-mnist.json', import.meta.url), 'utf8');
const stat = (mean: number) => ({ n: 2, mean, sd: 0.01, min: mean - 0.01, max: mean + 0.01 });
const sweep: SweepFile = {
  graph: 'examples/eqprop-mnist.json',
  seeds: [1, 2],
  vary: [{ target: 'free.steps', values: [10, 20] }],
  set: [],
  run_args: ['--quick'],
  runs: [],
  groups: [
    { set: ['free.steps=10'], metrics: { test_error: stat(0.309) } },
    { set: ['free.steps=20'], metrics: { test_error: stat(0.267) } },
  ],
};

describe('sweep report', () => {
  it('a sweep of Quick runs marks its figures a preview and the paper\'s the full run\'s', () => {
    const html = sweepReport('s', sweep, graph, { quick: true, trainLimit: 1000 });
    expect(html).toContain('<th class="num">paper (full run)</th>');
    expect(html).toContain("The paper&#39;s figures are for the full run; these runs&#39; are a preview (Quick run: up to 1000 training).");
    expect(html).toMatch(/<th>limits<\/th><td>Quick run: up to 1000 training \(the app/);
  });

  it('a sweep of full runs does not', () => {
    const html = sweepReport('s', { ...sweep, run_args: [] }, graph, { quick: null });
    expect(html).toContain('<th class="num">paper</th>');
    expect(html).not.toContain('preview');
    expect(html).not.toContain('<th>limits</th>');
  });
});
