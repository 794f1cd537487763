/**
 * The prior over the top layer and the samplers of Sec. 4-5: the directed (ancestral) sample
 * g1(g2(h2)), GENERATE (an inference chain: decode, then rounds of INFERENCE(x, alpha) and x = g1(h1)),
 * and the joint denoising auto-encoder chain of Eq. 9-11.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
import { type InferenceSpec, infer } from './inference.ts';
import type { TopPrior } from './mixture.ts';
import type { HierarchicalModel } from './model.ts';
import { type Dataset, gatherRows } from './train.ts';

export class DiagonalGaussian implements TopPrior {
  constructor(
    readonly mean: TF.Tensor1D,
    /** Variance after the multiplier. */
    readonly variance: TF.Tensor1D,
  ) {}

  sample(tf: Tf, n: number, seed: number): TF.Tensor2D {
    return tf.tidy(() => tf.add(this.mean, tf.mul(tf.sqrt(this.variance), tf.randomNormal([n, this.mean.shape[0]], 0, 1, 'float32', seed))) as TF.Tensor2D);
  }

  dispose(): void {
    this.mean.dispose();
    this.variance.dispose();
  }
}

export interface TopLayerOptions {
  source: 'inference' | 'feedforward';
  inference: InferenceSpec | null;
  batchSize: number;
  seed: number;
  onBatch?: (done: number) => Promise<void>;
}

/** The top layer h_L of every example of data (after inference, or the feedforward pass), row-major [n, size]. */
export async function topLayer(tf: Tf, model: HierarchicalModel, data: Dataset, o: TopLayerOptions): Promise<Float32Array> {
  const top = model.arch.sizes[model.depth];
  const out = new Float32Array(data.n * top);
  for (let start = 0; start < data.n; start += o.batchSize) {
    const count = Math.min(o.batchSize, data.n - start);
    const x = gatherRows(tf, data, null, start, count);
    const hs = o.source === 'inference' && o.inference ? infer(tf, model, x, o.inference, { seed: o.seed + start }) : model.encode(x);
    out.set(await hs[hs.length - 1].data(), start * top);
    x.dispose();
    for (const t of hs) t.dispose();
    await o.onBatch?.(start + count);
  }
  return out;
}

/**
 * Fits p(h_L) to the mean and variance of the top layer over data (after inference, or the
 * feedforward pass), then multiplies the variances by varianceScale (the paper uses 4).
 */
export async function fitPrior(tf: Tf, model: HierarchicalModel, data: Dataset, o: TopLayerOptions & { varianceScale: number }): Promise<DiagonalGaussian> {
  const d = model.arch.sizes[model.depth];
  const h = await topLayer(tf, model, data, o);
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < d; j++) {
      const v = h[i * d + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  const variance = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    mean[j] /= data.n;
    variance[j] = Math.max(sq[j] / data.n - mean[j] * mean[j], 1e-6) * o.varianceScale;
  }
  return new DiagonalGaussian(tf.tensor1d(Float32Array.from(mean)), tf.tensor1d(variance));
}

export interface ChainSpec {
  rounds: number;
  alpha: number;
  inference: InferenceSpec;
}

/** GENERATE: h_L ~ prior, decode to x, then `rounds` times: h = INFERENCE(x, alpha); x = g1(h1). */
export function generateChain(tf: Tf, model: HierarchicalModel, prior: TopPrior, n: number, spec: ChainSpec, seed: number): TF.Tensor2D {
  const top = prior.sample(tf, n, seed);
  let x = model.decode(top);
  top.dispose();
  for (let r = 0; r < spec.rounds; r++) {
    const hs = infer(tf, model, x, spec.inference, { alpha: spec.alpha, seed: seed + 101 * (r + 1) });
    const nx = model.g[0].apply(hs[0]);
    for (const t of hs) t.dispose();
    x.dispose();
    x = nx;
  }
  return x;
}

export function directedSample(tf: Tf, model: HierarchicalModel, prior: TopPrior, n: number, seed: number): TF.Tensor2D {
  return tf.tidy(() => model.decode(prior.sample(tf, n, seed)));
}

/**
 * Joint denoising auto-encoder chain (Eq. 9-11): starting from a directed sample, each step
 * corrupts every layer with Gaussian noise, then recomputes each layer from its corrupted
 * neighbours: x from above (g1), the top from below (f_L), and a middle layer from below (f_l) or
 * from above (g_{l+1}) with probability 1/2.
 */
export function jdaeChain(
  tf: Tf,
  model: HierarchicalModel,
  prior: TopPrior,
  n: number,
  o: { steps: number; sigma: number; random: () => number },
  seed: number,
): TF.Tensor2D {
  const L = model.depth;
  let layers: TF.Tensor2D[] = tf.tidy(() => {
    const top = prior.sample(tf, n, seed);
    const hs: TF.Tensor2D[] = [top];
    for (let l = L; l >= 1; l--) hs.unshift(model.g[l - 1].apply(hs[0]));
    return hs;
  });
  for (let s = 0; s < o.steps; s++) {
    const fromAbove = Array.from({ length: L + 1 }, () => o.random() < 0.5);
    const next = tf.tidy(() => {
      const noisy = layers.map((h, l) => tf.add(h, tf.randomNormal(h.shape, 0, o.sigma, 'float32', seed + 17 * s + l + 1)) as TF.Tensor2D);
      return layers.map((_, l) => {
        if (l === 0) return model.g[0].apply(noisy[1]);
        if (l === L) return model.f[L - 1].apply(noisy[L - 1]);
        return fromAbove[l] ? model.g[l].apply(noisy[l + 1]) : model.f[l - 1].apply(noisy[l - 1]);
      });
    });
    for (const t of layers) t.dispose();
    layers = next;
  }
  for (const t of layers.slice(1)) t.dispose();
  return layers[0];
}
