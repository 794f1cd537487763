/**
 * Corruption processes for the M-step (Sec. 4): Gaussian noise, the "spike-like" average of k
 * Bernoulli samples with p = h (h clipped to [0,1] first), and pixel masking for in-painting.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';

export type CorruptionSpec =
  | { kind: 'gaussian'; sigma: number }
  | { kind: 'spike'; samples: number }
  | { kind: 'mask'; fraction: number; fill: 'noise' | 'zero' };

export function corrupt(tf: Tf, h: TF.Tensor2D, c: CorruptionSpec | undefined, seed: number): TF.Tensor2D {
  if (!c) return h.clone();
  return tf.tidy(() => {
    switch (c.kind) {
      case 'gaussian':
        return c.sigma > 0 ? (tf.add(h, tf.randomNormal(h.shape, 0, c.sigma, 'float32', seed)) as TF.Tensor2D) : h.clone();
      case 'spike': {
        const p = tf.clipByValue(h, 0, 1);
        let acc: TF.Tensor = tf.zerosLike(h);
        for (let k = 0; k < c.samples; k++) acc = tf.add(acc, tf.cast(tf.less(tf.randomUniform(h.shape, 0, 1, 'float32', seed + k), p), 'float32'));
        return tf.div(acc, c.samples) as TF.Tensor2D;
      }
      case 'mask': {
        const { mask } = randomMask(tf, h.shape as [number, number], c.fraction, seed);
        const fill = c.fill === 'noise' ? tf.randomUniform(h.shape, 0, 1, 'float32', seed + 1) : tf.zerosLike(h);
        return tf.add(tf.mul(mask, h), tf.mul(tf.sub(1, mask), fill)) as TF.Tensor2D;
      }
    }
  });
}

/** A random mask per row with exactly round(fraction * D) missing entries (0) and the rest visible (1). */
export function randomMask(tf: Tf, shape: [number, number], fraction: number, seed: number): { mask: TF.Tensor2D } {
  const [n, d] = shape;
  const miss = Math.round(fraction * d);
  const data = new Float32Array(n * d).fill(1);
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    // xorshift32: a small deterministic generator, enough for choosing pixels
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const idx = new Int32Array(d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) idx[i] = i;
    for (let i = 0; i < miss; i++) {
      const j = i + Math.floor(rand() * (d - i));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      data[r * d + idx[i]] = 0;
    }
  }
  return { mask: tf.tensor2d(data, shape) };
}
