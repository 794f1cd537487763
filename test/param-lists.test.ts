// A list parameter typed in a field (the inspector, a sweep's values): "500, 500", "500 500", and the bracketed JSON
// form the docs and `--set` use, "[500, 500]"; an empty item is an error naming the parameter, never skipped.
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../nodes/core/compiler.ts';
import { formatDiagnostic } from '../nodes/core/diagnostics.ts';
import { GRAPH_FORMAT, type GraphDocument } from '../nodes/core/document.ts';
import type { JsonValue } from '../nodes/core/json.ts';
import { checkParam, floats, int, paramFromText, parseNumberList } from '../nodes/core/params.ts';
import { createRegistry } from '../nodes/kinds/index.ts';

describe('parseNumberList', () => {
  const ok: [string, number[]][] = [
    ['500', [500]],
    ['500, 500', [500, 500]],
    ['500 500', [500, 500]],
    ['  500 ,500  ', [500, 500]],
    ['[500]', [500]],
    ['[500, 500]', [500, 500]],
    ['[500,500]', [500, 500]],
    [' [ 0.1, .05, 1e-3 ] ', [0.1, 0.05, 0.001]],
    ['', []],
    ['[]', []],
    ['[ ]', []],
  ];
  for (const [text, want] of ok) it(`takes ${JSON.stringify(text)}`, () => expect(parseNumberList(text)).toEqual({ value: want }));

  const bad: [string, RegExp][] = [
    ['500,,10', /empty item \(item 2 of 3\)/],
    ['500,', /empty item \(item 2 of 2\)/],
    [',500', /empty item \(item 1 of 2\)/],
    ['[500,,10]', /empty item \(item 2 of 3\)/],
    ['[500, 500', /\[ without its \]/],
    ['500]', /\] without its \[/],
    ['500, abc', /"abc", which is not a number/],
    ['0x10', /"0x10", which is not a number/],
    ['[[500]]', /not a number/],
    ['1e999', /too large/],
  ];
  for (const [text, re] of bad)
    it(`refuses ${JSON.stringify(text)}`, () => {
      const r = parseNumberList(text);
      expect('error' in r && r.error).toMatch(re);
    });
});

describe('paramFromText', () => {
  const list = floats([500], { min: 1 });
  it('reads a list in either form', () => {
    expect(paramFromText(list, '[500, 500]')).toEqual([500, 500]);
    expect(paramFromText(list, '500, 500')).toEqual([500, 500]);
  });
  it('keeps text that is not a list as typed, for the check to refuse', () => {
    expect(paramFromText(list, '500,,10')).toBe('500,,10');
    expect(checkParam(list, '500,,10')?.message).toBe('must be a list of numbers, got "500,,10": it has an empty item (item 2 of 3)');
  });
  it('reads a number in decimal only', () => {
    expect(paramFromText(int(1), ' 12 ')).toBe(12);
    expect(paramFromText(int(1), '0x10')).toBe('0x10');
  });
});

describe('the hidden layers of an EqProp network, as typed in the inspector', () => {
  const doc = (hidden: JsonValue): GraphDocument => ({
    format: GRAPH_FORMAT,
    version: 1,
    name: 'g',
    seed: 1,
    nodes: [{ id: 'net', kind: 'ebm.network', params: { hidden }, position: [0, 0] }],
    wires: [],
  });
  const problems = (text: string): string[] =>
    compileGraph(doc(paramFromText(floats([500]), text)), createRegistry())
      .diagnostics.filter((d) => d.node === 'net' && d.port === 'hidden')
      .map(formatDiagnostic);

  it('takes [500] and [500, 500] as the tutorial writes them', () => {
    expect(problems('[500]')).toEqual([]);
    expect(problems('[500, 500]')).toEqual([]);
    expect(problems('500, 500')).toEqual([]);
  });
  it('refuses 500,,10 with a message naming the parameter', () => {
    const p = problems('500,,10');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/parameter hidden must be a list of numbers, got "500,,10": it has an empty item/);
  });
});
