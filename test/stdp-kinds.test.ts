// Each spike-timing node kind against numbers computed by hand.
import * as tf from '@tensorflow/tfjs';
import { fakeCtx } from './support/fake-ctx.ts';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import type { JsonObject } from '../nodes/core/json.ts';
import { ebmOps } from '../nodes/runtime/ebm/ops.ts';
import { type RateSequences, liveliestSequence, makeNormal, neuronFig1, traceRules } from '../nodes/runtime/ebm/stdp.ts';
import { makeRng } from '../nodes/runtime/random.ts';
import { compileGraph, emptyGraph } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import type { Picture } from '../nodes/runtime/png.ts';

// The spike simulations use no tensors: any tfjs instance satisfies the context.
async function run(kind: string, inputs: Record<string, unknown>, params: JsonObject, metrics: Record<string, unknown> = {}, images: string[] = []) {
  const ctx = fakeCtx(tf, { seed: 7 });
  const out = await ebmOps[kind](ctx, inputs, params);
  Object.assign(metrics, ctx.metrics);
  images.push(...ctx.images.map((i) => i.name));
  return out;
}

describe('stdp.rate_sequences', () => {
  it('with no slope, bend or walk every sequence is constant, in [0,1]', async () => {
    const out = await run('stdp.rate_sequences', {}, { sequences: 3, steps: 5, slope_sd: 0, bend_sd: 0, pre_sd: 0 });
    const r = out.rates as RateSequences;
    expect(r.pre.length).toBe(15);
    for (let s = 0; s < 3; s++)
      for (let t = 0; t < 5; t++) {
        expect(r.post[s * 5 + t]).toBe(r.post[s * 5]);
        expect(r.pre[s * 5 + t]).toBe(r.pre[s * 5]);
      }
    expect(Math.min(...r.post)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r.post)).toBeLessThanOrEqual(1);
  });

  it('the walks by hand: V starts U(0,1) (sd 1/√12), its slope N(0, slope_sd), the slope changes N(0, bend_sd); ρ = clip(V); pre reflects into [0,1]', async () => {
    const n = 20_000;
    const T = 3;
    const out = await run('stdp.rate_sequences', {}, { sequences: n, steps: T, slope_sd: 0.1, bend_sd: 0.02, pre_sd: 0.05 });
    const r = out.rates as RateSequences;
    const v = r.postVoltage;
    const stats = (xs: number[]): [number, number] => {
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      return [m, Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))];
    };
    const seq = [...Array(n).keys()];
    // Sampling error of an sd over 20,000 draws: about sd/200, so these bounds are 5 of them.
    const [m0, sd0] = stats(seq.map((s) => v[s * T]));
    expect(Math.abs(m0 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sd0 - 1 / Math.sqrt(12))).toBeLessThan(0.01);
    expect(Math.abs(stats(seq.map((s) => v[s * T + 1] - v[s * T]))[1] - 0.1)).toBeLessThan(0.0025);
    expect(Math.abs(stats(seq.map((s) => v[s * T + 2] - 2 * v[s * T + 1] + v[s * T]))[1] - 0.02)).toBeLessThan(0.0005);
    // The rate is the voltage clipped to [0,1], value for value.
    for (let k = 0; k < n * T; k++) expect(r.post[k]).toBe(Math.min(1, Math.max(0, v[k])));
    // The presynaptic walk: steps of sd 0.05 away from the edges, and every rate within [0,1] (reflected at the edges).
    const inner = seq.filter((s) => r.pre[s * T] > 0.25 && r.pre[s * T] < 0.75);
    expect(Math.abs(stats(inner.map((s) => r.pre[s * T + 1] - r.pre[s * T]))[1] - 0.05)).toBeLessThan(0.002);
    expect(Math.min(...r.pre)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r.pre)).toBeLessThanOrEqual(1);
  });

  it('a constant slope moves the voltage linearly', async () => {
    const out = await run('stdp.rate_sequences', {}, { sequences: 1, steps: 4, slope_sd: 0.1, bend_sd: 0, pre_sd: 0 });
    const v = (out.rates as RateSequences).postVoltage;
    expect(v[2] - v[1]).toBeCloseTo(v[1] - v[0], 6);
    expect(v[3] - v[2]).toBeCloseTo(v[1] - v[0], 6);
  });
});

describe('stdp.simulate', () => {
  it('one post spike at t = 5, a pre spike every step: the STDP sum and the rate rule by hand', async () => {
    const T = 10;
    const post = new Float32Array(T);
    post[5] = 1;
    const rates: RateSequences = { type: 'stdp.rates', count: 1, steps: T, pre: new Float32Array(T).fill(1), post, postVoltage: post };
    const out = await run('stdp.simulate', { rates }, { trains: 3, window: 20, tau: 5, pre_max_prob: 1, post_max_prob: 1, rate_spikes: 'all' });
    // pre at t = 0..4: post 5..1 steps later, + Σ_{k=1..5} e^{-k/5}; t = 6..9: 1..4 before, − Σ_{k=1..4} e^{-k/5};
    // t = 5 coincides (and nothing else on either side): skipped. Sum = e^{-1}.
    expect((out.stdp_dw as number[])[0]).toBeCloseTo(Math.exp(-1), 9);
    // rate rule: Σ_t S(t)(ρ(t+1) − ρ(t)) = +1 (t = 4) − 1 (t = 5) = 0
    expect((out.rate_dw as number[])[0]).toBeCloseTo(0, 12);
    const curve = out.curve as number[];
    // index ΔT + 20: ΔT = +1 is the pre spike at t = 4, where ρ rises by 1; ΔT = −1 is t = 6, where ρ stays 0
    expect(curve[21]).toBe(1);
    expect(curve[19]).toBe(0);
    expect(Number.isNaN(curve[20])).toBe(true);
    expect((out.stdp_curve as number[])[22]).toBeCloseTo(Math.exp(-2 / 5), 9);
  });

  it('"paired" restricts the rate rule to the spikes STDP used', async () => {
    const T = 10;
    const post = new Float32Array(T);
    post[5] = 1;
    const rates: RateSequences = { type: 'stdp.rates', count: 1, steps: T, pre: new Float32Array(T).fill(1), post, postVoltage: post };
    const out = await run('stdp.simulate', { rates }, { trains: 1, window: 20, tau: 5, pre_max_prob: 1, post_max_prob: 1, rate_spikes: 'paired' });
    // the −1 at t = 5 is skipped (coincident spike), the +1 at t = 4 is kept
    expect((out.rate_dw as number[])[0]).toBe(1);
  });
});

describe('stdp.spike_trace (paper 2, Fig. 3)', () => {
  it('each rule\'s weight over time on given spike trains, by hand', () => {
    // ρ_j = 0, .2, .4, .4, .2, .1; pre spikes at t = 1 and 4, one post spike at t = 3 (window 20, τ 5).
    // Rate rule: +(.4 − .2) at t = 1, +(.1 − .2) at t = 4. STDP: t = 1 has the post spike 2 steps later, +e^{−2/5};
    // t = 4 has it 1 step before, −e^{−1/5}.
    const r = traceRules([0, 0.2, 0.4, 0.4, 0.2, 0.1], [0, 1, 0, 0, 1, 0], [0, 0, 0, 1, 0, 0], 20, 5);
    expect(Array.from(r.wRate)).toEqual([0, 0.2, 0.2, 0.2, 0.1, 0.1].map((v) => expect.closeTo(v, 12)));
    const a = Math.exp(-2 / 5);
    expect(Array.from(r.wStdp)).toEqual([0, a, a, a, a - Math.exp(-1 / 5), a - Math.exp(-1 / 5)].map((v) => expect.closeTo(v, 12)));
    expect(r.paired).toBe(2);
    // A second post spike at t = 0 puts post spikes on both sides of t = 1: STDP skips it, the rate rule does not.
    const both = traceRules([0, 0.2, 0.4, 0.4, 0.2, 0.1], [0, 1, 0, 0, 1, 0], [1, 0, 0, 1, 0, 0], 20, 5);
    expect(both.wStdp[5]).toBeCloseTo(-Math.exp(-1 / 5), 12);
    expect(both.wRate[5]).toBeCloseTo(0.1, 12);
    expect(both.paired).toBe(1);
  });

  it('the window is inclusive: a post spike exactly `window` steps from the pre spike pairs, one step further does not; the skip rules by hand', () => {
    // window 3, τ 2; one pre spike per case; the rate sequence plays no part here (flat).
    const W = 3;
    const tau = 2;
    const edge = Math.exp(-3 / 2); // kernel at |ΔT| = 3: 0.22313
    const spikes = (T: number, at: number[]) => Array.from({ length: T }, (_, t) => (at.includes(t) ? 1 : 0));
    const stdp = (pre: number[], post: number[]) => {
      const r = traceRules(new Array(10).fill(0.5), spikes(10, pre), spikes(10, post), W, tau);
      return { dw: r.wStdp[9], paired: r.paired };
    };
    // after: ΔT = +3 pairs, +e^{−3/2}; ΔT = +4 is outside, no post spike in reach: skipped
    expect(stdp([2], [5])).toEqual({ dw: expect.closeTo(edge, 12), paired: 1 });
    expect(stdp([2], [6])).toEqual({ dw: 0, paired: 0 });
    // before: ΔT = −3 pairs, −e^{−3/2}; ΔT = −4 skipped
    expect(stdp([5], [2])).toEqual({ dw: expect.closeTo(-edge, 12), paired: 1 });
    expect(stdp([5], [1])).toEqual({ dw: 0, paired: 0 });
    // post spikes on both sides, each exactly 3 steps away: skipped
    expect(stdp([4], [1, 7])).toEqual({ dw: 0, paired: 0 });
    // one side at the edge, the other one step beyond it: only the edge one counts, −e^{−3/2}
    expect(stdp([4], [1, 8])).toEqual({ dw: expect.closeTo(-edge, 12), paired: 1 });
    expect(stdp([4], [0, 7])).toEqual({ dw: expect.closeTo(edge, 12), paired: 1 });
    // the nearest on its side: post spikes 1 and 3 steps after pair at ΔT = +1, +e^{−1/2}
    expect(stdp([2], [3, 5])).toEqual({ dw: expect.closeTo(Math.exp(-1 / 2), 12), paired: 1 });
    // no post spike at all; a lone post spike at the pre spike's own step: skipped
    expect(stdp([4], [])).toEqual({ dw: 0, paired: 0 });
    expect(stdp([4], [4])).toEqual({ dw: 0, paired: 0 });
  });

  it('stdp.simulate at the window edge: ΔT = ±window fills the first and last bins, ±(window + 1) is skipped', async () => {
    // One post spike at t = 4 (rate 1, probability 1); pre spikes (rate 1) at t = 0, 1, 7, 8; window 3, τ 2.
    // t = 0: +4, skipped; t = 1: +3, bin 6, +e^{−3/2}; t = 7: −3, bin 0, −e^{−3/2}; t = 8: −4, skipped.
    // STDP total e^{−3/2} − e^{−3/2} = 0 with 2 of 4 pre spikes paired. The rate rule over the paired spikes:
    // ρ(2) − ρ(1) = 0 and ρ(8) − ρ(7) = 0; over all: + (ρ(1) − ρ(0)) + (ρ(9) − ρ(8)) = 0 as well.
    const T = 10;
    const post = new Float32Array(T);
    post[4] = 1;
    const pre = new Float32Array(T);
    for (const t of [0, 1, 7, 8]) pre[t] = 1;
    const rates: RateSequences = { type: 'stdp.rates', count: 1, steps: T, pre, post, postVoltage: post };
    const out = await run('stdp.simulate', { rates }, { trains: 2, window: 3, tau: 2, pre_max_prob: 1, post_max_prob: 1, rate_spikes: 'paired' });
    const edge = Math.exp(-3 / 2);
    expect((out.stdp_dw as number[])[0]).toBeCloseTo(0, 12);
    const curve = out.stdp_curve as number[];
    expect(curve).toHaveLength(7);
    expect(curve[6]).toBeCloseTo(edge, 12);
    expect(curve[0]).toBeCloseTo(-edge, 12);
    for (const k of [1, 2, 3, 4, 5]) expect(Number.isNaN(curve[k]), `bin ${k - 3}`).toBe(true);
    // Moving the post spike to t = 5: t = 0, 1 at +5, +4 (skipped), t = 7 at −2 (−e^{−1}), t = 8 at −3 (−e^{−3/2}).
    const post5 = new Float32Array(T);
    post5[5] = 1;
    const out5 = await run('stdp.simulate', { rates: { ...rates, post: post5, postVoltage: post5 } }, { trains: 2, window: 3, tau: 2, pre_max_prob: 1, post_max_prob: 1, rate_spikes: 'paired' });
    expect((out5.stdp_dw as number[])[0]).toBeCloseTo(-Math.exp(-1) - edge, 12);
  });

  it('draws the three panels, records both final ΔW, and picks the liveliest sequence by default', async () => {
    // Sequence 1's post rate rises and falls, sequence 0's is flat; spikes with probability 1 at rate 1.
    const T = 8;
    const post = new Float32Array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 1, 1, 1, 0, 0]);
    const rates: RateSequences = { type: 'stdp.rates', count: 2, steps: T, pre: new Float32Array(2 * T).fill(1), post, postVoltage: post };
    expect(liveliestSequence(rates)).toBe(1);
    // Without presynaptic spikes a moving postsynaptic rate gives the rate rule nothing to do.
    expect(liveliestSequence({ ...rates, pre: new Float32Array(2 * T).fill(1, 0, T) })).toBe(0);
    const metrics: Record<string, unknown> = {};
    const images: string[] = [];
    const out = await run('stdp.spike_trace', { rates }, { sequence: -1, window: 20, tau: 5, pre_max_prob: 1, post_max_prob: 1, name: 'fig3' }, metrics, images);
    // A pre spike at every step; post spikes exactly where ρ_j = 1 (t = 3, 4, 5). The rate rule sums every Δρ_j: 0.
    // STDP: t = 0..2 pair with t = 3 (+e^{−3/5}, +e^{−2/5}, +e^{−1/5}); t = 3 with t = 4 (+e^{−1/5}); t = 4 has post
    // spikes on both sides (skipped); t = 5 pairs with t = 4 (−e^{−1/5}); t = 6, 7 with t = 5 (−e^{−1/5}, −e^{−2/5}).
    // The sum is e^{−3/5}.
    expect(metrics.fig3_rate_dw).toBeCloseTo(0, 6);
    expect(metrics.fig3_stdp_dw).toBeCloseTo(Math.exp(-3 / 5), 6);
    expect(images).toEqual(['fig3']);
    const pic = out.image as Picture;
    const png = PNG.sync.read(pic.png);
    expect([png.width, png.height]).toEqual([640, 600]);
  });

  it('wired to a Spike trains node it uses that node\'s settings (a sweep of sim.tau reaches it); its own changed ones are named as unused', async () => {
    // The example above with τ = 1 in the Spike trains node and the trace's own τ left at 5: STDP's sum is e^{−3/1}.
    const T = 8;
    const post = new Float32Array([0, 0, 0, 1, 1, 1, 0, 0]);
    const rates: RateSequences = { type: 'stdp.rates', count: 1, steps: T, pre: new Float32Array(T).fill(1), post, postVoltage: post };
    const sim = await run('stdp.simulate', { rates }, { trains: 1, window: 20, tau: 1, pre_max_prob: 1, post_max_prob: 1, coincident: 'ignore', rate_spikes: 'all' });
    const metrics: Record<string, unknown> = {};
    await run('stdp.spike_trace', { rates: sim.trains }, { sequence: 0, window: 20, tau: 5, pre_max_prob: 0, post_max_prob: 0, coincident: 'ignore', name: 'fig3' }, metrics);
    expect(metrics.fig3_stdp_dw).toBeCloseTo(Math.exp(-3), 6);
    // The same simulation's own mean STDP ΔW over its one train: the same number.
    expect((sim.stdp_dw as number[])[0]).toBeCloseTo(Math.exp(-3), 6);

    const doc = emptyGraph('t');
    doc.nodes.push(
      { id: 'rates', kind: 'stdp.rate_sequences', version: 1, params: { sequences: 10 }, position: [0, 0] },
      { id: 'sim', kind: 'stdp.simulate', version: 1, params: { tau: 3 }, position: [200, 0] },
      { id: 'trace', kind: 'stdp.spike_trace', version: 1, params: {}, position: [400, 0] },
    );
    doc.wires.push({ from: { node: 'rates', port: 'rates' }, to: { node: 'sim', port: 'rates' } }, { from: { node: 'sim', port: 'trains' }, to: { node: 'trace', port: 'rates' } });
    const diags = (d: typeof doc) => compileGraph(d, createRegistry()).diagnostics.map((x) => `${x.severity} ${x.node}.${x.port}: ${x.message}`);
    // Its own left at their defaults: nothing to say.
    expect(diags(doc)).toEqual([]);
    doc.nodes[2].params = { tau: 8, window: 10 };
    expect(diags(doc)).toEqual([
      'warning trace.window: window 10, τ 8 are not used: the trains come from sim, whose window is 20, τ is 3 (wire rates from a Rate sequences node to use this node\'s own)',
    ]);
    // Set to the Spike trains node's own value: nothing to say.
    doc.nodes[2].params = { tau: 3 };
    expect(diags(doc)).toEqual([]);
    // A node id with a dot is named whole.
    doc.nodes[2].params = { tau: 8 };
    doc.nodes[1].id = 'sim.v2';
    doc.wires = doc.wires.map((w) => ({ from: { ...w.from, node: w.from.node === 'sim' ? 'sim.v2' : w.from.node }, to: { ...w.to, node: w.to.node === 'sim' ? 'sim.v2' : w.to.node } }));
    expect(diags(doc)).toEqual(['warning trace.tau: τ 8 is not used: the trains come from sim.v2, whose τ is 3 (wire rates from a Rate sequences node to use this node\'s own)']);
  });

  it('refuses a sequence that does not exist, when compiling and when running', async () => {
    const doc = emptyGraph('t');
    doc.nodes.push(
      { id: 'rates', kind: 'stdp.rate_sequences', version: 1, params: { sequences: 10 }, position: [0, 0] },
      { id: 'trace', kind: 'stdp.spike_trace', version: 1, params: { sequence: 10 }, position: [200, 0] },
    );
    doc.wires.push({ from: { node: 'rates', port: 'rates' }, to: { node: 'trace', port: 'rates' } });
    const c = compileGraph(doc, createRegistry());
    expect(c.diagnostics.map((d) => [d.node, d.message])).toContainEqual(['trace', expect.stringContaining('there are 10 sequences (0 to 9), so sequence 10 does not exist')]);
    const rates: RateSequences = { type: 'stdp.rates', count: 1, steps: 2, pre: new Float32Array(2), post: new Float32Array(2), postVoltage: new Float32Array(2) };
    await expect(run('stdp.spike_trace', { rates }, { sequence: 3, window: 20, tau: 5, pre_max_prob: 1, post_max_prob: 1, name: 'x' })).rejects.toThrow('there are 1 sequences, so sequence 3 does not exist');
  });
});

describe('stdp.compare_rules', () => {
  it('Pearson r and slope by hand, and a scatter PNG', async () => {
    const metrics: Record<string, unknown> = {};
    const images: string[] = [];
    const out = await run('stdp.compare_rules', { x: [1, 2, 3], y: [2, 4, 6.5] }, { r_metric: 'r', slope_metric: 'b', image_name: 'sc' }, metrics, images);
    // x̄ = 2, ȳ = 25/6; Sxy = 4.5, Sxx = 2, Syy = 10.1667: slope 2.25, r = 4.5/√(2·10.1667)
    expect(metrics.b).toBeCloseTo(2.25, 9);
    expect(metrics.r).toBeCloseTo(4.5 / Math.sqrt(2 * (61 / 6)), 9);
    expect(out.r).toBe(metrics.r);
    expect(images).toEqual(['sc']);
    const pic = out.image as Picture;
    const png = PNG.sync.read(pic.png);
    expect([png.width, png.height]).toEqual([480, 320]);
    expect([pic.width, pic.height]).toEqual([480, 320]);
  });
});

describe('stdp.neuron_fig1', () => {
  it('with V0 at threshold every spike is 1 step away and ΔW = dV/dt: E[ΔW | ΔT = +1] = σ·sqrt(2/π)', async () => {
    const out = await run('stdp.neuron_fig1', {}, { trials: 200000, window: 20, threshold: 1, v_range: 1e-6, slope_sd: 0.1, noise: 0, rate: 1 });
    const c = out.curve as number[];
    expect(c[21]).toBeCloseTo(0.1 * Math.sqrt(2 / Math.PI), 2);
    expect(c[19]).toBeCloseTo(-0.1 * Math.sqrt(2 / Math.PI), 2);
  });

  it('ΔT = round((θ − V0)/V̇) (0 → ±1, beyond the window dropped) and ΔW = η·V̇, bin by bin against the same draws replayed here', async () => {
    const o = { trials: 2000, window: 5, threshold: 1, range: 0.5, slopeSd: 0.2, noise: 0, rate: 0.5, seed: 3 };
    const res = await neuronFig1(o);
    // The same draws in the same order (V0 = θ − range·U, then V̇ = sd·N), and the rule written out here.
    const u = makeRng(o.seed);
    const g = makeNormal(u);
    const W = o.window;
    const sum = new Float64Array(2 * W + 1);
    const count = new Float64Array(2 * W + 1);
    let used = 0;
    let roundedAway = 0; // trials where rounding and truncation pick different bins
    for (let i = 0; i < o.trials; i++) {
      const v0 = o.threshold - o.range * u();
      const slope = g() * o.slopeSd;
      const q = (o.threshold - v0) / slope; // steps from the pre spike to the threshold crossing (negative: before it)
      let dT = Math.round(q);
      if (dT === 0) dT = slope > 0 ? 1 : -1;
      if (Math.abs(dT) > W) continue;
      if (Math.trunc(q) !== Math.round(q) && Math.trunc(q) !== 0) roundedAway++;
      sum[dT + W] += o.rate * slope;
      count[dT + W]++;
      used++;
    }
    expect(res.used).toBe(used);
    expect(Array.from(res.count)).toEqual(Array.from(count));
    for (let k = 0; k <= 2 * W; k++) {
      if (count[k] === 0) expect(Number.isNaN(res.curve[k]), `bin ${k - W}`).toBe(true);
      else expect(res.curve[k], `bin ${k - W}`).toBeCloseTo(sum[k] / count[k], 12);
    }
    // The case discriminates: hundreds of trials land in another bin under truncation, both signs are present,
    // and η = 0.5 is not 1 (ΔW = V̇ alone would be twice as large).
    expect(roundedAway).toBeGreaterThan(100);
    expect(count[W + 2]).toBeGreaterThan(50);
    expect(count[W - 2]).toBeGreaterThan(50);
    expect(res.curve[W + 2]).toBeGreaterThan(0);
    expect(res.curve[W - 2]).toBeLessThan(0);
  });

  it('the op hands threshold, v_range, slope_sd, rate and window to the simulation under their meanings, with its seed', async () => {
    // The values differ from one another, so swapping any two of them changes the curve.
    const seed = fakeCtx(tf, { seed: 7 }).nextSeed();
    const out = await run('stdp.neuron_fig1', {}, { trials: 300, window: 4, threshold: 0.5, v_range: 0.25, slope_sd: 0.1, noise: 0, rate: 2 });
    const direct = await neuronFig1({ trials: 300, window: 4, threshold: 0.5, range: 0.25, slopeSd: 0.1, noise: 0, rate: 2, seed });
    const show = (c: ArrayLike<number>) => Array.from(c, (v) => (Number.isNaN(v) ? 'empty' : v));
    expect(show(out.curve as number[])).toEqual(show(direct.curve));
    expect((out.curve as number[]).length).toBe(9);
    expect(direct.used).toBeGreaterThan(100);
  });
});

describe('stdp.curve_plot', () => {
  it('records the curve as _dt and _dw series without empty bins, its two sides next to ΔT = 0 as _ltp and _ltd, and draws it', async () => {
    const metrics: Record<string, unknown> = {};
    const images: string[] = [];
    const out = await run('stdp.curve_plot', { curve: [5, 1, Number.NaN, Number.NaN, 3, 7] }, { name: 'c', normalize: false, x_start: -2, x_step: 1, ref_x_start: -2 }, metrics, images);
    // ΔT -2, -1, (0 and 1 empty), 2, 3.
    expect(metrics.c_dt).toEqual([-2, -1, 2, 3]);
    expect(metrics.c_dw).toEqual([5, 1, 3, 7]);
    // Nearest 0 with data on each side: ΔT = 2 (3) after, ΔT = -1 (1) before.
    expect([metrics.c_ltp, metrics.c_ltd]).toEqual([3, 1]);
    // A curve with no bin before ΔT = 0 has no post-before-pre figure.
    const one: Record<string, unknown> = {};
    await run('stdp.curve_plot', { curve: [2, 4] }, { name: 'd', normalize: false, x_start: 1, x_step: 1, ref_x_start: 1 }, one, []);
    expect([one.d_ltp, one.d_ltd]).toEqual([2, Number.NaN]);
    expect(images).toEqual(['c']);
    const pic = out.image as Picture;
    expect([PNG.sync.read(pic.png).width, pic.width, pic.height]).toEqual([480, 480, 320]);
  });
});
