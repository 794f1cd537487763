/**
 * The hierarchical model of Bengio et al. 2015 (Sec. 4, 8): layers h0 = x, h1, ..., hL; encoders
 * f_l: h_{l-1} -> h_l (q, feedforward) and decoders g_l: h_l -> h_{l-1} (p, feedback), each
 * h = act(h_in W + b). Rows are examples. All conditionals are Gaussian with variance 1, so every
 * local loss is a squared error.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';

export type Activation = 'softplus' | 'sigmoid' | 'tanh' | 'relu' | 'linear';
export type OptimizerName = 'sgd' | 'rmsprop' | 'adam';

export interface ModuleSpec {
  /** The node id the module came from (for messages and per-module losses). */
  node: string;
  inUnits: number;
  outUnits: number;
  activation: Activation;
  /** Multiplies the Glorot uniform scale sqrt(6/(fan_in+fan_out)). */
  initGain: number;
  /** A learning rate of its own; null = the trainer's. */
  lr: number | null;
}

export interface ArchitectureSpec {
  /** Units per layer, x first: e.g. [784, 1000, 100]. */
  sizes: number[];
  /** encoders[l-1] = f_l. */
  encoders: ModuleSpec[];
  /** decoders[l-1] = g_l. */
  decoders: ModuleSpec[];
}

let instances = 0;

export class DenseModule {
  readonly W: TF.Variable;
  readonly b: TF.Variable;
  constructor(
    readonly tf: Tf,
    readonly spec: ModuleSpec,
    seed: number,
  ) {
    // tfjs variable names are global per engine: make them unique per instance.
    const id = `${spec.node}#${++instances}`;
    const scale = spec.initGain * Math.sqrt(6 / (spec.inUnits + spec.outUnits));
    this.W = tf.tidy(() => tf.variable(tf.randomUniform([spec.inUnits, spec.outUnits], -scale, scale, 'float32', seed), true, `${id}/W`));
    this.b = tf.tidy(() => tf.variable(tf.zeros([spec.outUnits]), true, `${id}/b`));
  }

  /** act(x W + b); the matMul and bias are fused where the backend can. */
  apply(x: TF.Tensor2D): TF.Tensor2D {
    const tf = this.tf;
    const a = this.spec.activation;
    if (a === 'relu' || a === 'sigmoid' || a === 'linear') {
      return tf.fused.matMul({ a: x, b: this.W as TF.Tensor2D, bias: this.b, activation: a }) as TF.Tensor2D;
    }
    return tf.tidy(() => {
      const z = tf.fused.matMul({ a: x, b: this.W as TF.Tensor2D, bias: this.b });
      return (a === 'softplus' ? tf.softplus(z) : tf.tanh(z)) as TF.Tensor2D;
    });
  }

  /**
   * Gradient of the local loss (1/B) sum ||act(x W + b) - target||^2 with respect to W and b,
   * written out by hand: dz = 2 (y - t) act'(z) / B, dW = x^T dz, db = sum_rows dz. Written out
   * because autodiff here would call matMul with transposeA, which the wasm backend runs ~30x
   * slower than transposing x (a small [B, in] copy) and multiplying plainly.
   */
  localGradients(x: TF.Tensor2D, target: TF.Tensor2D): { loss: TF.Scalar; grads: Record<string, TF.Tensor> } {
    const tf = this.tf;
    return tf.tidy(() => {
      const B = x.shape[0];
      const y = this.apply(x);
      const diff = tf.sub(y, target);
      const loss = tf.div(tf.sum(tf.square(diff)), B) as TF.Scalar;
      let dact: TF.Tensor;
      switch (this.spec.activation) {
        case 'sigmoid':
          dact = tf.mul(y, tf.sub(1, y));
          break;
        case 'softplus':
          // softplus'(z) = sigmoid(z) = 1 - exp(-softplus(z))
          dact = tf.sub(1, tf.exp(tf.neg(y)));
          break;
        case 'tanh':
          dact = tf.sub(1, tf.square(y));
          break;
        case 'relu':
          dact = tf.cast(tf.greater(y, 0), 'float32');
          break;
        case 'linear':
          dact = tf.onesLike(y);
          break;
      }
      const dz = tf.mul(diff, tf.mul(dact, 2 / B));
      const dW = tf.matMul(tf.transpose(x), dz);
      const db = tf.sum(dz, 0);
      return { loss, grads: { [this.W.name]: dW, [this.b.name]: db } };
    });
  }

  variables(): TF.Variable[] {
    return [this.W, this.b];
  }

  dispose(): void {
    this.W.dispose();
    this.b.dispose();
  }
}

export class HierarchicalModel {
  readonly f: DenseModule[];
  readonly g: DenseModule[];
  constructor(
    readonly tf: Tf,
    readonly arch: ArchitectureSpec,
    seed: number,
  ) {
    this.f = arch.encoders.map((s, i) => new DenseModule(tf, s, seed + 2 * i + 1));
    this.g = arch.decoders.map((s, i) => new DenseModule(tf, s, seed + 2 * i + 2));
  }

  get depth(): number {
    return this.f.length;
  }

  /** The feedforward pass h_l = f_l(h_{l-1}); returns [h1..hL]. */
  encode(x: TF.Tensor2D): TF.Tensor2D[] {
    const hs: TF.Tensor2D[] = [];
    let h = x;
    for (const f of this.f) {
      h = f.apply(h);
      hs.push(h);
    }
    return hs;
  }

  /** The directed (ancestral) sample path: x = g1(g2(...gL(hL))). */
  decode(top: TF.Tensor2D): TF.Tensor2D {
    return this.tf.tidy(() => {
      let h = top;
      for (let l = this.depth - 1; l >= 0; l--) h = this.g[l].apply(h);
      return h;
    });
  }

  /** Copies all weights (for a trained model that must not alias the untrained one). */
  clone(seed: number): HierarchicalModel {
    const m = new HierarchicalModel(this.tf, this.arch, seed);
    for (const [i, mod] of this.f.entries()) {
      m.f[i].W.assign(mod.W);
      m.f[i].b.assign(mod.b);
    }
    for (const [i, mod] of this.g.entries()) {
      m.g[i].W.assign(mod.W);
      m.g[i].b.assign(mod.b);
    }
    return m;
  }

  dispose(): void {
    for (const m of [...this.f, ...this.g]) m.dispose();
  }
}

/** Row-wise squared error summed over units, averaged over the batch. */
export function sumSqMean(tf: Tf, a: TF.Tensor, b: TF.Tensor): TF.Scalar {
  return tf.tidy(() => tf.sum(tf.squaredDifference(a, b)).div(a.shape[0] ?? 1) as TF.Scalar);
}
