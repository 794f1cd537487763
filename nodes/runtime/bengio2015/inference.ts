/**
 * Iterative inference (the E-step). Algorithm 2 moves each layer by the targetprop estimate of
 * d log p / dh (Eq. 12): f_l(h_{l-1}) - f_l(g_l(h_l)), plus alpha times the pull of the layer above,
 * alpha (g_{l+1}(h_{l+1}) - h_l); no derivative is taken. Algorithm 1 instead climbs
 * J = log p(x,h) + alpha log q(h|x) with the exact dJ/dh from autodiff.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
import type { HierarchicalModel } from './model.ts';

export interface InferenceSpec {
  method: 'targetprop' | 'exact';
  steps: number;
  delta: number;
  alpha: number;
  /** Std of Gaussian noise injected at every step (the MCMC variant); 0 = deterministic. */
  noise: number;
}

export interface Clamp {
  /** The observed image; only its visible pixels are used. */
  x: TF.Tensor2D;
  /** 1 where a pixel is visible (clamped), 0 where it is missing. */
  mask: TF.Tensor2D;
}

export interface InferOptions {
  /** Overrides spec.alpha (GENERATE uses alpha = 0.3). */
  alpha?: number;
  /** Overrides spec.steps (warm-up batches use 0). */
  steps?: number;
  seed?: number;
  /** Start from these states instead of the feedforward pass (they are copied, not disposed). */
  init?: TF.Tensor2D[];
  clamp?: Clamp;
  /** Called after the feedforward pass (t = 0) and after every step, with the current states. */
  onStep?: (t: number, hs: TF.Tensor2D[], x: TF.Tensor2D) => void;
}

/** Runs inference on x; returns [h1..hL] (owned by the caller). x is not disposed. */
export function infer(tf: Tf, model: HierarchicalModel, x: TF.Tensor2D, spec: InferenceSpec, o: InferOptions = {}): TF.Tensor2D[] {
  const steps = o.steps ?? spec.steps;
  const alpha = o.alpha ?? spec.alpha;
  let seed = o.seed ?? 1;
  const L = model.depth;
  let hs: TF.Tensor2D[] = o.init ? o.init.map((h) => h.clone()) : model.encode(x);
  o.onStep?.(0, hs, x);
  // f1(x) does not change during unclamped inference: compute it once (it is h1 of the feedforward pass).
  const fx = o.clamp || steps === 0 ? null : o.init ? model.f[0].apply(x) : hs[0].clone();
  const noise = (shape: number[]): TF.Tensor => tf.randomNormal(shape, 0, spec.noise, 'float32', seed++);
  for (let t = 1; t <= steps; t++) {
    const next = tf.tidy(() => {
      const h = hs.slice();
      if (spec.method === 'exact') return exactStep(tf, model, x, h, spec.delta, alpha, o.clamp, spec.noise > 0 ? noise : null);
      for (let l = L; l >= 1; l--) {
        const f = model.f[l - 1];
        const g = model.g[l - 1];
        const hl = h[l - 1];
        const recon = g.apply(hl); // g_l(h_l), in layer l-1's space
        let bottomUp: TF.Tensor2D;
        if (l === 1) {
          const xin = o.clamp ? tf.add(tf.mul(o.clamp.mask, o.clamp.x), tf.mul(tf.sub(1, o.clamp.mask), recon)) as TF.Tensor2D : null;
          bottomUp = xin ? f.apply(xin) : fx!;
        } else {
          bottomUp = f.apply(h[l - 2]);
        }
        let dh = tf.mul(tf.sub(bottomUp, f.apply(recon)), spec.delta);
        if (l < L) dh = tf.add(dh, tf.mul(tf.sub(model.g[l].apply(h[l]), hl), alpha));
        if (spec.noise > 0) dh = tf.add(dh, noise(hl.shape));
        h[l - 1] = tf.add(hl, dh) as TF.Tensor2D;
      }
      return h;
    });
    for (const old of hs) old.dispose();
    hs = next;
    o.onStep?.(t, hs, x);
  }
  fx?.dispose();
  return hs;
}

function exactStep(
  tf: Tf,
  model: HierarchicalModel,
  x: TF.Tensor2D,
  hs: TF.Tensor2D[],
  delta: number,
  alpha: number,
  clamp: Clamp | undefined,
  noise: ((shape: number[]) => TF.Tensor) | null,
): TF.Tensor2D[] {
  const J = (...h: TF.Tensor[]): TF.Scalar => {
    const hh = h as TF.Tensor2D[];
    // With a clamp, the missing pixels are explained by the model itself, so only visible ones count.
    const xrec = model.g[0].apply(hh[0]);
    let logp = clamp ? tf.sum(tf.mul(clamp.mask, tf.squaredDifference(clamp.x, xrec))) : tf.sum(tf.squaredDifference(x, xrec));
    for (let l = 2; l <= model.depth; l++) logp = tf.add(logp, tf.sum(tf.squaredDifference(hh[l - 2], model.g[l - 1].apply(hh[l - 1]))));
    const xin = clamp ? tf.add(tf.mul(clamp.mask, clamp.x), tf.mul(tf.sub(1, clamp.mask), xrec)) : x;
    let logq = tf.sum(tf.squaredDifference(hh[0], model.f[0].apply(xin as TF.Tensor2D)));
    for (let l = 2; l <= model.depth; l++) logq = tf.add(logq, tf.sum(tf.squaredDifference(hh[l - 1], model.f[l - 1].apply(hh[l - 2]))));
    return tf.mul(-0.5, tf.add(logp, tf.mul(alpha, logq))) as TF.Scalar;
  };
  const grads = tf.grads(J)(hs);
  return hs.map((h, i) => {
    let n = tf.add(h, tf.mul(grads[i], delta));
    if (noise) n = tf.add(n, noise(h.shape));
    return n as TF.Tensor2D;
  });
}

/**
 * log p(x, h) = -1/2 ||x - g1(h1)||^2 - 1/2 sum_l ||h_{l-1} - g_l(h_l)||^2 per example (constants and
 * the top prior dropped, as in Fig. 4), summed over the batch.
 */
export function logJointSum(tf: Tf, model: HierarchicalModel, x: TF.Tensor2D, hs: TF.Tensor2D[]): TF.Scalar {
  return tf.tidy(() => {
    let s = tf.sum(tf.squaredDifference(x, model.g[0].apply(hs[0])));
    for (let l = 2; l <= model.depth; l++) s = tf.add(s, tf.sum(tf.squaredDifference(hs[l - 2], model.g[l - 1].apply(hs[l - 1]))));
    return tf.mul(s, -0.5) as TF.Scalar;
  });
}
