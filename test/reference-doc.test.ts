// docs/nodes.md, the node reference, is written from the kinds' descriptors; it must be current,
// and each part of it must say what the descriptor says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../nodes/cli/main.ts';
import { bool, choice, defineKind, float, floats, int, kindsReference, paramRange, port, str } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';

const root = join(import.meta.dirname, '..');

const toy = defineKind({
  kind: 'toy.kind',
  version: 2,
  title: 'Toy <kind>',
  category: 'energy',
  doc: 'Records <name>_cost; |x| stays small.',
  equation: 'Nobody 2026, Eq. 1',
  inputs: { a: port('network', { doc: 'The net.' }), b: port('dataset', { optional: true, multiple: true }) },
  outputs: { out: port('metric', { doc: 'A number.' }) },
  params: {
    rate: float(0.1, { min: 0.001, max: 10, log: true, label: 'α', doc: 'Step | size.' }),
    steps: int(20, { min: 1 }),
    form: choice(['a', 'b'] as const, 'a'),
    on: bool(true),
    name: str('x'),
    sizes: floats([1, 2], { max: 5 }),
  },
  scope: { loop: 'epochs' },
  compile: () => ({ outputs: { out: {} } }),
});

describe('node reference (docs/nodes.md)', () => {
  it('says what values each param accepts', () => {
    expect(paramRange(toy.params.rate)).toBe('0.001 … 10, log scale');
    expect(paramRange(toy.params.steps)).toBe('at least 1');
    expect(paramRange(toy.params.sizes)).toBe('at most 5');
    expect(paramRange(toy.params.form)).toBe('`a`, `b`');
    expect(paramRange(toy.params.on)).toBe('');
    expect(paramRange(toy.params.name)).toBe('');
  });

  it('writes a kind as its heading, facts, doc and tables; "<" and "|" in text stay text', () => {
    const md = kindsReference([toy]);
    expect(md).toContain('- **Energy-based networks**: [Toy &lt;kind&gt;](#toy.kind)');
    expect(md).toContain('<a id="toy.kind"></a>\n\n### Toy &lt;kind&gt;\n');
    expect(md).toContain('kind `toy.kind` · version 2 · a loop scope over epochs');
    expect(md).toContain('*Implements:* Nobody 2026, Eq. 1');
    expect(md).toContain('Records &lt;name&gt;_cost; |x| stays small.');
    expect(md).toContain('| `a` | network | required. The net. |');
    expect(md).toContain('| `b` | dataset | optional, several wires |');
    expect(md).toContain('| `out` | metric | A number. |');
    expect(md).toContain('| `rate` | float | `0.1` | 0.001 … 10, log scale | (α) Step \\| size. |');
    expect(md).toContain('| `sizes` | floats | `[1,2]` | at most 5 |  |');
    expect(md).toContain('| `name` | string | `"x"` |  |  |');
    // Only the categories that have kinds are listed.
    expect(md).not.toContain('**Data**');
  });

  it('docs/nodes.md is current (run `npm run docs:nodes` after changing a kind)', async () => {
    const kinds = createRegistry().all();
    const want = kindsReference(kinds);
    const have = readFileSync(join(root, 'docs', 'nodes.md'), 'utf8');
    expect(have === want, 'docs/nodes.md differs from the kinds: run `npm run docs:nodes`').toBe(true);
    // Every kind has its section, and the CLI prints the same page.
    for (const k of kinds) expect(have).toContain(`<a id="${k.kind}"></a>`);
    let out = '';
    expect(await main(['kinds', '--markdown'], { out: (s) => void (out += s), err: () => undefined })).toBe(0);
    expect(out).toBe(want);
  });
});
