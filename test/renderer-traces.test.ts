// The run panel's choice of array metrics to chart (renderer/src/lib/traces.ts).
import { describe, expect, it } from 'vitest';
import { traceCharts } from '../renderer/src/lib/traces.ts';

describe('traceCharts', () => {
  it('leaves out series drawn live, pairs <name>_dt with <name>_dw, and draws the rest against their index', () => {
    const charts = traceCharts(
      { train_error: [0.1, 0.05], curve_dw: [-0.5, 0, 0.5], logp_trace: [3, 2], curve_dt: [-1, 0, 1], odd_dt: [1, 2] },
      { 'train: train_error': {} },
    );
    expect(charts).toEqual([
      { title: 'curve', xLabel: 'ΔT (steps)', lines: [{ label: 'curve', x: [-1, 0, 1], y: [-0.5, 0, 0.5] }] },
      { title: 'logp_trace', xLabel: 'iteration', lines: [{ label: 'logp_trace', x: [0, 1], y: [3, 2] }] },
      // no odd_dw beside it: not a pair
      { title: 'odd_dt', xLabel: 'iteration', lines: [{ label: 'odd_dt', x: [0, 1], y: [1, 2] }] },
    ]);
  });

  it('does not pair arrays of different lengths', () => {
    const charts = traceCharts({ c_dt: [1, 2], c_dw: [1] }, {});
    expect(charts.map((c) => c.title)).toEqual(['c_dt', 'c_dw']);
  });
});
