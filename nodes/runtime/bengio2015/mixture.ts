/**
 * Full-covariance Gaussian priors over the top layer: one Gaussian (components = 1) or a mixture
 * fitted by k-means (k-means++ seeding, Lloyd iterations) followed by each cluster's mean, full
 * covariance and share of the data. The paper's prior is a diagonal Gaussian (sample.ts); these
 * model the correlations between the top units that the diagonal one throws away, which is where
 * most of the Parzen score of GENERATE is lost (docs/results.md, "Where the score is lost").
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
import { makeRng } from '../random.ts';

/** Anything the samplers can draw the top layer from. */
export interface TopPrior {
  sample(tf: Tf, n: number, seed: number): TF.Tensor2D;
  dispose(): void;
}

/** Lower-triangular L with L L^T = a, for a symmetric positive-definite d x d matrix (row-major). */
export function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= l[j * d + k] ** 2;
    if (!(s > 0)) throw new Error(`covariance is not positive definite (pivot ${j} is ${s})`);
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = t / ljj;
    }
  }
  return l;
}

export class GaussianMixture implements TopPrior {
  private readonly cdf: Float64Array;
  constructor(
    /** Mixing weights, summing to 1. */
    readonly weights: Float64Array,
    /** [K, D] component means. */
    readonly means: TF.Tensor2D,
    /** [K, D, D] transposed Cholesky factors of the (scaled) covariances: a sample is mean + z F. */
    readonly factorsT: TF.Tensor3D,
  ) {
    this.cdf = new Float64Array(weights.length);
    let c = 0;
    for (const [k, w] of weights.entries()) this.cdf[k] = c += w;
  }

  get components(): number {
    return this.weights.length;
  }

  sample(tf: Tf, n: number, seed: number): TF.Tensor2D {
    const u = makeRng(seed);
    const idx = new Int32Array(n);
    const last = this.cdf.length - 1;
    for (let i = 0; i < n; i++) {
      const r = u() * this.cdf[last];
      let k = 0;
      while (k < last && this.cdf[k] <= r) k++;
      idx[i] = k;
    }
    const d = this.means.shape[1];
    return tf.tidy(() => {
      const at = tf.tensor1d(idx, 'int32');
      const z = tf.randomNormal([n, 1, d], 0, 1, 'float32', seed);
      const noise = tf.reshape(tf.matMul(z, tf.gather(this.factorsT, at)), [n, d]);
      return tf.add(tf.gather(this.means, at), noise) as TF.Tensor2D;
    });
  }

  dispose(): void {
    this.means.dispose();
    this.factorsT.dispose();
  }
}

/** Lloyd iterations and diagonal ridge the prior node uses. */
export const MIXTURE_ITERATIONS = 20;
export const MIXTURE_RIDGE = 1e-4;

export interface MixtureOptions {
  components: number;
  /** Keep only the variances of each component (a mixture of diagonal Gaussians). */
  diagonal: boolean;
  /** Lloyd iterations of k-means. */
  iterations: number;
  /** Multiplier of every covariance (the paper multiplies its variances by 4). */
  varianceScale: number;
  /** Added to every covariance's diagonal (after scaling) so saturated units keep a positive definite matrix. */
  ridge: number;
  seed: number;
  /** Called after each k-means++ centre, Lloyd iteration and fitted component (may throw to stop). */
  onProgress?: (stage: 'k-means' | 'components', fraction: number) => Promise<void>;
}

/**
 * Fits the mixture to the rows of h (n x d): k-means assigns the rows (all to one cluster when
 * components = 1), then each cluster of at least two rows becomes a component with the cluster's
 * share of the rows, its mean, and its covariance (divided by the cluster size), times varianceScale,
 * plus ridge on the diagonal. Throws a plain Error (a sentence for the user) if there are fewer rows
 * than components, if h is not finite, or if no cluster keeps two rows.
 */
export async function fitMixture(tf: Tf, h: Float32Array, n: number, d: number, o: MixtureOptions): Promise<GaussianMixture> {
  if (n < o.components) throw new Error(`${o.components} components need at least as many examples (got ${n})`);
  for (let i = 0; i < n * d; i++) if (!Number.isFinite(h[i])) throw new Error('the top layer holds values that are not finite numbers (has the model diverged?)');
  const x = tf.tensor2d(h, [n, d]);
  try {
    const assign = o.components === 1 ? new Int32Array(n) : await kMeans(tf, x, h, o);
    const members: number[][] = Array.from({ length: o.components }, () => []);
    for (let i = 0; i < n; i++) members[assign[i]].push(i);
    const kept = members.filter((rows) => rows.length >= 2);
    if (kept.length === 0) throw new Error(`no cluster of the ${o.components} holds two or more examples: use fewer components`);
    const used = kept.reduce((s, rows) => s + rows.length, 0);
    const weights = Float64Array.from(kept, (rows) => rows.length / used);
    const means = new Float32Array(kept.length * d);
    const factorsT = new Float32Array(kept.length * d * d);
    for (const [s, rows] of kept.entries()) {
      const [mu, cov] = tf.tidy(() => {
        const r = tf.gather(x, tf.tensor1d(Int32Array.from(rows), 'int32'));
        const m = tf.mean(r, 0);
        const z = tf.sub(r, m);
        return [m, tf.div(tf.matMul(tf.transpose(z), z), rows.length)];
      });
      means.set(mu.dataSync(), s * d);
      const c = Float64Array.from(cov.dataSync() as Float32Array, (v) => o.varianceScale * v);
      mu.dispose();
      cov.dispose();
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) if (o.diagonal && a !== b) c[a * d + b] = 0;
        c[a * d + a] += o.ridge;
      }
      const l = cholesky(c, d);
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) factorsT[s * d * d + b * d + a] = l[a * d + b];
      await o.onProgress?.('components', (s + 1) / kept.length);
    }
    return new GaussianMixture(weights, tf.tensor2d(means, [kept.length, d]), tf.tensor3d(factorsT, [kept.length, d, d]));
  } finally {
    x.dispose();
  }
}

/** k-means++ seeding then Lloyd iterations; returns each row's cluster. */
async function kMeans(tf: Tf, x: TF.Tensor2D, h: Float32Array, o: MixtureOptions): Promise<Int32Array> {
  const [n, d] = x.shape;
  const u = makeRng(o.seed);
  const K = o.components;
  const centres = new Float32Array(K * d);
  const best = new Float64Array(n).fill(Infinity);
  const steps = K + o.iterations;
  let pick = Math.floor(u() * n);
  for (let k = 0; k < K; k++) {
    centres.set(h.subarray(pick * d, (pick + 1) * d), k * d);
    // Squared distance of every row to the new centre; each row keeps its distance to the nearest centre so far.
    const dist = tf.tidy(() => tf.sum(tf.square(tf.sub(x, tf.tensor2d(centres.subarray(k * d, (k + 1) * d), [1, d]))), 1));
    const d2 = dist.dataSync();
    dist.dispose();
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (d2[i] < best[i]) best[i] = d2[i];
      total += best[i];
    }
    // The next centre: a row drawn with probability proportional to that distance.
    let r = u() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++)
      if ((r -= best[i]) <= 0) {
        pick = i;
        break;
      }
    if (k % 10 === 9) await o.onProgress?.('k-means', (k + 1) / steps);
  }
  const xSq = tf.tidy(() => tf.sum(tf.square(x), 1, true));
  let assign = new Int32Array(n);
  try {
    for (let it = 0; it <= o.iterations; it++) {
      const a = tf.tidy(() => {
        const c = tf.tensor2d(centres, [K, d]);
        const d2 = tf.add(tf.sub(xSq, tf.mul(2, tf.matMul(x, tf.transpose(c)))), tf.reshape(tf.sum(tf.square(c), 1), [1, K]));
        return tf.argMin(d2, 1);
      });
      assign = Int32Array.from(a.dataSync());
      a.dispose();
      if (it === o.iterations) break;
      const sum = new Float64Array(K * d);
      const cnt = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        const k = assign[i];
        cnt[k]++;
        for (let j = 0; j < d; j++) sum[k * d + j] += h[i * d + j];
      }
      for (let k = 0; k < K; k++) if (cnt[k] > 0) for (let j = 0; j < d; j++) centres[k * d + j] = sum[k * d + j] / cnt[k];
      await o.onProgress?.('k-means', (K + it + 1) / steps);
    }
  } finally {
    xSq.dispose();
  }
  return assign;
}
