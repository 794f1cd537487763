// How a run's array metrics are shown (nodes/core/run-view.ts), in the run panel, History and reports.
import { describe, expect, it } from 'vitest';
import { SHORT_TRACE, splitTraces } from '../nodes/core/run-view.ts';

const ramp = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('splitTraces', () => {
  it('leaves out series drawn live, pairs <name>_dt with <name>_dw, and draws long arrays against their index', () => {
    const long = ramp(SHORT_TRACE + 1);
    const { charts, rows } = splitTraces(
      { train_error: ramp(30), curve_dw: [-0.5, 0, 0.5], logp_trace: long, curve_dt: [-1, 0, 1], odd_dt: ramp(10, 1) },
      { 'train: train_error': {} },
    );
    expect(charts).toEqual([
      // a pair is a curve however short it is
      { title: 'curve', xLabel: 'ΔT (steps)', lines: [{ label: 'curve', x: [-1, 0, 1], y: [-0.5, 0, 0.5] }] },
      { title: 'logp_trace', xLabel: 'iteration', lines: [{ label: 'logp_trace', x: long, y: long }] },
      // no odd_dw beside it: not a pair
      { title: 'odd_dt', xLabel: 'iteration', lines: [{ label: 'odd_dt', x: ramp(10), y: ramp(10, 1) }] },
    ]);
    expect(rows).toEqual([]);
  });

  it('shows short arrays (one value per layer) as rows of numbers, not charts', () => {
    const { charts, rows } = splitTraces({ backprop_cosine: [0.9999, 0.998, 0.991], energy_trace: ramp(21) }, {});
    expect(rows).toEqual([{ name: 'backprop_cosine', values: [0.9999, 0.998, 0.991] }]);
    expect(charts.map((c) => c.title)).toEqual(['energy_trace']);
  });

  it('does not pair arrays of different lengths', () => {
    const { charts, rows } = splitTraces({ c_dt: ramp(8), c_dw: [1] }, {});
    expect(charts.map((c) => c.title)).toEqual(['c_dt']);
    expect(rows).toEqual([{ name: 'c_dw', values: [1] }]);
  });
});
