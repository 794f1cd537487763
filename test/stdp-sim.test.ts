// Done-when of the STDP simulations (Bengio et al. 2017, Sec. 4.2; Bengio et al. 2015, Fig. 1), at a reduced size.
import { describe, expect, it } from 'vitest';
import { linearFit, neuronFig1, rateSequences, simulateStdp, traceRules } from '../nodes/runtime/ebm/stdp.ts';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The curve's mean |ΔW| over |ΔT| in [a, b] on one side (+1: post after pre, −1: before). */
const band = (curve: ArrayLike<number>, window: number, side: 1 | -1, a: number, b: number): number[] => {
  const out: number[] = [];
  for (let d = a; d <= b; d++) out.push(curve[side * d + window]);
  return out;
};

async function sim(seed: number) {
  // The example's settings, with 250 sequences × 400 trains instead of 500 × 1000.
  const rates = rateSequences({ count: 250, steps: 160, slopeSd: 0.1, bendSd: 0.002, preSd: 0, seed });
  return simulateStdp(rates, { trains: 400, window: 20, tau: 5, preMaxProb: 0.2, postMaxProb: 0.5, seed: seed + 1, rateSpikes: 'all', coincident: 'ignore' });
}

describe('rate rule vs nearest-neighbour STDP', () => {
  it('are strongly and linearly correlated: r ≥ 0.9 with a positive slope', async () => {
    const r = await sim(11);
    const fit = linearFit(r.rateDw, r.stdpDw);
    expect(fit.r).toBeGreaterThanOrEqual(0.9);
    expect(fit.slope).toBeGreaterThan(0);
  });

  it('the rate rule, averaged per ΔT, has the STDP sign pattern and decays with |ΔT|', async () => {
    const r = await sim(21);
    const c = r.curveRate;
    for (let d = 1; d <= 20; d++) {
      expect(c[20 + d]).toBeGreaterThan(0); // post after pre: potentiation
      expect(c[20 - d]).toBeLessThan(0); // post before pre: depression
    }
    for (const side of [1, -1] as const) {
      const near = mean(band(c, 20, side, 1, 5).map(Math.abs));
      const mid = mean(band(c, 20, side, 6, 10).map(Math.abs));
      const far = mean(band(c, 20, side, 11, 20).map(Math.abs));
      expect(near).toBeGreaterThan(mid);
      expect(mid).toBeGreaterThan(far);
      // beyond the peak (within 5 steps) it falls monotonically, up to sampling noise at the far end
      const tail = band(c, 20, side, 5, 15).map(Math.abs);
      for (let i = 1; i < tail.length; i++) expect(tail[i]).toBeLessThan(tail[i - 1] * 1.05);
    }
  });

  it('is deterministic for a seed', async () => {
    const a = await sim(5);
    const b = await sim(5);
    expect(Array.from(a.stdpDw)).toEqual(Array.from(b.stdpDw));
    expect(Array.from(a.curveRate)).toEqual(Array.from(b.curveRate));
  });
});

describe('paper 1, Fig. 1: voltage rising or falling around a presynaptic spike', () => {
  it('ΔW ∝ S_i dV/dt gives positive ΔW for post after pre, negative before, decaying with |ΔT|', async () => {
    for (const noise of [0, 0.02]) {
      const f = await neuronFig1({ trials: 40000, window: 20, threshold: 1, range: 1, slopeSd: 0.1, noise, rate: 1, seed: 3 });
      for (let d = 1; d <= 20; d++) {
        expect(f.curve[20 + d]).toBeGreaterThan(0);
        expect(f.curve[20 - d]).toBeLessThan(0);
      }
      for (const side of [1, -1] as const) {
        const near = mean(band(f.curve, 20, side, 1, 4).map(Math.abs));
        const far = mean(band(f.curve, 20, side, 15, 20).map(Math.abs));
        expect(near).toBeGreaterThan(2 * far);
      }
    }
  });
});

describe('a postsynaptic spike at the presynaptic spike\'s own step', () => {
  // Pre spike at t = 1; post spikes at t = 1 (coincident) and t = 3 (two steps after). τ = 5.
  const post = [0, 0.5, 0.5, 0.5, 0.5];
  const pre = [0, 1, 0, 0, 0];
  it('ignore: is not the neighbour, so the pre spike pairs with the one two steps later (+exp(−2/5))', () => {
    const r = traceRules(post, pre, [0, 1, 0, 1, 0], 20, 5, 'ignore');
    expect(r.paired).toBe(1);
    expect(r.wStdp[4]).toBeCloseTo(Math.exp(-2 / 5), 12); // 0.670320
  });
  it('nearest: is the neighbour at ΔT = 0, so the pre spike is paired and changes no weight', () => {
    const r = traceRules(post, pre, [0, 1, 0, 1, 0], 20, 5, 'nearest');
    expect(r.paired).toBe(1);
    expect(r.wStdp[4]).toBe(0);
  });
  it('alone, or with spikes on both sides, it is skipped either way', () => {
    for (const mode of ['ignore', 'nearest'] as const) {
      expect(traceRules(post, pre, [0, 1, 0, 0, 0], 20, 5, mode).paired).toBe(0);
      expect(traceRules(post, pre, [1, 1, 0, 1, 0], 20, 5, mode).paired).toBe(0);
    }
  });
});
