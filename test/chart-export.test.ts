// The numbers behind a chart as CSV (the export button on every chart): columns, alignment of lines with
// different x values, empty cells, quoting, and the file names.
import { describe, expect, it } from 'vitest';
import { chartCsv, csvTable, exportName, legendSwatch } from '../renderer/src/lib/chart-export.ts';

describe('chart export', () => {
  it('one row per x of any line, one column per line, empty where a line has no value', () => {
    const csv = chartCsv(
      [
        { label: 'train_error', x: [0.5, 1], y: [0.25, 0.125], color: '#fff' },
        { label: 'test_error_stored', x: [1], y: [0.1], color: '#000' },
      ],
      'epoch',
    );
    expect(csv).toBe('epoch,train_error,test_error_stored\n0.5,0.25,\n1,0.125,0.1\n');
  });

  it('labels with commas or quotes are quoted; numbers keep full precision; a non-finite value is an empty cell', () => {
    const csv = chartCsv([{ label: '1:40 AM "a", b', x: [2, 1], y: [1 / 3, Number.NaN], color: '#fff' }], '');
    expect(csv).toBe('x,"1:40 AM ""a"", b"\n1,\n2,0.3333333333333333\n');
  });

  it('the exported picture\'s legend draws a dashed line (a paper\'s figure) dashed: two strokes with a gap', () => {
    expect(legendSwatch(false, 28)).toEqual([[0, 28]]);
    expect(legendSwatch(true, 28)).toEqual([[0, 9], [19, 28]]);
  });

  it('file names from chart titles', () => {
    expect(exportName('train: loss_f1', 'csv')).toBe('train_loss_f1.csv');
    expect(exportName('ΔW vs ΔT', 'png')).toBe('W_vs_T.png');
    expect(exportName('***', 'png')).toBe('chart.png');
  });
});

describe('csvTable', () => {
  it('numbers in full, missing and non-finite values empty, text quoted when needed', () => {
    expect(csvTable([['metric', 'a, run', 'b'], ['x', 0.1 + 0.2, null], ['y', Number.POSITIVE_INFINITY, undefined], ['say "hi"', -1e-7, 3]])).toBe(
      'metric,"a, run",b\nx,0.30000000000000004,\ny,,\n"say ""hi""",-1e-7,3\n',
    );
  });
});
