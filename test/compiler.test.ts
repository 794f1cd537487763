// The compiler: one test per diagnostic code with a tiny graph; the plan of a valid graph (JSON,
// execution order, scopes, signatures); and canConnect agreeing with the compiler on every pair
// of port types.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileGraph, type CompileOutput } from '../nodes/core/compiler.ts';
import type { Diagnostic, DiagnosticCode } from '../nodes/core/diagnostics.ts';
import { formatDiagnostic } from '../nodes/core/diagnostics.ts';
import { GRAPH_FORMAT, type GraphDocument, type GraphNode } from '../nodes/core/document.ts';
import type { JsonObject } from '../nodes/core/json.ts';
import { flattenSteps, type Plan, type PlanStep } from '../nodes/core/plan.ts';
import { canConnect, type PortType } from '../nodes/core/ports.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import seedrandom from 'seedrandom';

const registry = createRegistry();

type NodeSpec = { id: string; kind: string; params?: JsonObject; parent?: string; version?: number; label?: string; position?: [number, number] };

/** "node.port" -> endpoint; the port is what follows the last dot. */
const end = (ref: string): { node: string; port: string } => {
  const i = ref.lastIndexOf('.');
  return { node: ref.slice(0, i), port: ref.slice(i + 1) };
};

function graph(nodes: NodeSpec[], wires: [string, string][], seed = 1): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: 1,
    name: 'test',
    seed,
    nodes: nodes.map((n): GraphNode => ({ params: {}, position: [0, 0], ...n })),
    wires: wires.map(([a, b]) => ({ from: end(a), to: end(b) })),
  };
}

const compile = (doc: GraphDocument): CompileOutput => compileGraph(doc, registry);

/** A sentence a user can read: several words, no code dumps, one line. */
function expectSentence(message: string): void {
  expect(message.length).toBeGreaterThan(15);
  expect(message.split(' ').length).toBeGreaterThanOrEqual(4);
  expect(message).not.toMatch(/\[object |undefined|NaN|\bnull\b/);
  expect(message).not.toContain('\n');
}

/** Exactly one diagnostic with this code; checks node, port, severity and readability. */
function expectDiag(r: CompileOutput, want: { code: DiagnosticCode; node?: string; port?: string; severity?: 'error' | 'warning'; message?: RegExp }): Diagnostic {
  const ds = r.diagnostics.filter((d) => d.code === want.code);
  expect(ds, `diagnostics: ${r.diagnostics.map(formatDiagnostic).join(' | ')}`).toHaveLength(1);
  const d = ds[0];
  expect(d.severity).toBe(want.severity ?? 'error');
  expect(d.node).toBe(want.node);
  expect(d.port).toBe(want.port);
  if (want.message) expect(d.message).toMatch(want.message);
  expectSentence(d.message);
  if ((want.severity ?? 'error') === 'error') expect(r.ok).toBe(false);
  return d;
}

// data -> f1 -> f2 with decoders g1, g2 and the model: the smallest trainable stack.
const stackNodes = (): NodeSpec[] => [
  { id: 'data', kind: 'data.mnist', params: { validCount: 100 } },
  { id: 'f1', kind: 'layers.encoder', params: { units: 8 } },
  { id: 'f2', kind: 'layers.encoder', params: { units: 4, activation: 'sigmoid' } },
  { id: 'g1', kind: 'layers.decoder', params: { activation: 'sigmoid' } },
  { id: 'g2', kind: 'layers.decoder', params: { activation: 'softplus' } },
  { id: 'model', kind: 'model.hierarchy' },
];
const stackWires = (): [string, string][] => [
  ['data.x', 'f1.in'],
  ['f1.out', 'f2.in'],
  ['f1.out', 'g1.from'],
  ['data.x', 'g1.to'],
  ['f2.out', 'g2.from'],
  ['f1.out', 'g2.to'],
  ['f2.out', 'model.top'],
  ['g1.decoder', 'model.decoders'],
  ['g2.decoder', 'model.decoders'],
];

/** A complete small pipeline: train (with a body), prior, samplers, evaluators, outputs. */
function pipeline(seed = 1): GraphDocument {
  return graph(
    [
      ...stackNodes(),
      { id: 'train', kind: 'train.local', params: { epochs: 1, batchSize: 10 } },
      { id: 'infer', kind: 'infer.iterative', parent: 'train', params: { steps: 3 } },
      { id: 'noise_x', kind: 'corrupt.gaussian', parent: 'train', params: { sigma: 0.3 } },
      { id: 'spike', kind: 'corrupt.spike', parent: 'train' },
      { id: 'prior', kind: 'prior.gaussian' },
      { id: 'directed', kind: 'sample.directed', params: { count: 10 } },
      { id: 'parzen', kind: 'eval.parzen' },
      { id: 'm_ll', kind: 'output.metric', params: { name: 'parzen_ll' } },
      { id: 'recon', kind: 'eval.reconstruction' },
      { id: 'm_recon', kind: 'output.metric', params: { name: 'recon_mse' } },
      { id: 'img', kind: 'output.image_grid', params: { name: 'samples' } },
    ],
    [
      ...stackWires(),
      ['model.model', 'train.model'],
      ['data.train', 'train.data'],
      ['infer.inference', 'train.inference'],
      ['data.x', 'noise_x.layer'],
      ['f2.out', 'spike.layer'],
      ['noise_x.corruption', 'train.corruption'],
      ['spike.corruption', 'train.corruption'],
      ['train.model', 'prior.model'],
      ['data.train', 'prior.data'],
      ['train.model', 'directed.model'],
      ['prior.prior', 'directed.prior'],
      ['directed.samples', 'parzen.samples'],
      ['data.valid', 'parzen.valid'],
      ['data.test', 'parzen.test'],
      ['parzen.ll', 'm_ll.value'],
      ['train.model', 'recon.model'],
      ['data.test', 'recon.data'],
      ['recon.mse', 'm_recon.value'],
      ['directed.samples', 'img.samples'],
    ],
    seed,
  );
}

function planOf(doc: GraphDocument): Plan {
  const r = compile(doc);
  if (!r.ok) throw new Error(`expected a plan, got ${r.diagnostics.map(formatDiagnostic).join(' | ')}`);
  return r.plan;
}

describe('one diagnostic per mistake', () => {
  it('unknown_kind, with a suggestion when the name is close', () => {
    const r = compile(graph([{ id: 'enc', kind: 'encoder' }], []));
    expectDiag(r, { code: 'unknown_kind', node: 'enc', message: /unknown node kind "encoder"; did you mean "layers\.encoder"\?/ });
    const r2 = compile(graph([{ id: 'zz', kind: 'totally.made_up' }], []));
    const d = expectDiag(r2, { code: 'unknown_kind', node: 'zz', message: /unknown node kind "totally\.made_up"/ });
    expect(d.message).not.toMatch(/did you mean/);
  });

  it('required_input_missing names the port and its type', () => {
    const r = compile(graph([{ id: 'f1', kind: 'layers.encoder' }], []));
    expectDiag(r, { code: 'required_input_missing', node: 'f1', port: 'in', message: /input in \(layer\) must be wired/ });
  });

  it('required_input_missing for an input that takes several wires', () => {
    const nodes = stackNodes();
    const wires = stackWires().filter(([, to]) => to !== 'model.decoders');
    const r = compile(graph(nodes, wires));
    expectDiag(r, { code: 'required_input_missing', node: 'model', port: 'decoders' });
  });

  it('incompatible_wire: a dataset into a layer input', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder' }], [['data.train', 'f1.in']]));
    const d = expectDiag(r, { code: 'incompatible_wire', node: 'f1', port: 'in' });
    expect(d.message).toBe(`cannot take data.train: ${(canConnect('dataset', 'layer') as { reason: string }).reason}`);
    // One problem for one mistake: the input is not reported again as missing, and f1 is not compiled.
    expect(r.diagnostics.some((x) => x.code === 'required_input_missing' && x.node === 'f1')).toBe(false);
    expect(r.ok).toBe(false);
  });

  it('incompatible_shape: a decoder from h2 to x', () => {
    const nodes = stackNodes().filter((n) => n.id !== 'model');
    const wires = stackWires().filter(([a, b]) => !b.startsWith('model.') && !a.startsWith('model.')).map(([a, b]): [string, string] => (a === 'f1.out' && b === 'g2.to' ? ['data.x', 'g2.to'] : [a, b]));
    const r = compile(graph(nodes, wires));
    expectDiag(r, { code: 'incompatible_shape', node: 'g2', port: 'to', message: /h2 \(4 units\) is not directly above x \(h0\) \(784 units\); wire f1\.out, the layer h1, to it$/ });
  });

  it('incompatible_shape: a decoder wired from and to the same layer (a natural slip) names the wire that fits', () => {
    const r = compile(
      graph(
        [{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { units: 8 } }, { id: 'g1', kind: 'layers.decoder' }],
        [['data.x', 'f1.in'], ['f1.out', 'g1.from'], ['f1.out', 'g1.to']],
      ),
    );
    expectDiag(r, { code: 'incompatible_shape', node: 'g1', port: 'to', message: /^a decoder must map a layer to the layer directly below it in the same stack; h1 \(8 units\) is not directly above h1 \(8 units\); wire data\.x, the layer x \(h0\), to it$/ });
  });

  it('incompatible_shape: a decoder wired upside down (from x to h1)', () => {
    const r = compile(
      graph(
        [{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { units: 8 } }, { id: 'g1', kind: 'layers.decoder' }],
        [['data.x', 'f1.in'], ['data.x', 'g1.from'], ['f1.out', 'g1.to']],
      ),
    );
    expectDiag(r, { code: 'incompatible_shape', node: 'g1', port: 'to', message: /; from is x, which has no layer below it: wire from to a layer above x$/ });
  });

  it('incompatible_shape: a decoder of another stack', () => {
    // Two encoders on x (f1, f1b); the decoder of f1b's layer cannot serve a model whose top is f1.
    const r = compile(
      graph(
        [
          { id: 'data', kind: 'data.mnist' },
          { id: 'f1', kind: 'layers.encoder', params: { units: 8 } },
          { id: 'f1b', kind: 'layers.encoder', params: { units: 8 } },
          { id: 'g1b', kind: 'layers.decoder' },
          { id: 'model', kind: 'model.hierarchy' },
        ],
        [['data.x', 'f1.in'], ['data.x', 'f1b.in'], ['f1b.out', 'g1b.from'], ['data.x', 'g1b.to'], ['f1.out', 'model.top'], ['g1b.decoder', 'model.decoders']],
      ),
    );
    const ds = r.diagnostics.filter((d) => d.code === 'incompatible_shape');
    expect(ds.map((d) => [d.node, d.port])).toContainEqual(['model', 'decoders']);
    expect(ds[0].message).toMatch(/decoder g1b belongs to another stack/);
  });

  it('cycle: two encoders feeding each other, each reported with the cycle', () => {
    const r = compile(graph([{ id: 'a', kind: 'layers.encoder' }, { id: 'b', kind: 'layers.encoder' }], [['a.out', 'b.in'], ['b.out', 'a.in']]));
    const ds = r.diagnostics.filter((d) => d.code === 'cycle');
    expect(ds.map((d) => d.node).sort()).toEqual(['a', 'b']);
    for (const d of ds) {
      expect(d.port).toBeUndefined();
      expect(d.message).toMatch(/is on a cycle of wires \(a -> b -> a\); iteration belongs in a loop scope/);
      expectSentence(d.message);
    }
    expect(r.ok).toBe(false);
    // Both inputs are wired: the only problem is the cycle.
    expect(r.diagnostics.every((d) => d.code === 'cycle')).toBe(true);
  });

  it('cycle: only the nodes on it are reported, with a path of real wires; those downstream of it are not', () => {
    // a <-> b -> c -> d: c and d are downstream of the cycle, not on it.
    const r = compile(
      graph(
        [
          { id: 'c', kind: 'layers.encoder' },
          { id: 'a', kind: 'layers.encoder' },
          { id: 'd', kind: 'layers.encoder' },
          { id: 'b', kind: 'layers.encoder' },
        ],
        [['a.out', 'b.in'], ['b.out', 'a.in'], ['b.out', 'c.in'], ['c.out', 'd.in']],
      ),
    );
    const ds = r.diagnostics.filter((d) => d.code === 'cycle');
    expect(ds.map((d) => d.node).sort()).toEqual(['a', 'b']);
    expect(ds[0].message).toContain('(a -> b -> a)');
    // A wire from a node to itself is a cycle of one.
    const self = compile(graph([{ id: 'e', kind: 'layers.encoder' }, { id: 'f', kind: 'layers.encoder' }], [['e.out', 'e.in'], ['e.out', 'f.in']]));
    const sd = self.diagnostics.filter((d) => d.code === 'cycle');
    expect(sd.map((d) => [d.node, d.message.match(/\((.*?)\)/)![1]])).toEqual([['e', 'e -> e']]);
  });

  it('a wire that is refused (unknown source kind, wrong type) is reported once, not again as a missing wire', () => {
    const r = compile(graph([{ id: 'x', kind: 'layers.nonesuch' }, { id: 'f', kind: 'layers.encoder' }], [['x.out', 'f.in']]));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown_kind']);
    const r2 = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f', kind: 'layers.encoder' }], [['data.test', 'f.in']]));
    expect(r2.diagnostics.map((d) => [d.code, d.node, d.port])).toEqual([['incompatible_wire', 'f', 'in']]);
  });

  it('cycle: a node inside a loop scope that uses the scope\'s output gets a hint', () => {
    const doc = pipeline();
    doc.nodes.find((n) => n.id === 'prior')!.parent = 'train';
    const r = compile(doc);
    const ds = r.diagnostics.filter((d) => d.code === 'cycle');
    expect(ds.map((d) => d.node)).toContain('prior');
    expect(ds.map((d) => d.node)).toContain('train');
    expect(ds[0].message).toMatch(/a node inside a loop scope cannot use the output of that scope/);
  });

  it('bad_param: a wrong type, a choice not in the list', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { units: 'many' } }], [['data.x', 'f1.in']]));
    expectDiag(r, { code: 'bad_param', node: 'f1', port: 'units', message: /^parameter units must be a whole number, got "many"$/ });
    const r2 = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { activation: 'swish' } }], [['data.x', 'f1.in']]));
    expectDiag(r2, { code: 'bad_param', node: 'f1', port: 'activation', message: /must be one of softplus, sigmoid, tanh, relu, linear, got "swish"/ });
    const r3 = compile(graph([{ id: 'p', kind: 'eval.parzen', params: { sigmas: [0.1, 'x'] } }], []));
    expect(r3.diagnostics.find((d) => d.code === 'bad_param')).toMatchObject({ node: 'p', port: 'sigmas' });
    const r4 = compile(graph([{ id: 'i', kind: 'infer.iterative', params: { steps: 2.5 } }], []));
    expectDiag(r4, { code: 'bad_param', node: 'i', port: 'steps', message: /whole number, got 2\.5/ });
    // A number too large for a float given as a number (the CLI's --set reads 1e309 as Infinity): out of range.
    const r6 = compile(graph([{ id: 'i', kind: 'infer.iterative', params: { steps: Number.POSITIVE_INFINITY } }], []));
    expectDiag(r6, { code: 'param_out_of_range', node: 'i', port: 'steps', message: /^parameter steps (must be at most \d+|is too large a number), got Infinity$/ });
    // A decimal comma (as the inspector keeps "0,5" typed in a number field): the number meant is named.
    const r5 = compile(graph([{ id: 'm', kind: 'corrupt.mask', params: { fraction: '0,5' } }], []));
    expectDiag(r5, { code: 'bad_param', node: 'm', port: 'fraction', message: /^parameter fraction must be a number written with a decimal point \(0\.5\), got "0,5"$/ });
  });

  it('param_out_of_range: below the minimum and above the maximum', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { units: 0 } }], [['data.x', 'f1.in']]));
    expectDiag(r, { code: 'param_out_of_range', node: 'f1', port: 'units', message: /^parameter units must be at least 1, got 0$/ });
    const r2 = compile(graph([{ id: 'm', kind: 'corrupt.mask', params: { fraction: 1.5 } }], []));
    expectDiag(r2, { code: 'param_out_of_range', node: 'm', port: 'fraction', message: /must be at most 1, got 1\.5/ });
    const r3 = compile(graph([{ id: 'p', kind: 'eval.parzen', params: { sigmas: [0.1, -1] } }], []));
    expectDiag(r3, { code: 'param_out_of_range', node: 'p', port: 'sigmas', message: /^parameter sigmas must have every entry at least 0\.\d+, got -1$/ });
    // Typed too large for a float (the inspector keeps "1e309" as text): out of range, not "not a number".
    const r4 = compile(graph([{ id: 'm', kind: 'corrupt.mask', params: { fraction: '1e309' } }], []));
    expectDiag(r4, { code: 'param_out_of_range', node: 'm', port: 'fraction', message: /^parameter fraction must be at most 1, got 1e309$/ });
  });

  it('unknown_param is an error (a typo would run with the default value): the nearest parameter suggested, else the list', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { unitz: 5 } }], [['data.x', 'f1.in']]));
    expectDiag(r, { code: 'unknown_param', node: 'f1', port: 'unitz', severity: 'error', message: /^"Encoder f" has no parameter unitz; did you mean units\?$/ });
    expect(r.ok).toBe(false);
    const far = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { momentum: 0.9 } }], [['data.x', 'f1.in']]));
    expectDiag(far, { code: 'unknown_param', node: 'f1', port: 'momentum', severity: 'error', message: /^"Encoder f" has no parameter momentum; its parameters are units, / });
  });

  it('unknown_param also for names that exist on every JavaScript object', () => {
    // "constructor", "toString" are not params of any kind; `name in kind.params` sees them on Object.prototype.
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder', params: { constructor: 5, toString: 1 } }], [['data.x', 'f1.in']]));
    const warned = r.diagnostics.filter((d) => d.code === 'unknown_param').map((d) => d.port).sort();
    expect(warned).toEqual(['constructor', 'toString']);
  });

  it('duplicate_id', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'data', kind: 'data.mnist' }], []));
    expectDiag(r, { code: 'duplicate_id', node: 'data', message: /another node already has the id "data"/ });
  });

  it('dangling_wire: from a node that does not exist', () => {
    const r = compile(graph([{ id: 'f1', kind: 'layers.encoder' }], [['ghost.out', 'f1.in']]));
    expectDiag(r, { code: 'dangling_wire', node: 'f1', port: 'in', message: /wire 1 \(ghost\.out -> f1\.in\) refers to node "ghost", which does not exist/ });
  });

  it('dangling_wire: to a node that does not exist', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }], [['data.x', 'ghost.in']]));
    expectDiag(r, { code: 'dangling_wire', node: 'data', message: /refers to node "ghost"/ });
  });

  it('future_version: a node saved by a newer version of its kind', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist', version: 99 }], []));
    expectDiag(r, { code: 'future_version', node: 'data', message: /newer version of "MNIST" \(v99; this program has v1\)/ });
  });

  it('unknown_port: an output and an input that the kinds do not have', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder' }], [['data.images', 'f1.in']]));
    expectDiag(r, { code: 'unknown_port', node: 'data', port: 'images', message: /"MNIST" has no output "images" \(it has train, valid, test, x\)/ });
    const r2 = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder' }], [['data.x', 'f1.input'], ['data.x', 'f1.in']]));
    expectDiag(r2, { code: 'unknown_port', node: 'f1', port: 'input', message: /"Encoder f" has no input "input" \(it has in\)/ });
    // Names every object has are not ports.
    const r3 = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder' }], [['data.constructor', 'f1.in']]));
    expectDiag(r3, { code: 'unknown_port', node: 'data', port: 'constructor', message: /"MNIST" has no output "constructor"/ });
    const r4 = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder' }], [['data.x', 'f1.hasOwnProperty']]));
    expectDiag(r4, { code: 'unknown_port', node: 'f1', port: 'hasOwnProperty', message: /"Encoder f" has no input "hasOwnProperty"/ });
  });

  it('too_many_wires: two wires into a single input', () => {
    const r = compile(
      graph(
        [{ id: 'data', kind: 'data.mnist' }, { id: 'f0', kind: 'layers.encoder' }, { id: 'f1', kind: 'layers.encoder' }],
        [['data.x', 'f0.in'], ['data.x', 'f1.in'], ['f0.out', 'f1.in']],
      ),
    );
    expectDiag(r, { code: 'too_many_wires', node: 'f1', port: 'in', message: /input in takes one wire but has several/ });
  });

  it('bad_scope: a parent that does not exist, that is not a loop scope, or is the node itself', () => {
    const r = compile(graph([{ id: 'i', kind: 'infer.iterative', parent: 'nowhere' }], []));
    expectDiag(r, { code: 'bad_scope', node: 'i', message: /is placed inside "nowhere", which does not exist/ });
    const r2 = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'i', kind: 'infer.iterative', parent: 'data' }], []));
    expectDiag(r2, { code: 'bad_scope', node: 'i', message: /is placed inside "data", a MNIST, which is not a loop scope/ });
    const doc = pipeline();
    doc.nodes.find((n) => n.id === 'train')!.parent = 'train';
    const r3 = compile(doc);
    expect(r3.diagnostics.find((d) => d.code === 'bad_scope')).toMatchObject({ node: 'train', message: 'cannot be placed inside itself' });
    // ... and no cycle of wires on top of it.
    expect(r3.diagnostics.filter((d) => d.node === 'train' && d.code !== 'bad_scope' && /cycle/.test(d.message))).toEqual([]);
    // Two loop scopes inside each other: a ring of scopes, said as such (it read as a cycle of wires).
    const ring = compile(graph([{ id: 'a', kind: 'ebm.eqprop_train', parent: 'b' }, { id: 'b', kind: 'ebm.eqprop_train', parent: 'a' }], []));
    expect(ring.diagnostics.filter((d) => d.code === 'bad_scope').map((d) => `${d.node}: ${d.message}`)).toEqual([
      'a: is inside a ring of loop scopes (a inside b inside a): one of them must be outside the others',
      'b: is inside a ring of loop scopes (b inside a inside b): one of them must be outside the others',
    ]);
    expect(ring.diagnostics.filter((d) => /cycle of wires/.test(d.message))).toEqual([]);
  });

  it('the model without a decoder for h2', () => {
    const nodes = stackNodes().filter((n) => n.id !== 'g2');
    const wires = stackWires().filter(([a, b]) => !a.startsWith('g2.') && !b.startsWith('g2.'));
    const r = compile(graph(nodes, wires));
    expectDiag(r, { code: 'incompatible_shape', node: 'model', port: 'decoders', message: /missing decoder g2 \(h2 -> h1\): every layer needs one/ });
  });

  it('the model with two decoders for the same layer', () => {
    const nodes = [...stackNodes(), { id: 'g1b', kind: 'layers.decoder' }];
    const wires: [string, string][] = [...stackWires(), ['f1.out', 'g1b.from'], ['data.x', 'g1b.to'], ['g1b.decoder', 'model.decoders']];
    const r = compile(graph(nodes, wires));
    expectDiag(r, { code: 'incompatible_shape', node: 'model', port: 'decoders', message: /layer h1 has two decoders \(g1 and g1b\); keep one/ });
  });

  it('two corruptions of one layer in a trainer', () => {
    const doc = pipeline();
    doc.nodes.push({ id: 'noise_x2', kind: 'corrupt.gaussian', params: {}, position: [0, 0], parent: 'train' });
    doc.wires.push({ from: { node: 'data', port: 'x' }, to: { node: 'noise_x2', port: 'layer' } }, { from: { node: 'noise_x2', port: 'corruption' }, to: { node: 'train', port: 'corruption' } });
    expectDiag(compile(doc), { code: 'incompatible_shape', node: 'train', port: 'corruption', message: /layer x has two corruptions \(noise_x and noise_x2\)/ });
  });

  it('a corruption of a layer that is not in the trained model (the trainer finds the layer by its index alone)', () => {
    // Noise on a side encoder f9 (h1 of another chain) would have been added to the model's own h1.
    const doc = pipeline();
    doc.nodes.push({ id: 'f9', kind: 'layers.encoder', params: { units: 3 }, position: [0, 0] }, { id: 'noise_h', kind: 'corrupt.gaussian', params: {}, position: [0, 0], parent: 'train' });
    doc.wires.push(
      { from: { node: 'data', port: 'x' }, to: { node: 'f9', port: 'in' } },
      { from: { node: 'f9', port: 'out' }, to: { node: 'noise_h', port: 'layer' } },
      { from: { node: 'noise_h', port: 'corruption' }, to: { node: 'train', port: 'corruption' } },
    );
    expectDiag(compile(doc), { code: 'incompatible_shape', node: 'train', port: 'corruption', message: /^noise_h corrupts a layer that is not in the model trained here \(h1 of another stack\); wire it to x or a layer of the model$/ });
    // x of another data node is another stack's x too.
    const other = pipeline();
    other.nodes.push({ id: 'data2', kind: 'data.mnist', params: { validCount: 100 }, position: [0, 0] });
    other.wires = other.wires.filter((w) => !(w.to.node === 'noise_x' && w.to.port === 'layer'));
    other.wires.push({ from: { node: 'data2', port: 'x' }, to: { node: 'noise_x', port: 'layer' } });
    expectDiag(compile(other), { code: 'incompatible_shape', node: 'train', port: 'corruption', message: /^noise_x corrupts a layer that is not in the model trained here \(the x of another stack\)/ });
    // The model's own x, h1 and h2 (the pipeline's noise_x and spike, plus noise on f1's h1) are fine.
    const own = pipeline();
    own.nodes.push({ id: 'noise_h1', kind: 'corrupt.gaussian', params: {}, position: [0, 0], parent: 'train' });
    own.wires.push({ from: { node: 'f1', port: 'out' }, to: { node: 'noise_h1', port: 'layer' } }, { from: { node: 'noise_h1', port: 'corruption' }, to: { node: 'train', port: 'corruption' } });
    expect(compile(own).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('in-painting with Gaussian noise wired as its mask (it failed only after training)', () => {
    const doc = pipeline();
    doc.nodes.push({ id: 'inpaint', kind: 'eval.inpaint', params: {}, position: [0, 0] });
    doc.wires.push(
      { from: { node: 'train', port: 'model' }, to: { node: 'inpaint', port: 'model' } },
      { from: { node: 'infer', port: 'inference' }, to: { node: 'inpaint', port: 'inference' } },
      { from: { node: 'data', port: 'test' }, to: { node: 'inpaint', port: 'data' } },
      { from: { node: 'noise_x', port: 'corruption' }, to: { node: 'inpaint', port: 'mask' } },
    );
    expectDiag(compile(doc), { code: 'incompatible_shape', node: 'inpaint', port: 'mask', message: /^the mask must come from a Pixel mask node; noise_x is not one$/ });
  });

  it('spike corruption of a layer whose values can leave [0, 1] is a warning; of a sigmoid layer or x, none', () => {
    const doc = pipeline();
    doc.wires = doc.wires.map((w) => (w.to.node === 'spike' ? { ...w, from: { node: 'f1', port: 'out' } } : w));
    expectDiag(compile(doc), { code: 'invalid_graph', node: 'spike', port: 'layer', severity: 'warning', message: /^h1 is a softplus layer, whose values can lie outside \[0, 1\]: the spikes are drawn with each value clipped/ });
    expect(compile(pipeline()).diagnostics.filter((d) => d.node === 'spike')).toEqual([]);
  });

  it('an evaluator whose outputs are wired to nothing (and that records nothing itself) is a warning: its result would be lost', () => {
    const doc = pipeline();
    doc.wires = doc.wires.filter((w) => w.from.node !== 'recon');
    doc.nodes = doc.nodes.filter((n) => n.id !== 'm_recon');
    const r = compile(doc);
    expect(r.ok).toBe(true);
    expectDiag(r, { code: 'invalid_graph', node: 'recon', severity: 'warning', message: /^nothing is wired to its outputs, so a run computes its results and records nothing; wire mse to a Metric node, image to a Picture node$/ });
    // One output wired is enough; a node that records its own metric (Classification error) needs no wire; nor does a node with no such output.
    expect(compile(pipeline()).diagnostics).toEqual([]);
    const ebm = graph(
      [
        { id: 'data', kind: 'data.mnist', params: { validCount: 0 } },
        { id: 'net', kind: 'ebm.network', params: { hidden: [8] } },
        { id: 'dyn', kind: 'ebm.langevin' },
        { id: 'unused', kind: 'ebm.langevin' },
        { id: 'eval', kind: 'ebm.evaluate' },
      ],
      [['data.train', 'net.data'], ['net.network', 'eval.network'], ['data.test', 'eval.data'], ['dyn.dynamics', 'eval.dynamics']],
    );
    expect(compile(ebm).diagnostics).toEqual([]);
  });

  it('a trainer fed the test digits is a warning, for both trainers: the evaluators would measure digits it trained on', () => {
    const b15 = pipeline();
    b15.wires = b15.wires.map((w) => (w.to.node === 'train' && w.to.port === 'data' ? { ...w, from: { node: 'data', port: 'test' } } : w));
    const r = compile(b15);
    expect(r.ok).toBe(true);
    expectDiag(r, { code: 'invalid_graph', node: 'train', port: 'data', severity: 'warning', message: /^trains on data\.test, the test digits, so an error measured on them afterwards is no longer a test error; wire data\.train here \(and data\.test to the evaluators\)$/ });
    const ebm = (split: string) =>
      graph(
        [
          { id: 'mnist', kind: 'data.mnist' },
          { id: 'net', kind: 'ebm.network', params: { hidden: [8] } },
          { id: 'free', kind: 'ebm.langevin' },
          { id: 'nudge', kind: 'ebm.nudge' },
          { id: 'rule', kind: 'ebm.eqprop_rule' },
          { id: 'train', kind: 'ebm.eqprop_train' },
        ],
        [['mnist.train', 'net.data'], ['net.network', 'train.network'], [`mnist.${split}`, 'train.data'], ['free.dynamics', 'train.free'], ['free.dynamics', 'nudge.dynamics'], ['nudge.dynamics', 'train.nudged'], ['rule.rule', 'train.rule']],
      );
    expectDiag(compile(ebm('test')), { code: 'invalid_graph', node: 'train', port: 'data', severity: 'warning', message: /^trains on mnist\.test, the test digits.*wire mnist\.train here/ });
    expect(compile(ebm('train')).diagnostics).toEqual([]);
    expect(compile(ebm('valid')).diagnostics).toEqual([]);
  });

  it('in-painting with a mask that hides no pixel (its MSE over the missing pixels was NaN, after training)', () => {
    const nodes: NodeSpec[] = [...stackNodes(), { id: 'infer', kind: 'infer.iterative' }, { id: 'mask', kind: 'corrupt.mask', params: { fraction: 0.0005 } }, { id: 'inpaint', kind: 'eval.inpaint' }];
    const wires: [string, string][] = [...stackWires(), ['data.x', 'mask.layer'], ['model.model', 'inpaint.model'], ['infer.inference', 'inpaint.inference'], ['data.test', 'inpaint.data'], ['mask.corruption', 'inpaint.mask']];
    expectDiag(compile(graph(nodes, wires)), { code: 'incompatible_shape', node: 'inpaint', port: 'mask', message: /^the mask mask hides no pixel \(its fraction is too small\): nothing to in-paint$/ });
    // 0.001 × 784 rounds to 1 pixel: fine
    nodes.find((n) => n.id === 'mask')!.params = { fraction: 0.001 };
    expect(compile(graph(nodes, wires)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('comparing the STDP rules over one rate sequence (Pearson r of one pair was NaN, reported as diverged numbers)', () => {
    const doc = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'stdp-rate-vs-spike.json'), 'utf8')) as GraphDocument;
    const rates = doc.nodes.find((n) => n.kind === 'stdp.rate_sequences')!;
    const compare = doc.nodes.find((n) => n.kind === 'stdp.compare_rules')!;
    rates.params = { ...rates.params, sequences: 1 };
    expectDiag(compile(doc), { code: 'incompatible_shape', node: compare.id, port: 'x', message: /^x and y have 1 value: a correlation and a slope need at least 2 pairs \(more rate sequences\)$/ });
    rates.params = { ...rates.params, sequences: 2 };
    expect(compile(doc).ok).toBe(true);
  });

  it('a pixel mask on a hidden layer', () => {
    const r = compile(graph([{ id: 'data', kind: 'data.mnist' }, { id: 'f1', kind: 'layers.encoder' }, { id: 'mask', kind: 'corrupt.mask' }], [['data.x', 'f1.in'], ['f1.out', 'mask.layer']]));
    expectDiag(r, { code: 'incompatible_shape', node: 'mask', port: 'layer', message: /^a pixel mask applies to the visible layer x, not to h1$/ });
  });

  it('an empty Parzen sigma grid and a bad output name', () => {
    const doc = pipeline();
    doc.nodes.find((n) => n.id === 'parzen')!.params = { sigmas: [] };
    doc.nodes.find((n) => n.id === 'm_recon')!.params = { name: '1 bad name' };
    const r = compile(doc);
    expect(r.diagnostics.find((d) => d.node === 'parzen')).toMatchObject({ code: 'incompatible_shape', port: 'sigmas', message: 'the sigma grid is empty: give at least one width' });
    expect(r.diagnostics.find((d) => d.node === 'm_recon')).toMatchObject({ code: 'incompatible_shape', port: 'name' });
    expect(r.diagnostics.find((d) => d.node === 'm_recon')!.message).toMatch(/the name "1 bad name" must start with a letter or _/);
  });

  it('a mistake is reported once, not again by every node downstream', () => {
    const doc = pipeline();
    doc.nodes.find((n) => n.id === 'f1')!.params = { units: -3 };
    const r = compile(doc);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['f1.units: parameter units must be at least 1, got -3']);
  });

  it('every diagnostic of a messy graph prints as nodeId[.port]: sentence', () => {
    const r = compile(
      graph(
        [{ id: 'a', kind: 'nope' }, { id: 'b', kind: 'layers.encoder', params: { units: 0, x: 1 } }, { id: 'b', kind: 'data.mnist' }, { id: 'c', kind: 'prior.gaussian', parent: 'b' }],
        [['ghost.x', 'b.in'], ['c.prior', 'b.in']],
      ),
    );
    expect(r.ok).toBe(false);
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(5);
    for (const d of r.diagnostics) {
      expect(formatDiagnostic(d)).toMatch(/^[a-z]+(\.[A-Za-z]+)?: \S/);
      expectSentence(d.message);
    }
  });
});

describe('the plan of a valid graph', () => {
  it('compiles without diagnostics', () => {
    const r = compile(pipeline());
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('is JSON: it survives JSON.stringify / JSON.parse unchanged', () => {
    const plan = planOf(pipeline());
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan).toMatchObject({ format: 'plasticity-plan', version: 1, graph: 'test', seed: 1 });
  });

  it('has one step per node, each naming its node and kind', () => {
    const doc = pipeline();
    const steps = flattenSteps(planOf(doc).steps);
    expect(steps.map((s) => s.node).sort()).toEqual(doc.nodes.map((n) => n.id).sort());
    for (const s of steps) expect(s.kind).toBe(doc.nodes.find((n) => n.id === s.node)!.kind);
  });

  it('is in execution order: every input is produced by an earlier step', () => {
    const steps = flattenSteps(planOf(pipeline()).steps);
    const pos = new Map(steps.map((s, i) => [s.node, i]));
    for (const [i, s] of steps.entries()) {
      for (const ref of Object.values(s.inputs).flat()) {
        const from = end(ref).node;
        expect(pos.get(from), `${s.node} takes ${ref}`).toBeLessThan(i);
      }
    }
    // A scope runs after its body.
    expect(pos.get('infer')).toBeLessThan(pos.get('train')!);
  });

  it('nests the body of train.local in its body, in order, and not at the top level', () => {
    const plan = planOf(pipeline());
    const train = plan.steps.find((s) => s.node === 'train')!;
    expect(train.scope).toEqual({ loop: 'epochs' });
    expect(train.body!.map((s) => s.node)).toEqual(['infer', 'noise_x', 'spike']);
    for (const id of ['infer', 'noise_x', 'spike']) expect(plan.steps.some((s) => s.node === id)).toBe(false);
    // Only loop scopes have a body.
    for (const s of plan.steps) if (s.node !== 'train') expect(s.body).toBeUndefined();
  });

  it('resolves the architecture into the model step and params with defaults', () => {
    const steps = flattenSteps(planOf(pipeline()).steps);
    const model = steps.find((s) => s.node === 'model')!;
    const arch = model.params.architecture as { sizes: number[]; encoders: { node: string; activation: string }[]; decoders: { node: string; activation: string }[] };
    expect(arch.sizes).toEqual([784, 8, 4]);
    expect(arch.encoders.map((e) => [e.node, e.activation])).toEqual([['f1', 'softplus'], ['f2', 'sigmoid']]);
    expect(arch.decoders.map((e) => [e.node, e.activation])).toEqual([['g1', 'sigmoid'], ['g2', 'softplus']]);
    const infer = steps.find((s) => s.node === 'infer')!;
    expect(infer.params).toEqual({ method: 'targetprop', steps: 3, delta: 0.1, alpha: 0.001, noise: 0 });
    expect(steps.find((s) => s.node === 'spike')!.params).toEqual({ samples: 3, layer: 2 });
    expect(model.inputs).toEqual({ top: 'f2.out', decoders: ['g1.decoder', 'g2.decoder'] });
  });
});

describe('signatures', () => {
  const sigs = (doc: GraphDocument): Map<string, string> => new Map(flattenSteps(planOf(doc).steps).map((s: PlanStep) => [s.node, s.signature]));

  /** The node and every node that depends on it through wires. */
  function downstream(doc: GraphDocument, id: string): Set<string> {
    const out = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const w of doc.wires) if (out.has(w.from.node) && !out.has(w.to.node)) out.add(w.to.node), (grew = true);
    }
    return out;
  }

  it('equal graphs give equal signatures; all signatures differ from one another', () => {
    const a = sigs(pipeline());
    const b = sigs(structuredClone(pipeline()));
    expect(b).toEqual(a);
    // Two output nodes of the same kind differ by their inputs or params.
    expect(new Set(a.values()).size).toBe(a.size);
  });

  it('moving a node or relabelling it changes no signature', () => {
    const a = sigs(pipeline());
    const doc = pipeline();
    doc.nodes[3].position = [500, -20];
    doc.nodes[4].label = 'decoder two';
    expect(sigs(doc)).toEqual(a);
  });

  for (const [node, param, value] of [
    ['f2', 'units', 5],
    ['infer', 'steps', 4],
    ['data', 'validCount', 50],
    ['train', 'lr', 0.01],
    ['g1', 'activation', 'linear'],
  ] as const) {
    it(`changing ${node}.${param} changes the signature of ${node} and of its downstream steps only`, () => {
      const before = sigs(pipeline());
      const doc = pipeline();
      const n = doc.nodes.find((x) => x.id === node)!;
      n.params = { ...n.params, [param]: value };
      const after = sigs(doc);
      const changed = new Set([...after].filter(([id, s]) => before.get(id) !== s).map(([id]) => id));
      expect([...changed].sort()).toEqual([...downstream(doc, node)].sort());
    });
  }

  it('a change propagates downstream also when node ids contain dots', () => {
    // Input refs are "nodeId.port"; an id like "enc.1" must still be found to take its signature.
    const rename = (doc: GraphDocument, from: string, to: string): GraphDocument => {
      for (const n of doc.nodes) if (n.id === from) n.id = to;
      for (const w of doc.wires) for (const e of [w.from, w.to]) if (e.node === from) e.node = to;
      return doc;
    };
    const before = sigs(rename(pipeline(), 'f2', 'enc.2'));
    const doc = rename(pipeline(), 'f2', 'enc.2');
    doc.nodes.find((n) => n.id === 'enc.2')!.params = { units: 5, activation: 'sigmoid' };
    const after = sigs(doc);
    expect(after.get('enc.2')).not.toBe(before.get('enc.2'));
    // g2 takes enc.2.out: its signature must change with it.
    expect(after.get('g2')).not.toBe(before.get('g2'));
  });
});

describe('canConnect agrees with the compiler', () => {
  it('for every pair of an output port type and an input port type in the catalog', () => {
    const outs = new Map<PortType, { kind: string; port: string }>();
    const ins = new Map<PortType, { kind: string; port: string }>();
    for (const k of registry.all()) {
      for (const [port, spec] of Object.entries(k.outputs)) if (!outs.has(spec.type)) outs.set(spec.type, { kind: k.kind, port });
      for (const [port, spec] of Object.entries(k.inputs)) if (!ins.has(spec.type)) ins.set(spec.type, { kind: k.kind, port });
    }
    expect(outs.size).toBeGreaterThan(5);
    expect(ins.size).toBeGreaterThan(5);
    let allowed = 0;
    let refused = 0;
    for (const [ot, o] of outs) {
      for (const [it_, i] of ins) {
        const r = compile(graph([{ id: 'a', kind: o.kind }, { id: 'b', kind: i.kind }], [[`a.${o.port}`, `b.${i.port}`]]));
        const refusal = r.diagnostics.find((d) => d.code === 'incompatible_wire');
        const c = canConnect(ot, it_);
        if (c.ok) {
          allowed++;
          expect(refusal, `${ot} -> ${it_}`).toBeUndefined();
        } else {
          refused++;
          expect(refusal, `${ot} -> ${it_}`).toMatchObject({ node: 'b', port: i.port, message: `cannot take a.${o.port}: ${c.reason}` });
        }
      }
    }
    expect(allowed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('canConnect allows equal types and refuses others with a sentence', () => {
    expect(canConnect('layer', 'layer')).toEqual({ ok: true });
    expect(canConnect('model', 'layer')).toEqual({ ok: false, reason: 'a model output cannot feed a layer input' });
  });
});

describe('robustness', () => {
  it('compiling random wirings of the whole catalog never throws', () => {
    // Whatever a file holds, the user gets diagnostics, never an exception (the CLI promises no stack trace).
    const kinds = registry.all();
    const rng = seedrandom('compiler-fuzz');
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
    let compiled = 0;
    for (let t = 0; t < 600; t++) {
      const count = 2 + Math.floor(rng() * 10);
      const nodes: NodeSpec[] = Array.from({ length: count }, (_, i) => ({
        id: `n${i}`,
        kind: pick(kinds).kind,
        ...(rng() < 0.1 ? { parent: `n${Math.floor(rng() * count)}` } : {}),
      }));
      const wires: [string, string][] = [];
      for (let j = 0; j < count * 2; j++) {
        const a = pick(nodes);
        const b = pick(nodes);
        const outs = Object.entries(registry.get(a.kind)!.outputs);
        const ins = Object.entries(registry.get(b.kind)!.inputs);
        if (!outs.length || !ins.length) continue;
        const [op, os] = pick(outs);
        const [ip, is] = pick(ins);
        // Mostly well-typed wires, so that compilation gets past the wire checks into the kinds.
        if (os.type !== is.type && rng() < 0.8) continue;
        wires.push([`${a.id}.${op}`, `${b.id}.${ip}`]);
      }
      const r = compile(graph(nodes, wires));
      if (r.ok) compiled++;
      for (const d of r.diagnostics) expect(d.message.length).toBeGreaterThan(5);
    }
    expect(compiled).toBeGreaterThan(0);
  });
});
