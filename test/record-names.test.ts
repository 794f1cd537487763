// A node added in the editor takes record names no other node records (renderer/src/lib/record-names.ts): a second
// Metric is "metric2", so adding it does not make the graph an error ("also recorded by metric1").
import { describe, expect, it } from 'vitest';
import { compileGraph, type GraphDocument, type JsonObject } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { freshRecordNames } from '../renderer/src/lib/record-names.ts';

const registry = createRegistry();
const kind = (k: string) => registry.get(k)!;
const placed = (id: string, k: string, params: JsonObject = {}) => ({ id, kind: kind(k), params });

describe('fresh record names for a node added in the editor', () => {
  it('a second Metric (and Series, Image grid, Picture) takes the next free name; the first keeps the default', () => {
    expect(freshRecordNames(placed('metric1', 'output.metric'), [])).toEqual({});
    expect(freshRecordNames(placed('metric2', 'output.metric'), [placed('metric1', 'output.metric')])).toEqual({ name: 'metric2' });
    expect(freshRecordNames(placed('metric3', 'output.metric'), [placed('metric1', 'output.metric'), placed('metric2', 'output.metric', { name: 'metric2' })])).toEqual({ name: 'metric3' });
    expect(freshRecordNames(placed('series2', 'output.series'), [placed('series1', 'output.series')])).toEqual({ name: 'series2' });
    expect(freshRecordNames(placed('image_grid2', 'output.image_grid', { count: 16 }), [placed('image_grid1', 'output.image_grid')])).toEqual({ name: 'samples2', count: 16 });
    expect(freshRecordNames(placed('image2', 'output.image'), [placed('image1', 'output.image')])).toEqual({ name: 'picture2' });
    // A metric and a picture of one name do not clash; a Metric and a Series (both metrics) do.
    expect(freshRecordNames(placed('metric1', 'output.metric', { name: 'samples' }), [placed('image_grid1', 'output.image_grid')])).toEqual({ name: 'samples' });
    expect(freshRecordNames(placed('metric1', 'output.metric', { name: 'series' }), [placed('series1', 'output.series')])).toEqual({ name: 'series2' });
  });

  it('a pasted copy of a named node gets a number (test_error → test_error2; metric2 → metric3), and the EBM kinds too', () => {
    expect(freshRecordNames(placed('m2', 'output.metric', { name: 'test_error' }), [placed('m1', 'output.metric', { name: 'test_error' })])).toEqual({ name: 'test_error2' });
    expect(freshRecordNames(placed('m3', 'output.metric', { name: 'metric2' }), [placed('m1', 'output.metric'), placed('m2', 'output.metric', { name: 'metric2' })])).toEqual({ name: 'metric3' });
    expect(freshRecordNames(placed('evaluate2', 'ebm.evaluate'), [placed('evaluate1', 'ebm.evaluate')])).toEqual({ metric: 'test_error2' });
    expect(freshRecordNames(placed('relax2', 'ebm.relax'), [placed('relax1', 'ebm.relax')])).toEqual({ metric: 'energy_trace2' });
    expect(freshRecordNames(placed('r2', 'ebm.receptive_fields'), [placed('r1', 'ebm.receptive_fields')])).toEqual({ name: 'receptive_fields2' });
    expect(freshRecordNames(placed('c2', 'stdp.compare_rules'), [placed('c1', 'stdp.compare_rules')])).toEqual({ r_metric: 'stdp_pearson_r2', slope_metric: 'stdp_slope2', image_name: 'stdp_scatter2' });
  });

  it('two Save nodes of one name are an error (the second file would overwrite the first); one added in the editor takes the next name', () => {
    expect(freshRecordNames(placed('save2', 'ebm.save'), [placed('save1', 'ebm.save')])).toEqual({ name: 'network2' });
    expect(freshRecordNames(placed('keep2', 'model.save'), [placed('keep1', 'model.save')])).toEqual({ name: 'model2' });
    // A network and weights of one name are different files.
    expect(freshRecordNames(placed('keep1', 'model.save', { name: 'network' }), [placed('save1', 'ebm.save')])).toEqual({ name: 'network' });
    const doc = (name2: string): GraphDocument => ({
      format: 'plasticity-graph',
      version: 1,
      name: 't',
      seed: 1,
      nodes: [
        { id: 'net', kind: 'ebm.network', params: { hidden: [8] }, position: [0, 0] },
        { id: 'save1', kind: 'ebm.save', params: {}, position: [0, 0] },
        { id: 'save2', kind: 'ebm.save', params: { name: name2 }, position: [0, 0] },
      ],
      wires: ['save1', 'save2'].map((s) => ({ from: { node: 'net', port: 'network' }, to: { node: s, port: 'network' } })),
    });
    const clash = compileGraph(doc('network'), registry);
    expect(clash.ok).toBe(false);
    expect(clash.diagnostics).toEqual([
      { code: 'invalid_graph', severity: 'error', node: 'save2', port: 'name', message: 'the file "network.network.json" is also written by save1; give one of them another name' },
    ]);
    expect(compileGraph(doc('network2'), registry).diagnostics).toEqual([]);
  });

  it('a second EqProp trainer (to compare two rules in one graph) takes its own training series names, and the graph compiles', () => {
    // Its train_error and train_cost were fixed names: a second trainer was an error ("also recorded by train1") no parameter could fix.
    const second = freshRecordNames(placed('train2', 'ebm.eqprop_train'), [placed('train1', 'ebm.eqprop_train')]);
    expect(second).toEqual({ train_metric: 'train_error2', train_cost_metric: 'train_cost2' });
    const n = (id: string, k: string, params: JsonObject = {}) => ({ id, kind: k, params, position: [0, 0] as [number, number] });
    const w = (a: string, b: string) => ({ from: { node: a.split('.')[0]!, port: a.split('.')[1]! }, to: { node: b.split('.')[0]!, port: b.split('.')[1]! } });
    const trainer = (t: string, rule: string) => [w('net.network', `${t}.network`), w('data.train', `${t}.data`), w('free.dynamics', `${t}.free`), w('nudge.dynamics', `${t}.nudged`), w(`${rule}.rule`, `${t}.rule`)];
    const doc = (params2: JsonObject): GraphDocument => ({
      format: 'plasticity-graph',
      version: 1,
      name: 't',
      seed: 1,
      nodes: [
        n('data', 'data.mnist', { validCount: 0 }),
        n('net', 'ebm.network', { hidden: [8] }),
        n('free', 'ebm.langevin'),
        n('nudge', 'ebm.nudge'),
        n('eqprop', 'ebm.eqprop_rule'),
        n('stdp', 'ebm.stdp_rule'),
        n('train1', 'ebm.eqprop_train'),
        n('train2', 'ebm.eqprop_train', params2),
      ],
      wires: [w('data.train', 'net.data'), w('free.dynamics', 'nudge.dynamics'), ...trainer('train1', 'eqprop'), ...trainer('train2', 'stdp')],
    });
    expect(compileGraph(doc({}), registry).diagnostics.map((d) => d.message)).toContain('the metric "train_error" is also recorded by train1; give one of them another name');
    const c = compileGraph(doc(second), registry);
    expect(c.diagnostics).toEqual([]);
  });

  it('two Metrics added one after another compile without "also recorded by"', () => {
    const a = freshRecordNames(placed('metric1', 'output.metric'), []);
    const b = freshRecordNames(placed('metric2', 'output.metric'), [placed('metric1', 'output.metric', a)]);
    const doc: GraphDocument = {
      format: 'plasticity-graph',
      version: 1,
      name: 't',
      seed: 1,
      nodes: [
        { id: 'metric1', kind: 'output.metric', params: a, position: [0, 0] },
        { id: 'metric2', kind: 'output.metric', params: b, position: [0, 100] },
      ],
      wires: [],
    };
    const r = compileGraph(doc, registry);
    expect(r.diagnostics.map((d) => d.message).filter((m) => m.includes('also recorded by'))).toEqual([]);
  });
});
