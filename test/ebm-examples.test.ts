// The four example graphs compile, and the quick ones run end to end through the engine with the
// summary.json metrics the issue names.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { compileGraph, parseGraphText, type GraphDocument } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { runPlan } from '../nodes/runtime/engine.ts';
import type { RunOptions } from '../nodes/runtime/op.ts';
import { initBackend } from '../nodes/runtime/backend.ts';

const load = (name: string): GraphDocument => {
  const r = parseGraphText(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.doc;
};

async function run(doc: GraphDocument, options: RunOptions = {}, seed?: number) {
  const c = compileGraph(doc, createRegistry());
  if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
  const s = await runPlan({ plan: c.plan, backend: 'cpu', options, ...(seed !== undefined ? { seed } : {}) });
  expect(s.error).toBeUndefined();
  expect(s.status).toBe('done');
  return s;
}

const setParams = (doc: GraphDocument, id: string, params: Record<string, unknown>): GraphDocument => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...(params as object) } } : n)),
});

describe('examples', () => {
  it('all four compile without diagnostics', () => {
    for (const name of ['stdp-curve', 'stdp-rate-vs-spike', 'ebm-early-inference', 'eqprop-mnist']) {
      const c = compileGraph(load(name), createRegistry());
      expect(c.diagnostics, name).toEqual([]);
      expect(c.ok).toBe(true);
    }
  });

  it('the graphs of docs/experiments compile too (documented runs keep working as kinds change)', () => {
    const dir = new URL('../docs/experiments/', import.meta.url);
    const graphs = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(graphs.length).toBeGreaterThanOrEqual(10);
    for (const f of graphs) {
      const r = parseGraphText(readFileSync(new URL(f, dir), 'utf8'));
      if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.diagnostics)}`);
      const c = compileGraph(r.doc, createRegistry());
      expect(c.diagnostics, f).toEqual([]);
    }
  });

  it('stdp-curve: the Fig. 1 curve as series metrics and a PNG', async () => {
    const s = await run(load('stdp-curve'));
    const dt = s.metrics.stdp_curve_dt as number[];
    const dw = s.metrics.stdp_curve_dw as number[];
    expect(dt.length).toBe(40);
    dt.forEach((t, i) => expect(Math.sign(dw[i])).toBe(Math.sign(t)));
    // The two sides next to ΔT = 0 as figures: ΔW at ΔT = +1 and at ΔT = -1.
    expect([s.metrics.stdp_curve_ltp, s.metrics.stdp_curve_ltd]).toEqual([dw[dt.indexOf(1)], dw[dt.indexOf(-1)]]);
    expect(s.images).toEqual(['stdp_curve.png']);
  });

  it('a plot\'s image output wired into Picture writes the same PNG under the Picture\'s name', async () => {
    const doc = load('stdp-curve');
    const withPicture: GraphDocument = {
      ...doc,
      nodes: [...doc.nodes, { id: 'pic', kind: 'output.image', params: { name: 'copy' }, position: [600, 0] }],
      wires: [...doc.wires, { from: { node: 'plot', port: 'image' }, to: { node: 'pic', port: 'image' } }],
    };
    const outDir = mkdtempSync(join(tmpdir(), 'plasticity-picture-'));
    try {
      const s = await run(withPicture, { outDir });
      expect(s.images.sort()).toEqual(['copy.png', 'stdp_curve.png']);
      const copy = readFileSync(join(outDir, 'copy.png'));
      expect(copy.equals(readFileSync(join(outDir, 'stdp_curve.png')))).toBe(true);
      expect([PNG.sync.read(copy).width, PNG.sync.read(copy).height]).toEqual([480, 320]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('stdp-rate-vs-spike (reduced): stdp_pearson_r, stdp_slope, the scatter and the Fig. 3 trace', async () => {
    let doc = setParams(load('stdp-rate-vs-spike'), 'rates', { sequences: 150 });
    doc = setParams(doc, 'sim', { trains: 200 });
    const s = await run(doc);
    expect(s.metrics.stdp_pearson_r as number).toBeGreaterThan(0.85);
    expect(s.metrics.stdp_slope as number).toBeGreaterThan(0);
    expect(s.images).toEqual(expect.arrayContaining(['stdp_scatter.png', 'rate_rule_curve.png', 'stdp_spike_trace.png']));
    expect(s.metrics.stdp_spike_trace_rate_dw).toEqual(expect.any(Number));
  });

  it('ebm-early-inference: backprop_cosine per hidden layer, the top one ≥ 0.99; the energy never rises', async () => {
    const s = await run(load('ebm-early-inference'));
    const cos = s.metrics.backprop_cosine as number[];
    expect(cos.length).toBe(3);
    expect(cos[0]).toBeGreaterThanOrEqual(0.99);
    expect(s.metrics.energy_trace_max_rise as number).toBeLessThanOrEqual(1e-5);
  });

  it('eqprop-mnist on a few embedded digits: test_error recorded, same seed same numbers', async () => {
    const doc = load('eqprop-mnist');
    const opts = { epochs: 1, trainLimit: 100, testLimit: 50 };
    const tf = (await initBackend('cpu')).tf;
    const before = tf.memory().numTensors;
    const a = await run(doc, opts, 3);
    expect(tf.memory().numTensors).toBe(before);
    const b = await run(doc, opts, 3);
    expect(a.metrics.test_error).toBeGreaterThanOrEqual(0);
    expect(a.metrics.test_error).toBeLessThanOrEqual(1);
    // the published measure and the tie count beside the example's readout
    for (const k of ['test_error_by_state', 'test_error_ties']) expect(a.metrics[k]).toBeGreaterThanOrEqual(0);
    expect(a.metrics.test_error_ties as number).toBeLessThanOrEqual(1);
    // the test digits followed from stored states, one value per epoch
    expect((a.metrics.test_error_stored as number[]).length).toBe(1);
    expect((a.metrics.test_error_stored_by_state as number[]).length).toBe(1);
    // and relaxed from zero after every epoch: after the last one, what the final test_error measures
    expect(a.metrics.test_error_zero).toEqual([a.metrics.test_error]);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.train_examples_per_second).toBeGreaterThan(0);
    const c = await run(doc, opts, 4);
    expect(c.metrics.train_error).not.toEqual(a.metrics.train_error);
  });

  it('eqprop-mnist draws what training changed: nothing where the input is always 0, something where the digits are; the trainer draws it as it learns, the picture a Receptive fields node draws after training', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'plasticity-fields-'));
    try {
      // The example draws it with the trainer alone; a Receptive fields node after training, given the trained and the
      // initial network, draws the same picture.
      const example = load('eqprop-mnist');
      expect(example.nodes.some((n) => n.kind === 'ebm.receptive_fields')).toBe(false);
      const graph: GraphDocument = {
        ...example,
        nodes: [...example.nodes, { id: 'fields', kind: 'ebm.receptive_fields', params: { name: 'receptive_field_changes', count: 100, cols: 10 }, position: [0, 0] }],
        wires: [
          ...example.wires,
          { from: { node: 'train', port: 'network' }, to: { node: 'fields', port: 'network' } },
          { from: { node: 'net', port: 'network' }, to: { node: 'fields', port: 'reference' } },
        ],
      };
      const s = await run(graph, { epochs: 1, trainLimit: 100, testLimit: 20, outDir });
      expect(s.images).toContain('receptive_field_changes.png');
      const png = PNG.sync.read(readFileSync(join(outDir, 'receptive_field_changes.png')));
      // 100 tiles of 28×28, 10 a row, 1-pixel black padding: 291×291.
      expect([png.width, png.height]).toEqual([291, 291]);
      const gray = (x: number, y: number): number => png.data[4 * (y * png.width + x)];
      // Unit 0's tile starts at (1, 1). ΔW_ij ∝ ρ(x_i)(…) is 0 for a pixel that is 0 in every digit (the image's
      // corners), so the change there is 0: mid gray. In the middle of the digits it is not.
      expect([gray(1, 1), gray(28, 1), gray(1, 28), gray(28, 28)]).toEqual([128, 128, 128, 128]);
      const centre: number[] = [];
      for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) centre.push(gray(x, y));
      expect(centre.some((v) => v !== 128)).toBe(true);
      expect(gray(0, 0)).toBe(0);
      // The trainer draws the same change after every epoch (fields 100): after the last, the same picture.
      expect(readFileSync(join(outDir, 'train_fields.png')).equals(readFileSync(join(outDir, 'receptive_field_changes.png')))).toBe(true);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
