/**
 * TRAIN of Algorithm 2: per minibatch, the E-step (iterative inference) gives targets h_l, held
 * fixed; each module then takes one optimiser step on its own local loss only:
 *   g_l: ||g_l(~h_l) - h_{l-1}||^2      f_l: ||f_l(~h_{l-1}) - h_l||^2
 * with ~ a corruption of the layer (h_0 = x). No gradient crosses a layer.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
export { permutation } from '../random.ts';
import { type CorruptionSpec, corrupt } from './corruption.ts';
import { type InferenceSpec, infer } from './inference.ts';
import type { DenseModule, HierarchicalModel, OptimizerName } from './model.ts';

export interface TrainSpec {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  /** Minibatches at the start trained with N = 0 inference steps (targets = feedforward pass). */
  warmupBatches: number;
  inference: InferenceSpec;
  /** Corruption per layer index (0 = x). */
  corruption: Record<number, CorruptionSpec>;
}

export interface BatchStats {
  epoch: number;
  batch: number;
  batches: number;
  examples: number;
  examplesPerSecond: number;
  /** Mean local loss per module node id over the batches since the last report. */
  losses: Record<string, number>;
}

export interface Dataset {
  images: Float32Array;
  n: number;
  dim: number;
}

export function makeOptimizer(tf: Tf, name: OptimizerName, lr: number): TF.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    case 'adam':
      return tf.train.adam(lr);
  }
}

/** Copies rows idx[start..start+count) of data into a [count, dim] tensor. */
export function gatherRows(tf: Tf, data: Dataset, idx: Int32Array | null, start: number, count: number): TF.Tensor2D {
  const out = new Float32Array(count * data.dim);
  for (let r = 0; r < count; r++) {
    const i = idx ? idx[start + r] : start + r;
    out.set(data.images.subarray(i * data.dim, (i + 1) * data.dim), r * data.dim);
  }
  return tf.tensor2d(out, [count, data.dim]);
}

export class LocalTrainer {
  private readonly optimizers = new Map<DenseModule, TF.Optimizer>();
  private lossSums = new Map<string, TF.Scalar>();
  private lossCount = 0;
  private batchesDone = 0;

  constructor(
    readonly tf: Tf,
    readonly model: HierarchicalModel,
    readonly spec: TrainSpec,
  ) {
    for (const m of [...model.f, ...model.g]) this.optimizers.set(m, makeOptimizer(tf, spec.optimizer, m.spec.lr ?? spec.lr));
  }

  /** One E-step + M-step on a batch. x is not disposed. */
  step(x: TF.Tensor2D, seed: number): void {
    const tf = this.tf;
    const model = this.model;
    const warm = this.batchesDone < this.spec.warmupBatches;
    const hs = infer(tf, model, x, this.spec.inference, { seed, ...(warm ? { steps: 0 } : {}) });
    const layers = [x, ...hs];
    const noisy = layers.map((h, l) => corrupt(tf, h, this.spec.corruption[l], seed + 1000 + l * 7));
    for (let l = 1; l <= model.depth; l++) {
      this.update(model.g[l - 1], noisy[l], layers[l - 1]);
      this.update(model.f[l - 1], noisy[l - 1], layers[l]);
    }
    for (const t of [...hs, ...noisy]) t.dispose();
    this.lossCount++;
    this.batchesDone++;
  }

  private update(m: DenseModule, input: TF.Tensor2D, target: TF.Tensor2D): void {
    const tf = this.tf;
    const { loss: value, grads } = m.localGradients(input, target);
    this.optimizers.get(m)!.applyGradients(grads);
    for (const g of Object.values(grads)) g.dispose();
    const prev = this.lossSums.get(m.spec.node);
    if (prev) {
      this.lossSums.set(m.spec.node, tf.add(prev, value) as TF.Scalar);
      prev.dispose();
      value.dispose();
    } else this.lossSums.set(m.spec.node, value);
  }

  /** Mean loss per module since the last call (one GPU/wasm sync). */
  takeLosses(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.lossSums) {
      out[k] = v.dataSync()[0] / Math.max(1, this.lossCount);
      v.dispose();
    }
    this.lossSums.clear();
    this.lossCount = 0;
    return out;
  }

  dispose(): void {
    for (const o of this.optimizers.values()) o.dispose();
    for (const v of this.lossSums.values()) v.dispose();
    this.lossSums.clear();
  }
}
