// How a run is drawn (nodes/core/run-view.ts), in the run panel, History and reports: series from progress
// reports, and how array metrics are shown.
import { describe, expect, it } from 'vitest';
import { addProgress, autoLogY, LOG_SPAN, logSplits, MAX_SERIES_POINTS, paperLines, progressEpochs, rowText, type Series, seriesByPhase, SHORT_TRACE, splitTraces } from '../nodes/core/run-view.ts';
import { fmtMeanSd, fmtMetric } from '../nodes/core/format.ts';

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
      { title: 'curve', xLabel: 'ΔT (steps)', lines: [{ label: 'curve', x: [-1, 0, 1], y: [-0.5, 0, 0.5], grid: true }] },
      { title: 'logp_trace', xLabel: 'iteration', lines: [{ label: 'logp_trace', x: long, y: long }] },
      // no odd_dw beside it: not a pair
      { title: 'odd_dt', xLabel: 'iteration', lines: [{ label: 'odd_dt', x: ramp(10), y: ramp(10, 1) }] },
    ]);
    // the series drawn live ends in a row of its last value, named as plasticity sweep names it
    expect(rows).toEqual([{ name: 'train_error[-1]', values: [29], metric: 'train_error' }]);
  });

  it('a row reads as the metrics table reads: a curve\'s last value as a scalar metric, a short array to four significant digits', () => {
    expect(rowText({ name: 'test_error_stored[-1]', values: [0.118], metric: 'test_error_stored' })).toBe('0.118');
    expect(rowText({ name: 'backprop_cosine', values: [0.99871, 0.5] })).toBe('0.9987 · 0.5000');
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

describe('paperLines', () => {
  it('one dashed line per published value, in the first line\'s colour, naming every line it belongs to', () => {
    const refs = { test_error_stored: { value: 0.024 }, test_error_zero: { value: 0.024 }, other: { value: 0.5 } };
    expect(paperLines(['train_error', 'test_error_stored', 'other', 'test_error_zero'], refs)).toEqual([
      { index: 1, value: 0.024, label: 'paper: test_error_stored & test_error_zero', shared: true },
      { index: 2, value: 0.5, label: 'paper: other', shared: false },
    ]);
    expect(paperLines(['train_error'], refs)).toEqual([]);
  });
});

describe('addProgress', () => {
  it('keeps a long run\'s series to MAX_SERIES_POINTS: every whole epoch and the last report stay, the batch reports between are thinned', () => {
    // 40 epochs of 400 batch reports each (an hours-long run at 4 reports a second), then the end-of-epoch report.
    let s: Record<string, Series> = {};
    for (let epoch = 1; epoch <= 40; epoch++) {
      for (let batch = 1; batch < 400; batch++) s = addProgress(s, { phase: 'train', epoch, batch, batches: 400, metrics: { err: epoch + batch / 1000 } });
      s = addProgress(s, { phase: 'train', epoch, metrics: { err: epoch } });
      expect(s['train: err'].x.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    }
    s = addProgress(s, { phase: 'train', epoch: 41, batch: 1, batches: 400, metrics: { err: 41.001 } });
    const { x, y } = s['train: err'];
    expect(x.length).toBeGreaterThan(MAX_SERIES_POINTS / 2);
    for (let e = 1; e <= 40; e++) expect(y[x.indexOf(e)]).toBe(e);
    expect([x.at(-1), y.at(-1)]).toEqual([40.0025, 41.001]);
    // still in order, each x with its own y
    expect(x.every((v, i) => i === 0 || v > x[i - 1]!)).toBe(true);
    x.forEach((v, i) => expect(y[i]).toBeCloseTo(Number.isInteger(v) ? v : Math.floor(v) + 1 + ((v % 1) * 400) / 1000, 9));
  });


  it('puts batch reports at fractional epochs; the end-of-epoch report at the same x replaces the last batch\'s value', () => {
    expect(progressEpochs({ epoch: 2, batch: 1, batches: 4 })).toBe(1.25);
    expect(progressEpochs({ epoch: 2 })).toBe(2);
    expect(progressEpochs({})).toBeNull();
    let s = addProgress({}, { phase: 'train', epoch: 1, batch: 2, batches: 4, metrics: { err: 0.5 } });
    s = addProgress(s, { phase: 'train', epoch: 1, batch: 4, batches: 4, metrics: { err: 0.4, cost: Number.NaN } });
    const before = s;
    s = addProgress(s, { phase: 'train', epoch: 1, metrics: { err: 0.3 } });
    expect(s['train: err']).toEqual({ x: [0.5, 1], y: [0.5, 0.3], unit: 'epoch' });
    // a new record each time; a NaN is left out
    expect(before['train: err'].y).toEqual([0.5, 0.4]);
    expect(s['train: cost']).toBeUndefined();
    // no metrics: the same record
    expect(addProgress(s, { phase: 'train', epoch: 1, batch: 1, batches: 4 })).toBe(s);
  });

  it('counts reports for a phase without epochs, and a series keeps the unit of its first report', () => {
    let s = addProgress({}, { phase: 'prior', metrics: { ll: 1 } });
    s = addProgress(s, { phase: 'prior', metrics: { ll: 2 } });
    expect(s['prior: ll']).toEqual({ x: [1, 2], y: [1, 2], unit: 'report' });
    s = addProgress(s, { phase: 'train', epoch: 1, batch: 1, batches: 2, metrics: { e: 1 } });
    s = addProgress(s, { phase: 'train', metrics: { e: 2 } });
    expect(s['train: e']).toEqual({ x: [0.5], y: [2], unit: 'epoch' });
  });
});

describe('seriesByPhase', () => {
  it('one group per phase in the order phases first report, each line with its name and its place among all series', () => {
    const s = (y: number) => ({ x: [1], y: [y], unit: 'epoch' as const });
    const groups = seriesByPhase({ 'train: a': s(1), 'prior: b': { ...s(2), unit: 'report' }, 'train: c': s(3) });
    expect(groups.map((g) => [g.phase, g.unit, g.lines.map((l) => `${l.label}@${l.index}=${l.y[0]}`)])).toEqual([
      ['train', 'epoch', ['a@0=1', 'c@2=3']],
      ['prior', 'report', ['b@1=2']],
    ]);
  });
});

describe('fmtMeanSd', () => {
  it('the sd to two significant digits, the mean to the same decimal place', () => {
    expect(fmtMeanSd(0.118, 0.003)).toBe('0.1180 ± 0.0030');
    expect(fmtMeanSd(0.02478, 0.0014)).toBe('0.0248 ± 0.0014');
    expect(fmtMeanSd(143.04, 3.51)).toBe('143.0 ± 3.5');
    expect(fmtMeanSd(143.04, 35.1)).toBe('143 ± 35');
    expect(fmtMeanSd(0.99991, 0.000004)).toBe('0.9999100 ± 0.0000040');
    // nothing to round to: the mean as fmtMetric
    expect(fmtMeanSd(0.5, 0)).toBe('0.5 ± 0');
    expect(fmtMeanSd(0.5, 1e-9)).toBe('0.5 ± 1.00e-9');
  });
});

describe('fmtMetric', () => {
  it('four significant digits (an error of 2.56 % reads 0.0256), whole numbers whole, tiny values in exponent form', () => {
    expect([0.0256, 0.118, 0.95277, 241.37, 0.007, 0.0015, 3, 12345.6, 0.0004, -0.02468, 0].map(fmtMetric)).toEqual([
      '0.0256', '0.118', '0.9528', '241.4', '0.007', '0.0015', '3', '12346', '4.00e-4', '-0.02468', '0',
    ]);
    expect(fmtMetric(Number.NaN)).toBe('NaN');
  });
});

describe('logSplits', () => {
  it('puts a log axis\'s ticks at the powers of ten inside the range, or at 1-2-5 when fewer than two fit', () => {
    // Five decades (a Bengio 2015 loss chart): one line per decade, not nine.
    expect(logSplits(0.002, 150)).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(logSplits(1e-3, 10)).toEqual([1e-3, 1e-2, 1e-1, 1, 10]);
    // Within one decade: 1, 2 and 5 times the powers.
    expect(logSplits(0.03, 0.6)).toEqual([0.05, 0.1, 0.2, 0.5]);
  });
});


describe('autoLogY', () => {
  it('keeps a log axis when a curve reaches 0 (zeros left out), and takes a linear one for negatives or a narrow range', () => {
    // EqProp's train_error reaching exactly 0 mid-run, beside test errors near the paper's 0.024 and a cost near 1.
    const before = [0.12, 0.03, 0.004, 0.9, 0.05, 0.026, 0.024];
    expect(autoLogY(before)).toBe(true);
    expect(autoLogY([...before, 0])).toBe(true);
    // A negative value: linear; a range of less than LOG_SPAN among the positive values: linear.
    expect(autoLogY([...before, -0.1])).toBe(false);
    expect(autoLogY([0.9, 0.5, 0, 0.1])).toBe(false);
    expect(autoLogY([0.9, 0.5, 0, 0.01])).toBe(true);
    expect(autoLogY([0, 0])).toBe(false);
    expect(autoLogY([])).toBe(false);
    expect(autoLogY([1, 10], LOG_SPAN)).toBe(false);
    expect(autoLogY([1, 10], 5)).toBe(true);
  });
});
