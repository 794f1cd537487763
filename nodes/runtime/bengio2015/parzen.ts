/**
 * Parzen-window log-likelihood, the protocol of the GAN and GSN papers: the samples are kernel
 * centres, log p(x) = logsumexp_k(-||x - mu_k||^2 / 2s^2) - log K - D log(s sqrt(2 pi)); s is chosen
 * on a validation set from a grid and the mean is reported on the test set with its standard error.
 * Squared distances use ||x||^2 - 2 x.mu + ||mu||^2 so no [B, K, D] tensor is ever made.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';

export const DEFAULT_SIGMA_GRID = [0.1, 0.1291, 0.1668, 0.2, 0.2154, 0.2783, 0.3594, 0.4642, 0.5995, 0.7743, 1.0];

/** Per-example log-likelihood under each sigma; returns logp[sigmaIndex][example]. */
export async function parzenLogLikelihood(
  tf: Tf,
  centres: TF.Tensor2D,
  x: Float32Array,
  n: number,
  sigmas: number[],
  o: { batchSize?: number; onBatch?: (done: number) => Promise<void> } = {},
): Promise<Float64Array[]> {
  const [K, D] = centres.shape;
  const bs = o.batchSize ?? 100;
  const out = sigmas.map(() => new Float64Array(n));
  const muSq = tf.tidy(() => tf.sum(tf.square(centres), 1).reshape([1, K]));
  // Transposed once here: a matMul with transposeB is far slower on the wasm backend.
  const centresT = tf.transpose(centres);
  for (let start = 0; start < n; start += bs) {
    const count = Math.min(bs, n - start);
    const res = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * D, (start + count) * D), [count, D]);
      const xSq = tf.sum(tf.square(xb), 1).reshape([count, 1]);
      const d2 = tf.relu(tf.add(tf.sub(xSq, tf.mul(2, tf.matMul(xb, centresT))), muSq));
      return sigmas.map((s) => {
        const lse = tf.logSumExp(tf.div(d2, -2 * s * s), 1);
        return tf.sub(lse, Math.log(K) + D * Math.log(s * Math.sqrt(2 * Math.PI)));
      });
    });
    for (const [i, t] of res.entries()) {
      out[i].set(await t.data(), start);
      t.dispose();
    }
    try {
      await o.onBatch?.(start + count);
    } catch (e) {
      muSq.dispose();
      centresT.dispose();
      throw e;
    }
  }
  muSq.dispose();
  centresT.dispose();
  return out;
}

export function meanAndStderr(v: Float64Array): { mean: number; stderr: number } {
  const n = v.length;
  let m = 0;
  for (const x of v) m += x;
  m /= n;
  let s = 0;
  for (const x of v) s += (x - m) * (x - m);
  const sd = Math.sqrt(s / Math.max(1, n - 1));
  return { mean: m, stderr: sd / Math.sqrt(n) };
}

/** Chooses sigma on validation data, then evaluates the test data with it. */
export async function parzenEvaluate(
  tf: Tf,
  centres: TF.Tensor2D,
  valid: { x: Float32Array; n: number },
  test: { x: Float32Array; n: number },
  sigmas: number[],
  onBatch?: (phase: 'validation' | 'test', done: number, total: number) => Promise<void>,
): Promise<{ ll: number; stderr: number; sigma: number; validLL: number[] }> {
  const v = await parzenLogLikelihood(tf, centres, valid.x, valid.n, sigmas, { onBatch: (d) => onBatch?.('validation', d, valid.n) ?? Promise.resolve() });
  const validLL = v.map((a) => meanAndStderr(a).mean);
  let best = 0;
  for (let i = 1; i < sigmas.length; i++) if (validLL[i] > validLL[best]) best = i;
  const t = await parzenLogLikelihood(tf, centres, test.x, test.n, [sigmas[best]], { onBatch: (d) => onBatch?.('test', d, test.n) ?? Promise.resolve() });
  const { mean, stderr } = meanAndStderr(t[0]);
  return { ll: mean, stderr, sigma: sigmas[best], validLL };
}
