/**
 * The early-inference probe of Bengio et al. 2017, Sec. 3.1: starting from a free fixed point s*,
 * nudge the outputs by β(t − y) and run k steps; the change of each hidden layer should point
 * along −∂C/∂s of the output cost, i.e. along what backprop would send to that layer.
 *
 * Δs is measured against a free copy run from the same state with the same noise (common random
 * numbers), so a fixed point that is not exact, or noise, does not leak into the difference.
 *
 * The backprop reference: at the fixed point, a layered net is the feedforward map (layer l up to
 * the output) in which each layer k > l is s_k = s*_k + G_k ⊙ (drive_k − drive*_k), with drive_k
 * its input from ρ(s_{k−1}) below (and the frozen top-down input from s*_{k+1}), G_k the gain of
 * the dynamics at s* (ρ'(s*) — strictly inside (0,1) for the hard sigmoid, where a saturated unit
 * ignores small changes of its input) and ρ linearised at s*. −∂C/∂s_l is taken by tfjs autodiff.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
import {
  type Clamp,
  type DynamicsSpec,
  type EbmNetwork,
  clampInput,
  disposeAll,
  oneHot,
  outputCost,
  relax,
  rho,
  step,
  zeroStates,
} from './network.ts';

/** ρ'(s) with the saturated ends excluded (hard sigmoid: 1 on the open interval (0,1)). */
function rhoPrimeStrict(tf: Tf, net: EbmNetwork, s: TF.Tensor): TF.Tensor {
  if (net.activation === 'hard_sigmoid') return tf.cast(tf.logicalAnd(tf.greater(s, 0), tf.less(s, 1)), 'float32');
  const g = tf.sigmoid(tf.sub(tf.mul(s, 4), 2));
  return tf.mul(tf.mul(g, tf.sub(1, g)), 4);
}

export interface ProbeResult {
  /** Cosine per hidden layer, the layer next to the output first. */
  cosine: number[];
  /** Free-phase steps used to reach the fixed point, and the largest state change at the last of them. */
  settleSteps: number;
  residual: number;
  /** Norm of Δs per hidden layer (same order), for inspection. */
  deltaNorm: number[];
  /** Norm of the backprop gradient per hidden layer (same order); 0 when no error reaches the layer. */
  gradNorm: number[];
  /**
   * Per hidden layer (same order), where backprop's error stops on its way down to it, as counts of examples: `layer` is
   * the index of the free layer (the output is the last) nearest the output, at or above this one, whose error term
   * is zero on that example — a hidden layer with every unit saturated (ρ' = 0 at s*), or the outputs, every one at
   * its target or saturated — or -1 when no layer is blocked on that example. A layer's gradient is zero exactly when
   * every example is blocked somewhere at or above it (or the weights carry nothing).
   */
  stops: { layer: number; examples: number }[][];
  /** Per free layer (input side first, the output last): true when it passes no error on any probed example (see `stops`). */
  blocked: boolean[];
}

/** For each example, which free layers pass no error at s*: hidden layers with every unit saturated, the outputs with every unit at its target or saturated. */
function blockedLayers(tf: Tf, net: EbmNetwork, sStar: TF.Tensor2D[], target: TF.Tensor): boolean[][] {
  const L = sStar.length;
  const rows = sStar.map((s, k) =>
    tf.tidy(() => {
      const slope = rhoPrimeStrict(tf, net, s);
      const term = k === L - 1 ? tf.abs(tf.mul(slope, tf.sub(s, target))) : slope;
      return Array.from(tf.max(term, 1).dataSync(), (v) => v === 0);
    }),
  );
  return rows[0].map((_, e) => rows.map((r) => r[e]));
}

/** Relaxes (σ = 0) until no state moves by more than `tol` in a step, or `maxSteps`. */
export async function settle(
  tf: Tf,
  net: EbmNetwork,
  clamp: Clamp,
  dyn: DynamicsSpec,
  maxSteps: number,
  tol: number,
  checkStop?: () => Promise<void>,
): Promise<{ states: TF.Tensor2D[]; steps: number; residual: number }> {
  const quiet: DynamicsSpec = { ...dyn, sigma: 0, nudge: undefined };
  let cur = zeroStates(tf, net, clamp.rx.shape[0]);
  let residual = Infinity;
  let t = 0;
  while (t < maxSteps) {
    const next = step(tf, net, clamp, quiet, cur);
    t++;
    if (t % 10 === 0 || t === maxSteps) {
      residual = tf.tidy(() => Math.max(...next.map((n, i) => tf.max(tf.abs(tf.sub(n, cur[i]))).dataSync()[0])));
      await checkStop?.();
    }
    disposeAll(cur);
    cur = next;
    if (residual < tol) break;
  }
  return { states: cur, steps: t, residual };
}

export async function earlyInferenceProbe(
  tf: Tf,
  net: EbmNetwork,
  x: TF.Tensor2D,
  labels: ArrayLike<number>,
  o: {
    free: DynamicsSpec;
    nudged: DynamicsSpec;
    settleSteps: number;
    tolerance: number;
    seed: () => number;
    checkStop?: () => Promise<void>;
  },
): Promise<ProbeResult> {
  const L = net.sizes.length - 1;
  if (L < 2) throw new Error('the network has no hidden layer');
  const nudge = o.nudged.nudge!;
  const clamp = clampInput(tf, net, x);
  const target = oneHot(tf, labels, net.sizes[L]);
  const fixed = await settle(tf, net, clamp, o.free, o.settleSteps, o.tolerance, o.checkStop);
  const sStar = fixed.states;

  // k steps of a nudged and a free copy with common noise.
  const k = o.nudged.steps;
  const dyn: DynamicsSpec = { ...o.nudged, nudge };
  const noiseSeeds = Array.from({ length: k * L }, () => o.seed());
  let t = 0;
  const noiseFor = (i: number, shape: [number, number]): TF.Tensor => tf.randomNormal(shape, 0, 1, 'float32', noiseSeeds[t * L + i]);
  let sb = sStar;
  let s0 = sStar;
  for (t = 0; t < k; t++) {
    const nb = step(tf, net, clamp, dyn, sb, { beta: nudge.beta, target, noise: noiseFor });
    const n0 = step(tf, net, clamp, dyn, s0, { noise: noiseFor });
    if (sb !== sStar) disposeAll(sb);
    if (s0 !== sStar) disposeAll(s0);
    sb = nb;
    s0 = n0;
  }

  const cosine: number[] = [];
  const deltaNorm: number[] = [];
  const gradNorm: number[] = [];
  const stops: { layer: number; examples: number }[][] = [];
  const blocked = blockedLayers(tf, net, sStar, target);
  for (let l = L - 2; l >= 0; l--) {
    const count = new Map<number, number>();
    for (const b of blocked) {
      let k = L - 1;
      while (k >= l && !b[k]) k--;
      const at = k >= l ? k : -1;
      count.set(at, (count.get(at) ?? 0) + 1);
    }
    stops.push([...count].map(([layer, examples]) => ({ layer, examples })).sort((a, b) => b.examples - a.examples || b.layer - a.layer));
    const [c, n, g] = tf.tidy(() => {
      const delta = k > 0 ? tf.sub(sb[l], s0[l]) : tf.zerosLike(sStar[l]);
      const grad = backpropGradient(tf, net, clamp, sStar, target, nudge.cost, l);
      const minusGrad = tf.neg(grad);
      const dot = tf.sum(tf.mul(delta, minusGrad)).dataSync()[0];
      const na = tf.norm(delta).dataSync()[0];
      const nb = tf.norm(minusGrad).dataSync()[0];
      return [na > 0 && nb > 0 ? dot / (na * nb) : 0, na, nb];
    });
    cosine.push(c);
    deltaNorm.push(n);
    gradNorm.push(g);
  }
  if (sb !== sStar) disposeAll(sb);
  if (s0 !== sStar) disposeAll(s0);
  disposeAll(sStar);
  target.dispose();
  clamp.dispose();
  return { cosine, settleSteps: fixed.steps, residual: fixed.residual, deltaNorm, gradNorm, stops, blocked: Array.from({ length: L }, (_, k) => blocked.every((b) => b[k])) };
}

/** ∂C/∂s_l at the fixed point through the layered feedforward map above layer l (index l of the free layers), by tfjs autodiff. */
export function backpropGradient(
  tf: Tf,
  net: EbmNetwork,
  clamp: Clamp,
  sStar: TF.Tensor2D[],
  target: TF.Tensor,
  cost: 'half_squared' | 'squared',
  l: number,
): TF.Tensor {
  return tf.tidy(() => {
    const L = sStar.length;
    const slope = sStar.map((s) => rhoPrimeStrict(tf, net, s));
    const rStar = sStar.map((s) => rho(tf, net.activation, s));
    const topDown = sStar.map((_, k) => (k + 1 < L ? tf.matMul(rStar[k + 1], net.W[k + 1], false, true) : null));
    const driveStar = sStar.map((_, k) => {
      const below = k === 0 ? clamp.xW0 : tf.matMul(rStar[k - 1], net.W[k]);
      const td = topDown[k];
      return tf.add(td ? tf.add(below, td) : below, net.b[k]);
    });
    const rhoLin = (k: number, s: TF.Tensor): TF.Tensor => tf.add(rStar[k], tf.mul(slope[k], tf.sub(s, sStar[k])));
    const f = (sl: TF.Tensor): TF.Tensor => {
      let r = rhoLin(l, sl);
      let s: TF.Tensor = sl;
      for (let k = l + 1; k < L; k++) {
        const td = topDown[k];
        let drive = tf.add(tf.matMul(r, net.W[k]), net.b[k]);
        if (td) drive = tf.add(drive, td);
        s = tf.add(sStar[k], tf.mul(slope[k], tf.sub(drive, driveStar[k])));
        r = rhoLin(k, s);
      }
      return tf.sum(outputCost(tf, cost, s, target));
    };
    // A copy: sStar[l] itself also appears as a constant inside f, and tfjs would differentiate through both.
    return tf.grad(f)(sStar[l].clone());
  });
}
