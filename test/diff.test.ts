// What differs between runs (History's comparison and `plasticity diff`): rows worked out by hand for
// small graphs, with parameter defaults filled in, a node missing from one run, wires, and run options.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { differences } from '../nodes/core/diff.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../nodes/core/document.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { formatDiff } from '../nodes/cli/tables.ts';

const registry = createRegistry();
const example = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'eqprop-mnist.json'), 'utf8')) as GraphDocument;

/** The example with one node's parameters changed (or, with null, the node and its wires removed). */
function edit(doc: GraphDocument, id: string, params: Record<string, unknown> | null): GraphDocument {
  if (params === null) return { ...doc, nodes: doc.nodes.filter((n) => n.id !== id), wires: doc.wires.filter((w) => w.from.node !== id && w.to.node !== id) };
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } as GraphDocument['nodes'][number]['params'] } : n)) };
}

describe('differences between runs', () => {
  it('the same graph and options: nothing differs; one run alone: nothing to compare', () => {
    expect(differences([{ doc: example }, { doc: structuredClone(example) }], registry)).toEqual([]);
    expect(differences([{ doc: example, options: { epochs: 1 } }], registry)).toEqual([]);
  });

  it('a Quick run (option quick) is compared as it ran: with the graph\'s quick.set changes made', () => {
    const quick: GraphDocument = { ...example, quick: { trainLimit: 100, set: { 'nudge.beta': 1 } } };
    expect(differences([{ doc: quick }, { doc: quick, options: { trainLimit: 100, quick: true } }], registry)).toEqual([
      { key: 'nudge.beta', values: ['0.5', '1'] },
      { key: 'option trainLimit', values: [null, '100'] },
      { key: 'option quick', values: [null, 'true'] },
    ]);
  });

  it('nodes that differ only in id (one of their kind each side) are compared as one, the match said in their kind row', () => {
    // The example as a graph built from the palette names its nodes: mnist1 for data, network1 for net.
    const ids: Record<string, string> = { data: 'mnist1', net: 'network1' };
    const to = (id: string): string => ids[id] ?? id;
    const built: GraphDocument = {
      ...edit(example, 'net', { hidden: [300] }),
      wires: example.wires.map((w) => ({ from: { ...w.from, node: to(w.from.node) }, to: { ...w.to, node: to(w.to.node) } })),
    };
    built.nodes = built.nodes.map((n) => ({ ...n, id: to(n.id) }));
    expect(differences([{ doc: example }, { doc: built }], registry)).toEqual([
      { key: 'data', values: ['data.mnist', 'data.mnist as mnist1'] },
      { key: 'net', values: ['ebm.network', 'ebm.network as network1'] },
      { key: 'net.hidden', values: ['[500]', '[300]'] },
    ]);
    // Two nodes of one kind renamed: which is which is not guessed, each is a node missing on one side.
    const langevins = example.nodes.filter((n) => n.kind === 'ebm.langevin').map((n) => n.id);
    expect(langevins.length).toBeGreaterThanOrEqual(2);
    const renamed: GraphDocument = { ...example, nodes: example.nodes.map((n) => (langevins.includes(n.id) ? { ...n, id: `${n.id}2` } : n)), wires: [] };
    const rows = differences([{ doc: { ...example, wires: [] } }, { doc: renamed }], registry).map((r) => r.key);
    expect(rows).toEqual([...langevins, ...langevins.map((id) => `${id}2`)]);
  });

  it('one row per changed parameter, a value per run in run order', () => {
    const rows = differences([{ doc: example }, { doc: edit(example, 'nudge', { beta: 1 }) }, { doc: edit(example, 'nudge', { beta: 0.25, steps: 8 }) }], registry);
    expect(rows).toEqual([
      { key: 'nudge.beta', values: ['0.5', '1', '0.25'] },
      { key: 'nudge.steps', values: ['4', '4', '8'] },
    ]);
  });

  it('an empty text parameter shows as "", not as a blank cell that reads as missing (user review: dataDir)', () => {
    const rows = differences([{ doc: edit(example, 'data', { dataDir: 'data/fashion' }) }, { doc: example }], registry);
    expect(rows).toEqual([{ key: 'data.dataDir', values: ['data/fashion', '""'] }]);
  });

  it('a parameter left out is its default: saved explicitly at the default, it does not differ', () => {
    const explicit: GraphDocument = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: 'g',
      seed: 1,
      nodes: [{ id: 'free', kind: 'ebm.langevin', params: { epsilon: 0.5 }, position: [0, 0] }],
      wires: [],
    };
    const bare: GraphDocument = { ...explicit, nodes: [{ ...explicit.nodes[0], params: {} }] };
    const spec = registry.get('ebm.langevin')!.params.epsilon;
    expect(spec.default).toBe(0.5);
    expect(differences([{ doc: explicit }, { doc: bare }], registry)).toEqual([]);
    const finer = { ...explicit, nodes: [{ ...explicit.nodes[0], params: { epsilon: 0.25 } }] };
    expect(differences([{ doc: bare }, { doc: finer }], registry)).toEqual([{ key: 'free.epsilon', values: ['0.5', '0.25'] }]);
  });

  it('a node missing from a run is one row (its kind), plus the wires it had; its parameters are not listed', () => {
    const rows = differences([{ doc: example }, { doc: edit(example, 'save', null) }], registry);
    const node = example.nodes.find((n) => n.id === 'save')!;
    const wires = example.wires.filter((w) => w.to.node === 'save' || w.from.node === 'save');
    expect(wires.length).toBeGreaterThan(0);
    expect(rows).toEqual([
      { key: 'save', values: [node.kind, null] },
      ...wires.map((w) => ({ key: `wire ${w.from.node}.${w.from.port} → ${w.to.node}.${w.to.port}`, values: ['wired', null] })),
    ]);
  });

  it('the seed and the run options differ too; where a run wrote and its --set list do not', () => {
    const rows = differences(
      [
        { doc: example, options: { trainLimit: 200, epochs: 1, outDir: '/a', set: ['nudge.beta=1'] } },
        { doc: { ...example, seed: 2 }, options: { outDir: '/b' } },
      ],
      registry,
    );
    expect(rows).toEqual([
      { key: 'seed', values: ['1', '2'] },
      { key: 'option trainLimit', values: ['200', null] },
      { key: 'option epochs', values: ['1', null] },
    ]);
  });

  it('a run whose graph is unknown is compared by its options only', () => {
    const rows = differences([{ doc: example, options: { epochs: 1 } }, { doc: null, options: { epochs: 2 } }], registry);
    expect(rows).toEqual([{ key: 'option epochs', values: ['1', '2'] }]);
  });

  it('as a text table: one column per run, aligned, a dash where absent', () => {
    const text = formatDiff(
      [
        { key: 'nudge.beta', values: ['0.5', '1'] },
        { key: 'option epochs', values: ['1', null] },
      ],
      ['a', 'run-b'],
    );
    expect(text).toBe(['               a    run-b', 'nudge.beta     0.5  1', 'option epochs  1    —', ''].join('\n'));
  });
});

describe('run options that changed nothing', () => {
  const stdp = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'stdp-curve.json'), 'utf8')) as GraphDocument;
  const quickOptions = { epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200, quick: true };

  it('a limit no node of the graph obeys, and a Quick run that changes nothing, are not differences', () => {
    expect(differences([{ doc: stdp, options: quickOptions }, { doc: stdp, options: {} }], registry)).toEqual([]);
    // With a quick.set, the Quick run does change the graph: said.
    const withSet = { ...stdp, quick: { set: { 'neuron.trials': 2000 } } };
    expect(differences([{ doc: withSet, options: quickOptions }, { doc: withSet, options: {} }], registry)).toEqual([
      { key: 'neuron.trials', values: ['2000', '20000'] },
      { key: 'option quick', values: ['true', null] },
    ]);
  });

  it('on EqProp the epochs and data limits are differences, the sample limit is not', () => {
    expect(differences([{ doc: example, options: quickOptions }, { doc: example, options: {} }], registry).map((r) => r.key)).toEqual([
      'option epochs',
      'option trainLimit',
      'option testLimit',
      'option quick',
    ]);
  });
});
