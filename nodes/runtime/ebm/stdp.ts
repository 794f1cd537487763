/**
 * Spike-timing simulations with plain typed arrays (no tfjs):
 *
 * - Bengio et al. 2017, Sec. 4.2: random pre- and postsynaptic rate sequences, Bernoulli spike
 *   trains drawn from them, and two weight updates per train: the rate rule
 *   Σ_t S_i(t) (ρ_j(t+1) − ρ_j(t)) (Eq. 3.18) and nearest-neighbour STDP, +exp(−ΔT/τ) for a post
 *   spike ΔT steps after the pre spike and −exp(ΔT/τ) for one before it, with the paper's skip rules
 *   (post spikes on both sides of the window, none, or only one coinciding with the pre spike); and, for
 *   Fig. 3, one pair of spike trains with the weight each rule accumulates over time.
 * - Bengio et al. 2015, Sec. 2 and Fig. 1: a neuron whose voltage rises or falls at a constant rate
 *   around a presynaptic spike; ΔW ∝ S_i dV_j/dt plotted against the time to the post spike.
 */

import { makeRng } from '../random.ts';

export function makeNormal(u: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let x = 0;
    let y = 0;
    let r = 0;
    do {
      x = 2 * u() - 1;
      y = 2 * u() - 1;
      r = x * x + y * y;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    spare = y * f;
    return x * f;
  };
}

/** Pre- and postsynaptic rate sequences (values in [0,1]), sequence after sequence. */
export interface RateSequences {
  type: 'stdp.rates';
  count: number;
  steps: number;
  pre: Float32Array;
  post: Float32Array;
  /** The postsynaptic "voltage" whose clip to [0,1] is the post rate. */
  postVoltage: Float32Array;
  /** The spike settings of the Spike trains node they come through, if they do (its `trains` output). */
  settings?: Pick<StdpSimOptions, 'window' | 'tau' | 'preMaxProb' | 'postMaxProb' | 'coincident'>;
}

export interface RateSequenceOptions {
  count: number;
  steps: number;
  /** Standard deviation of the initial rate of change of the post voltage (per step). */
  slopeSd: number;
  /** Standard deviation of the per-step change of that rate of change (how fast the trend bends). */
  bendSd: number;
  /** Standard deviation of the per-step change of the presynaptic rate (a random walk kept in [0,1]). */
  preSd: number;
  seed: number;
}

/**
 * Random sequences. The post voltage starts uniform in [0,1] with a random trend (slope) that
 * drifts; the post rate is ρ(V) = clip(V, 0, 1). The pre rate is an independent random walk,
 * reflected at 0 and 1.
 */
export function rateSequences(o: RateSequenceOptions): RateSequences {
  const u = makeRng(o.seed);
  const g = makeNormal(u);
  const n = o.count * o.steps;
  const pre = new Float32Array(n);
  const post = new Float32Array(n);
  const volt = new Float32Array(n);
  for (let s = 0; s < o.count; s++) {
    let v = u();
    let dv = g() * o.slopeSd;
    let p = u();
    for (let t = 0; t < o.steps; t++) {
      const k = s * o.steps + t;
      volt[k] = v;
      post[k] = v < 0 ? 0 : v > 1 ? 1 : v;
      pre[k] = p;
      v += dv;
      dv += g() * o.bendSd;
      p += g() * o.preSd;
      if (p < 0) p = -p;
      if (p > 1) p = 2 - p;
    }
  }
  return { type: 'stdp.rates', count: o.count, steps: o.steps, pre, post, postVoltage: volt };
}

export interface StdpSimOptions {
  /** Spike trains drawn per sequence. */
  trains: number;
  /** Steps looked at before and after each presynaptic spike. */
  window: number;
  /** STDP time constant τ in steps. */
  tau: number;
  /** Spike probability per step at rate 1 (a Bernoulli draw with p = maxProb · rate). */
  preMaxProb: number;
  postMaxProb: number;
  seed: number;
  /** Which pre spikes the rate rule sums over: all of them, or only those STDP also uses. */
  rateSpikes: 'all' | 'paired';
  /** A postsynaptic spike at the presynaptic spike's own step beside others on one side: see Coincident. */
  coincident: Coincident;
}

export interface StdpSimResult {
  /** Per sequence, the mean over its trains of the total rate-rule ΔW and of the total STDP ΔW. */
  rateDw: Float64Array;
  stdpDw: Float64Array;
  /** Per ΔT = −window..window (index ΔT + window): mean rate-rule ΔW at pre spikes whose nearest post spike is ΔT away; NaN where none. */
  curveRate: Float64Array;
  /** Same for the STDP rule (its own kernel, for reference). */
  curveStdp: Float64Array;
  curveCount: Float64Array;
  /** Pre spikes seen, and those used by STDP (not skipped). */
  preSpikes: number;
  paired: number;
}

/** Nearest-neighbour STDP's ΔW for ΔT = −window..window (index ΔT + window): +exp(−ΔT/τ) after, −exp(ΔT/τ) before, 0 at 0. */
function stdpKernel(window: number, tau: number): Float64Array {
  const kernel = new Float64Array(2 * window + 1);
  for (let d = -window; d <= window; d++) kernel[d + window] = d > 0 ? Math.exp(-d / tau) : d < 0 ? -Math.exp(d / tau) : 0;
  return kernel;
}

/** For each step t, the last postsynaptic spike before t and the next one after it (±1e9 where there is none). */
function markPostNeighbours(postSpike: ArrayLike<number>, lastPost: Int32Array, nextPost: Int32Array): void {
  const T = postSpike.length;
  let last = -1e9;
  for (let t = 0; t < T; t++) {
    lastPost[t] = last;
    if (postSpike[t]) last = t;
  }
  let next = 1e9;
  for (let t = T - 1; t >= 0; t--) {
    nextPost[t] = next;
    if (postSpike[t]) next = t;
  }
}

/**
 * What nearest-neighbour STDP makes of a postsynaptic spike at the same step as the presynaptic one. The paper skips
 * a lone one; beside postsynaptic spikes on one side only, its "closest postsynaptic spike" is the coincident one.
 * 'ignore': a coincident spike is never the neighbour, the nearest spike on the one side is paired. 'nearest': it is
 * the neighbour, ΔT = 0, where the kernel is 0 (its two branches, +1 and −1, disagree), so the pre spike is paired
 * but changes no weight.
 */
export type Coincident = 'ignore' | 'nearest';

/**
 * Nearest-neighbour STDP's pairing of a presynaptic spike at t: ΔT to the nearest postsynaptic spike within
 * `window` steps, or null when the paper's rules skip it (post spikes on both sides, none, or only at t itself).
 * `coincident`: whether a postsynaptic spike at t itself is the nearest neighbour when there are others on one side.
 */
function nearestPost(t: number, lastPost: Int32Array, nextPost: Int32Array, window: number, postAtT: boolean, coincident: Coincident): number | null {
  const before = t - lastPost[t] <= window;
  const after = nextPost[t] - t <= window;
  if (before === after) return null;
  if (postAtT && coincident === 'nearest') return 0;
  return after ? nextPost[t] - t : lastPost[t] - t;
}

/** Runs the Sec. 4.2 simulation. `onSequence` is called after each sequence (for progress and stop checks). */
export async function simulateStdp(rates: RateSequences, o: StdpSimOptions, onSequence?: (done: number) => Promise<void> | void): Promise<StdpSimResult> {
  const { count, steps: T } = rates;
  const W = o.window;
  const u = makeRng(o.seed);
  const rateDw = new Float64Array(count);
  const stdpDw = new Float64Array(count);
  const curveSum = new Float64Array(2 * W + 1);
  const curveStdpSum = new Float64Array(2 * W + 1);
  const curveCount = new Float64Array(2 * W + 1);
  const kernel = stdpKernel(W, o.tau);
  const preP = new Float64Array(T);
  const postP = new Float64Array(T);
  const dPost = new Float64Array(T);
  const postSpike = new Uint8Array(T);
  const lastPost = new Int32Array(T); // last post spike time < t (or -1e9)
  const nextPost = new Int32Array(T); // next post spike time > t (or 1e9)
  let preSpikes = 0;
  let paired = 0;
  for (let s = 0; s < count; s++) {
    const base = s * T;
    for (let t = 0; t < T; t++) {
      preP[t] = o.preMaxProb * rates.pre[base + t];
      postP[t] = o.postMaxProb * rates.post[base + t];
      dPost[t] = t + 1 < T ? rates.post[base + t + 1] - rates.post[base + t] : 0;
    }
    let rateTot = 0;
    let stdpTot = 0;
    for (let tr = 0; tr < o.trains; tr++) {
      for (let t = 0; t < T; t++) postSpike[t] = u() < postP[t] ? 1 : 0;
      markPostNeighbours(postSpike, lastPost, nextPost);
      for (let t = 0; t < T; t++) {
        if (!(u() < preP[t])) continue;
        preSpikes++;
        const dT = nearestPost(t, lastPost, nextPost, W, postSpike[t] === 1, o.coincident);
        let used = false;
        if (dT !== null) {
          const k = dT + W;
          stdpTot += kernel[k];
          curveSum[k] += dPost[t];
          curveStdpSum[k] += kernel[k];
          curveCount[k]++;
          paired++;
          used = true;
        }
        if (used || o.rateSpikes === 'all') rateTot += dPost[t];
      }
    }
    rateDw[s] = rateTot / o.trains;
    stdpDw[s] = stdpTot / o.trains;
    if (onSequence) await onSequence(s + 1);
  }
  const curveRate = curveSum.map((v, i) => (curveCount[i] > 0 ? v / curveCount[i] : NaN));
  const curveStdp = curveStdpSum.map((v, i) => (curveCount[i] > 0 ? v / curveCount[i] : NaN));
  return { rateDw, stdpDw, curveRate, curveStdp, curveCount, preSpikes, paired };
}

/** One spike train pair of one sequence and what each rule makes of it over time (paper 2, Fig. 3). */
export interface SpikeTrace {
  /** The sequence shown. */
  sequence: number;
  preRate: Float32Array;
  postRate: Float32Array;
  preSpike: Uint8Array;
  postSpike: Uint8Array;
  /** W(t) − W(0) after the presynaptic spikes up to step t: the rate rule Σ S_i(t')(ρ_j(t'+1) − ρ_j(t')), and nearest-neighbour STDP. */
  wRate: Float64Array;
  wStdp: Float64Array;
  /** Presynaptic spikes STDP paired with a postsynaptic one (the others it skips). */
  paired: number;
}

/**
 * The two rules applied to given spike trains, cumulatively: at each presynaptic spike at t the rate rule adds
 * ρ_j(t+1) − ρ_j(t) (0 at the last step) and STDP adds its kernel at the nearest postsynaptic spike, as in `simulateStdp`.
 */
export function traceRules(postRate: ArrayLike<number>, preSpike: ArrayLike<number>, postSpike: ArrayLike<number>, window: number, tau: number, coincident: Coincident = 'ignore') {
  const T = postRate.length;
  const kernel = stdpKernel(window, tau);
  const lastPost = new Int32Array(T);
  const nextPost = new Int32Array(T);
  markPostNeighbours(postSpike, lastPost, nextPost);
  const wRate = new Float64Array(T);
  const wStdp = new Float64Array(T);
  let rate = 0;
  let stdp = 0;
  let paired = 0;
  for (let t = 0; t < T; t++) {
    if (preSpike[t]) {
      rate += t + 1 < T ? postRate[t + 1] - postRate[t] : 0;
      const dT = nearestPost(t, lastPost, nextPost, window, postSpike[t] === 1, coincident);
      if (dT !== null) {
        stdp += kernel[dT + window];
        paired++;
      }
    }
    wRate[t] = rate;
    wStdp[t] = stdp;
  }
  return { wRate, wStdp, paired };
}

/**
 * The sequence with the most for the rate rule to do: the largest Σ_t ρ_i(t)|ρ_j(t+1) − ρ_j(t)|, a postsynaptic rate
 * that moves (a rise and a fall to show) while presynaptic spikes are likely.
 */
export function liveliestSequence(rates: RateSequences): number {
  let best = 0;
  let bestMove = -1;
  for (let s = 0; s < rates.count; s++) {
    let move = 0;
    for (let t = s * rates.steps; t + 1 < (s + 1) * rates.steps; t++) move += rates.pre[t] * Math.abs(rates.post[t + 1] - rates.post[t]);
    if (move > bestMove) (best = s), (bestMove = move);
  }
  return best;
}

/** Draws one pre and one post Bernoulli spike train from sequence `sequence` (p = max_prob · rate per step) and traces both rules on them. */
export function spikeTrace(rates: RateSequences, sequence: number, o: Omit<StdpSimOptions, 'trains' | 'rateSpikes'>): SpikeTrace {
  const T = rates.steps;
  const preRate = rates.pre.slice(sequence * T, (sequence + 1) * T);
  const postRate = rates.post.slice(sequence * T, (sequence + 1) * T);
  const u = makeRng(o.seed);
  const postSpike = Uint8Array.from(postRate, (r) => (u() < o.postMaxProb * r ? 1 : 0));
  const preSpike = Uint8Array.from(preRate, (r) => (u() < o.preMaxProb * r ? 1 : 0));
  return { sequence, preRate, postRate, preSpike, postSpike, ...traceRules(postRate, preSpike, postSpike, o.window, o.tau, o.coincident) };
}

export interface Fig1Options {
  trials: number;
  window: number;
  threshold: number;
  /** The voltage at the pre spike is uniform in [threshold − range, threshold). */
  range: number;
  /** Standard deviation of the constant rate of change dV/dt. */
  slopeSd: number;
  /** Standard deviation of per-step voltage noise added to the linear trajectory (0: exact crossing time). */
  noise: number;
  /** The learning rate η in ΔW = η S_i dV_j/dt. */
  rate: number;
  seed: number;
}

export interface Fig1Result {
  /** ΔT bins −window..window; mean ΔW per bin (NaN where no trial fell). */
  curve: Float64Array;
  count: Float64Array;
  /** Trials whose post spike fell inside the window. */
  used: number;
}

/**
 * Paper 1, Fig. 1: at time 0 the presynaptic neuron spikes while V_j is below threshold and moving
 * at a constant rate dV/dt. If V_j rises, the post spike comes ΔT = (θ − V0)/(dV/dt) later; if it
 * falls, V_j was above threshold ΔT earlier (it fired then). ΔW = η S_i dV_j/dt.
 * `tick` is awaited every 50,000 trials (progress, and a Stop can get in).
 */
export async function neuronFig1(o: Fig1Options, tick?: (done: number) => Promise<void>): Promise<Fig1Result> {
  const u = makeRng(o.seed);
  const g = makeNormal(u);
  const W = o.window;
  const sum = new Float64Array(2 * W + 1);
  const count = new Float64Array(2 * W + 1);
  let used = 0;
  for (let i = 0; i < o.trials; i++) {
    if (tick && i > 0 && i % 50_000 === 0) await tick(i);
    const v0 = o.threshold - o.range * u();
    const slope = g() * o.slopeSd;
    let dT: number;
    if (o.noise > 0) {
      // Nearest step (after 0 if rising, before 0 if falling) at which the noisy voltage is at threshold or above.
      dT = NaN;
      const dir = slope >= 0 ? 1 : -1;
      let noise = 0;
      for (let k = 1; k <= W; k++) {
        noise += g() * o.noise;
        if (v0 + slope * dir * k + noise >= o.threshold) {
          dT = dir * k;
          break;
        }
      }
      if (Number.isNaN(dT)) continue;
    } else {
      if (slope === 0) continue;
      dT = Math.round((o.threshold - v0) / slope);
      if (dT === 0) dT = slope > 0 ? 1 : -1;
      if (Math.abs(dT) > W) continue;
    }
    sum[dT + W] += o.rate * slope;
    count[dT + W]++;
    used++;
  }
  return { curve: sum.map((v, k) => (count[k] > 0 ? v / count[k] : NaN)), count, used };
}

/** Pearson correlation and the least-squares slope of y on x. */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): { r: number; slope: number; intercept: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return { r: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN, slope, intercept: my - slope * mx };
}
