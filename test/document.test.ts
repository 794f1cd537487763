// The graph document: load/save round trip, migration from format version 0, and the messages a
// user gets for a file that is not (or not quite) a graph.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  DEFAULT_QUICK,
  type GraphDocument,
  quickLimits,
  withParam,
  emptyGraph,
  loadGraph,
  parseGraphText,
  saveGraph,
  withQuickSets,
} from '../nodes/core/document.ts';
import { compileGraph } from '../nodes/core/compiler.ts';
import { parseDecimal } from '../nodes/core/params.ts';
import { formatDiagnostic } from '../nodes/core/diagnostics.ts';
import { createRegistry } from '../nodes/kinds/index.ts';

const examplesDir = join(import.meta.dirname, '..', 'examples');
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort();

function mustLoad(text: string): GraphDocument {
  const r = parseGraphText(text);
  if (!r.ok) throw new Error(`expected a graph, got ${r.diagnostics.map(formatDiagnostic).join('; ')}`);
  return r.doc;
}

/** A readable sentence: words, no JS object dumps, no "undefined". */
function expectReadable(message: string): void {
  expect(message.length).toBeGreaterThan(10);
  expect(message).toMatch(/[a-z]+ [a-z]+/i);
  expect(message).not.toMatch(/\[object |NaN/);
  expect(message).not.toContain('\n');
}

describe('examples load and save without loss', () => {
  it('there are examples to check', () => {
    expect(exampleFiles).toEqual(expect.arrayContaining(['bengio2015-mnist.json', 'bengio2015-inpainting.json', 'bengio2015-exact-gradient.json']));
  });

  for (const file of exampleFiles) {
    it(`${file}: parse, save, parse again gives the same document`, () => {
      const text = readFileSync(join(examplesDir, file), 'utf8');
      const raw = JSON.parse(text);
      const doc = mustLoad(text);
      // Nothing the file holds is lost on load (defaults may be added).
      expect(doc).toMatchObject(raw);
      const saved = saveGraph(doc);
      const again = mustLoad(saved);
      expect(again).toEqual(doc);
      // Saving is stable: a second save is byte for byte the first.
      expect(saveGraph(again)).toBe(saved);
      expect(saved.endsWith('}\n')).toBe(true);
    });
  }

  it('optional fields (label, parent, version, description, quick, references, meta) survive a round trip', () => {
    const doc: GraphDocument = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: 'all fields',
      description: 'every optional field set',
      seed: 42,
      quick: { trainLimit: 10000, testLimit: 1000, set: { 'a.epochs': 1, 'a.optimizer': 'adam' } },
      references: { test_error: { value: 0.024, source: 'Scellier & Bengio 2017', note: 'after 25 epochs' }, parzen_ll: { value: 236, source: 'Bengio et al. 2015' } },
      nodes: [
        { id: 'a', kind: 'train.local', version: 1, label: 'Train it', params: { epochs: 3, optimizer: 'sgd' }, position: [-10.5, 20] },
        { id: 'b', kind: 'infer.iterative', params: { steps: 0 }, position: [1, 2], parent: 'a' },
      ],
      wires: [{ from: { node: 'b', port: 'inference' }, to: { node: 'a', port: 'inference' } }],
      meta: { viewport: { x: 1.5, y: -2, zoom: 0.75 }, tags: ['x', null, true] },
    };
    const again = mustLoad(saveGraph(doc));
    expect(again).toEqual(doc);
  });

  it('Quick run uses the limits of the graph, the rest from the defaults', () => {
    expect(quickLimits({})).toEqual(DEFAULT_QUICK);
    expect(DEFAULT_QUICK).toEqual({ epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200 });
    expect(quickLimits({ quick: { trainLimit: 10000, testLimit: 1000 } })).toEqual({ epochs: 1, trainLimit: 10000, testLimit: 1000, sampleLimit: 200 });
  });

  it('a Quick run\'s parameter changes (quick.set) apply to a Quick run only, and the compiler checks them as --set', () => {
    const doc = mustLoad(
      JSON.stringify({
        format: GRAPH_FORMAT,
        version: GRAPH_VERSION,
        quick: { epochs: 3, set: { 'train.warmupBatches': 10, 'f1.lr': 0.0003 } },
        nodes: [
          { id: 'f1', kind: 'layers.encoder', params: { units: 10, lr: 1e-5 } },
          { id: 'train', kind: 'train.local', params: { warmupBatches: 100 } },
        ],
      }),
    );
    // The limits leave `set` out; the graph itself keeps its own values.
    expect(quickLimits(doc)).toEqual({ ...DEFAULT_QUICK, epochs: 3 });
    expect(doc.nodes.map((n) => n.params)).toEqual([{ units: 10, lr: 1e-5 }, { warmupBatches: 100 }]);
    const q = withQuickSets(doc);
    expect(q.nodes.map((n) => n.params)).toEqual([{ units: 10, lr: 0.0003 }, { warmupBatches: 10 }]);
    expect(withQuickSets(q)).toEqual(q);
    const graph = emptyGraph('none');
    expect(withQuickSets(graph)).toBe(graph);
    // A change on top of the graph (--set, a sweep's value) also changes the Quick run's own value of that
    // parameter, so it wins in a full run and a Quick run alike; other parameters leave quick.set alone.
    const lr = withParam(doc, 'f1', 'lr', 0.002);
    expect(lr.nodes[0].params).toEqual({ units: 10, lr: 0.002 });
    expect(lr.quick).toEqual({ epochs: 3, set: { 'train.warmupBatches': 10, 'f1.lr': 0.002 } });
    expect(withQuickSets(lr).nodes[0].params.lr).toBe(0.002);
    const units = withParam(doc, 'f1', 'units', 20);
    expect(units.quick).toBe(doc.quick);
    expect(units.nodes.map((n) => n.params)).toEqual([{ units: 20, lr: 1e-5 }, { warmupBatches: 100 }]);
    expect(doc.nodes[0].params).toEqual({ units: 10, lr: 1e-5 });

    const problems = (set: Record<string, unknown>) =>
      compileGraph({ ...doc, quick: { set } } as GraphDocument, createRegistry()).diagnostics.filter((d) => d.severity === 'error' && /Quick run/.test(d.message)).map(formatDiagnostic);
    // (The two nodes are not wired; only the Quick run's problems are looked at.)
    expect(problems({ 'train.warmupBatches': 10 })).toEqual([]);
    expect(problems({ 'nope.lr': 1 })).toEqual(['graph: the Quick run sets nope.lr, but the graph has no node nope; its nodes are f1, train']);
    expect(problems({ 'train.warmup': 1 })[0]).toMatch(/^train: the Quick run sets train\.warmup, but "[^"]+" has no parameter warmup; its parameters are .*warmupBatches/);
    expect(problems({ 'train.warmupBatches': -1 })).toEqual(["train.warmupBatches: the Quick run's warmupBatches must be at least 0, got -1"]);
    expect(problems({ 'train.optimizer': 'fast' })[0]).toMatch(/^train\.optimizer: the Quick run's optimizer /);
  });

  it('an empty graph round-trips', () => {
    const g = emptyGraph('blank');
    expect(mustLoad(saveGraph(g))).toEqual(g);
  });

  it('defaults are filled in for omitted fields', () => {
    const doc = mustLoad(JSON.stringify({ format: GRAPH_FORMAT, version: 1, nodes: [{ id: 'n', kind: 'data.mnist' }] }));
    expect(doc.name).toBe('untitled');
    expect(doc.seed).toBe(1);
    expect(doc.wires).toEqual([]);
    expect(doc.nodes[0].params).toEqual({});
    expect(doc.nodes[0].position).toEqual([0, 0]);
  });

  it('loading does not modify the value it was given', () => {
    const raw = JSON.parse(readFileSync(join(examplesDir, exampleFiles[0]), 'utf8'));
    const copy = structuredClone(raw);
    expect(loadGraph(raw).ok).toBe(true);
    expect(raw).toEqual(copy);
  });
});

/** The same document in the pre-release layout of format version 0. */
function toV0(doc: GraphDocument): Record<string, unknown> {
  const { wires, ...rest } = doc;
  return {
    ...rest,
    version: 0,
    nodes: doc.nodes.map(({ position, ...n }) => ({ ...n, x: position[0], y: position[1] })),
    edges: wires.map((w) => ({ source: w.from.node, sourcePort: w.from.port, target: w.to.node, targetPort: w.to.port })),
  };
}

describe('migration from format version 0', () => {
  it('a small v0 document becomes v1: x/y -> position, edges -> wires', () => {
    const v0 = {
      format: GRAPH_FORMAT,
      version: 0,
      name: 'old',
      nodes: [
        { id: 'data', kind: 'data.mnist', params: {}, x: 10, y: 20 },
        { id: 'f1', kind: 'layers.encoder', params: { units: 8 }, x: -5, y: 0.5 },
        { id: 'nopos', kind: 'layers.encoder', params: {} },
      ],
      edges: [{ source: 'data', sourcePort: 'x', target: 'f1', targetPort: 'in' }],
    };
    const r = loadGraph(v0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.migratedFrom).toBe(0);
    expect(r.doc.version).toBe(1);
    expect(r.doc.nodes.map((n) => n.position)).toEqual([[10, 20], [-5, 0.5], [0, 0]]);
    for (const n of r.doc.nodes) {
      expect(n).not.toHaveProperty('x');
      expect(n).not.toHaveProperty('y');
    }
    expect(r.doc).not.toHaveProperty('edges');
    expect(r.doc.wires).toEqual([{ from: { node: 'data', port: 'x' }, to: { node: 'f1', port: 'in' } }]);
  });

  it('a v0 document without edges gets no wires', () => {
    const r = loadGraph({ format: GRAPH_FORMAT, version: 0, nodes: [] });
    expect(r.ok && r.doc.wires).toEqual([]);
  });

  for (const file of exampleFiles) {
    it(`${file} written as v0 loads to the same document and compiles to the same plan`, () => {
      const v1 = mustLoad(readFileSync(join(examplesDir, file), 'utf8'));
      const r = loadGraph(toV0(v1));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.migratedFrom).toBe(0);
      expect(r.doc).toEqual(v1);
      const reg = createRegistry();
      const a = compileGraph(v1, reg);
      const b = compileGraph(r.doc, reg);
      expect(a.ok && b.ok).toBe(true);
      expect(b).toEqual(a);
    });
  }

  it('a broken v0 edge is reported as a schema problem, not a crash', () => {
    const r = loadGraph({ format: GRAPH_FORMAT, version: 0, nodes: [{ id: 'a', kind: 'data.mnist' }], edges: [{ source: 'a' }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code === 'invalid_document')).toBe(true);
    expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(/wires\[0\]/);
  });
});

describe('documents that cannot be loaded', () => {
  it('a future format version gives a future_version diagnostic', () => {
    const r = parseGraphText(JSON.stringify({ format: GRAPH_FORMAT, version: GRAPH_VERSION + 1, nodes: [] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d.code).toBe('future_version');
    expect(d.severity).toBe('error');
    expect(d.message).toContain(String(GRAPH_VERSION + 1));
    expect(d.message).toMatch(/newer/);
    expectReadable(d.message);
  });

  const notJson: [string, string][] = [
    ['truncated object', '{"format": "plasticity-graph", "nodes": ['],
    ['empty file', ''],
    ['only spaces', '   \n  '],
    ['trailing comma', '{"a": 1,}'],
    ['plain words', 'this is a graph'],
  ];
  for (const [what, text] of notJson) {
    it(`invalid JSON (${what}) gives one clear message`, () => {
      const r = parseGraphText(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0].code).toBe('invalid_document');
      expect(r.diagnostics[0].node).toBeUndefined();
      expect(r.diagnostics[0].message).toMatch(/^the file is not valid JSON/);
      expectReadable(r.diagnostics[0].message);
    });
  }

  it('the message for invalid JSON says the line and column of the mistake, as an editor shows them (user review)', () => {
    // A hand-edited graph with a comma left before its closing brace: Node 20 says only "at position 65", which means nothing in an editor.
    const text = '{\n  "format": "plasticity-graph",\n  "version": 1,\n  "nodes": [],\n}\n';
    const r = parseGraphText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0].message).toMatch(/ at position 65 \(line 5 column 1\)/);
    expect(r.diagnostics[0].message.match(/line \d+/g)).toHaveLength(1);
  });

  it('the message for invalid JSON is one line even when the text has line breaks or control bytes', () => {
    // JSON.parse quotes a piece of the input in its error message; that piece must not break the
    // "one line per problem" output of the CLI or put raw control bytes on a terminal.
    for (const text of ['hello\nworld\n', '\u0000\u0001\n\u0002{{', 'x\r\ny']) {
      const r = parseGraphText(text);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.diagnostics[0].message).toMatch(/^the file is not valid JSON/);
      // eslint-disable-next-line no-control-regex
      expect(r.diagnostics[0].message).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('a file that starts with a byte-order mark (as some Windows editors save) reads like one without', () => {
    const text = saveGraph(emptyGraph('bom'));
    const r = parseGraphText(`\uFEFF${text}`);
    expect(r.ok && r.doc.name).toBe('bom');
  });

  const notGraph: [string, unknown, RegExp][] = [
    ['an array', [], /not a graph document \(expected a JSON object\)/],
    ['a number', 42, /not a graph document/],
    ['null', null, /not a graph document/],
    ['a string', 'plasticity-graph', /not a graph document/],
    ['an empty object', {}, /not a graph document.*"format" is missing/],
    ['another format', { format: 'rete-graph', version: 1, nodes: [] }, /not a graph document.*"rete-graph".*expected "plasticity-graph"/],
    ['no version', { format: GRAPH_FORMAT, nodes: [] }, /no valid "version"/],
    ['a text version', { format: GRAPH_FORMAT, version: '1', nodes: [] }, /no valid "version"/],
    ['a fractional version', { format: GRAPH_FORMAT, version: 0.5, nodes: [] }, /no valid "version"/],
    ['a negative version', { format: GRAPH_FORMAT, version: -1, nodes: [] }, /no valid "version"/],
  ];
  for (const [what, value, re] of notGraph) {
    it(`JSON that is not a graph (${what}) says so`, () => {
      const r = parseGraphText(JSON.stringify(value));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0].code).toBe('invalid_document');
      expect(r.diagnostics[0].message).toMatch(re);
      expectReadable(r.diagnostics[0].message);
    });
  }
});

describe('schema violations name the node', () => {
  const base = (nodes: unknown[], extra: Record<string, unknown> = {}): unknown => ({ format: GRAPH_FORMAT, version: 1, nodes, ...extra });

  const cases: [string, unknown, { node?: string; path: RegExp }][] = [
    ['a bad position', base([{ id: 'ok', kind: 'data.mnist' }, { id: 'enc', kind: 'layers.encoder', position: [1] }]), { node: 'enc', path: /^nodes\[1\]\.position/ }],
    ['an empty kind', base([{ id: 'g', kind: '' }]), { node: 'g', path: /^nodes\[0\]\.kind/ }],
    ['params that are a list', base([{ id: 'p', kind: 'layers.encoder', params: [1, 2] }]), { node: 'p', path: /^nodes\[0\]\.params/ }],
    ['a param that is not JSON-like', base([{ id: 'q', kind: 'layers.encoder', params: { units: { deep: [1, { x: undefined }] } } }]), { node: 'q', path: /^nodes\[0\]\.params/ }],
    ['a version 0 kind', base([{ id: 'v', kind: 'layers.encoder', version: 0 }]), { node: 'v', path: /^nodes\[0\]\.version/ }],
    ['a text label', base([{ id: 'l', kind: 'layers.encoder', label: 5 }]), { node: 'l', path: /^nodes\[0\]\.label/ }],
    ['a missing id', base([{ kind: 'layers.encoder' }]), { path: /^nodes\[0\]\.id/ }],
    ['an empty id', base([{ id: '', kind: 'layers.encoder' }]), { node: '', path: /^nodes\[0\]\.id/ }],
    ['a wire without a port', base([{ id: 'a', kind: 'data.mnist' }], { wires: [{ from: { node: 'a' }, to: { node: 'a', port: 'x' } }] }), { path: /^wires\[0\]\.from\.port/ }],
    ['nodes that are not a list', base([], { nodes: 'many' }), { path: /^nodes/ }],
    ['a fractional seed', base([], { seed: 1.5 }), { path: /^seed/ }],
    ['a Quick run limit of 0', base([], { quick: { epochs: 0 } }), { path: /^quick\.epochs/ }],
    ['an unknown Quick run setting', base([], { quick: { epoch: 2 } }), { path: /^quick/ }],
    ['a Quick run parameter change not keyed node.param', base([], { quick: { set: { warmupBatches: 10 } } }), { path: /^quick\.set/ }],
    ['a published figure that is not a number', base([], { references: { test_error: { value: '2.4%', source: 'paper' } } }), { path: /^references\.test_error\.value/ }],
    ['a published figure without its source', base([], { references: { test_error: { value: 0.024 } } }), { path: /^references\.test_error\.source/ }],
  ];
  for (const [what, value, want] of cases) {
    it(`${what}`, () => {
      const r = loadGraph(value);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const d = r.diagnostics[0];
      expect(d.code).toBe('invalid_document');
      expect(d.severity).toBe('error');
      expect(d.message).toMatch(want.path);
      if (want.node !== undefined && want.node !== '') expect(d.node).toBe(want.node);
      else expect(d.node ?? '').toBe('');
      expectReadable(d.message);
      // The CLI line names the node when there is one.
      if (want.node) expect(formatDiagnostic(d).startsWith(`${want.node}: nodes[`)).toBe(true);
    });
  }

  it('in plain words, not the schema library\'s; a misspelled field is a problem with the nearest field named', () => {
    const said = (value: unknown): string[] => {
      const r = loadGraph(value);
      return r.ok ? [] : r.diagnostics.map((d) => d.message);
    };
    expect(said(base([{ id: 'a', params: {} }]))).toEqual(['nodes[0].kind: is missing (it should be text)']);
    expect(said(base([], { wires: {} }))).toEqual(['wires: should be a list, not an object']);
    expect(said(base([{ id: 'a', kind: 'x', position: [1] }]))).toEqual(['nodes[0].position: should have at least 2 entries']);
    expect(said(base([], { quick: { epochs: 0 } }))).toEqual(['quick.epochs: should be at least 1']);
    expect(said(base([], { quick: { set: { warmupBatches: 10 } } }))).toEqual(['quick.set.warmupBatches: is not a "node.param" key (a node id, a dot and one of its parameters)']);
    // Before, these were dropped without a word: a typo of "seed" ran seed 1, one of "params" the node's defaults.
    expect(said(base([], { seedd: 2 }))).toEqual(['document: has no field "seedd"; did you mean seed?']);
    expect(said(base([{ id: 'a', kind: 'x', parmas: { units: 5 } }]))).toEqual(['nodes[0]: has no field "parmas"; did you mean params?']);
    expect(said(base([], { quick: { epoch: 2 } }))).toEqual(['quick: has no field "epoch"; did you mean epochs?']);
    expect(said(base([], { wires: [{ from: { node: 'a', port: 'x' }, to: { node: 'b', prot: 'y' } }] }))).toEqual(['wires[0].to.port: is missing (it should be text)', 'wires[0].to: has no field "prot"; did you mean port?']);
    for (const m of [...said(base([{ id: 'a', params: {} }])), ...said(base([], { seedd: 2 }))]) expect(m).not.toMatch(/Invalid|expected string|received/);
  });

  it('reports at most 20 problems for a very broken file', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => ({ id: `n${i}`, kind: '' }));
    const r = loadGraph(base(nodes));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toHaveLength(20);
    expect(r.diagnostics[19].node).toBe('n19');
  });
});

describe('parseDecimal: what a number field takes', () => {
  it('decimal numbers only: hex, binary, Infinity, commas and empty text are not numbers', () => {
    for (const [text, n] of [['12', 12], [' -0.5 ', -0.5], ['.5', 0.5], ['5.', 5], ['+3', 3], ['1e-3', 0.001], ['2E3', 2000]] as const) expect(parseDecimal(text), text).toBe(n);
    for (const text of ['0x10', '0b1', '0o7', 'Infinity', '', '  ', '1,5', '1.2.3', 'e5', '-']) expect(parseDecimal(text), text).toBeNaN();
    // Too large for a float is still a decimal number (the field then says it is too large).
    expect(parseDecimal('1e309')).toBe(Number.POSITIVE_INFINITY);
  });
});
