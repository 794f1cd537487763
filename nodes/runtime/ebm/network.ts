/**
 * The energy-based network of Bengio et al. 2017 (Sec. 2.3) and Scellier & Bengio 2016: layers of
 * units with state s, firing rate ρ(s), symmetric weights between adjacent layers and biases.
 *
 *   E(s) = ½ Σ_i s_i² − Σ_{pairs i~j} W_ij ρ(s_i) ρ(s_j) − Σ_i b_i ρ(s_i)            (2017, Eq. 2.7)
 *
 * (the sum over pairs is the paper's ½ Σ_{i≠j} with W symmetric). Layer 0 is the visible layer x,
 * always clamped to the data; its own ½x² term is a constant and is left out.
 *
 * Layout: W[l] has shape [sizes[l], sizes[l+1]] (rows: lower layer); b[l] is the bias of layer
 * l+1, shape [sizes[l+1]]. States are row batches: layer k has shape [batch, sizes[k]].
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
import type { OwnsTensors } from '../values.ts';
import { FUSED_MAX_VALUES, fusedClippedStep, fusedStepAvailable } from './fused-step.ts';

export type Activation = 'hard_sigmoid' | 'sigmoid';

/**
 * How a state moves down the energy:
 * - 'clipped': projected gradient steps on the box [0,1], s ← clip(s − ε ∂E/∂s, 0, 1) (the form of
 *   Scellier & Bengio's published code; with ε = 0.5 it is a damped fixed-point iteration);
 * - 'leaky': the paper's leaky integrator, s ← s + ε(ρ'(s)(Σ_j W_ij ρ(s_j) + b_i) − s), unbounded.
 */
export type DynamicsForm = 'clipped' | 'leaky';

export interface EbmNetwork extends OwnsTensors {
  readonly type: 'ebm.network';
  readonly sizes: number[];
  readonly activation: Activation;
  readonly W: TF.Variable[];
  readonly b: TF.Variable[];
  /** A deep copy with its own variables (the trainer trains a copy, so the network node's value stays the initial one). */
  clone(): EbmNetwork;
  /** Weights and biases as plain arrays (for tests and inspection). */
  read(): { W: Float32Array[]; b: Float32Array[] };
}

export function makeNetwork(tf: Tf, sizes: number[], activation: Activation, W: TF.Tensor[], b: TF.Tensor[]): EbmNetwork {
  if (W.length !== sizes.length - 1 || b.length !== sizes.length - 1) throw new Error('internal: weights do not match layer sizes');
  const Wv = W.map((w) => tf.variable(w, true));
  const bv = b.map((x) => tf.variable(x, true));
  let disposed = false;
  const net: EbmNetwork = {
    type: 'ebm.network',
    sizes: [...sizes],
    activation,
    W: Wv,
    b: bv,
    clone() {
      const W2 = Wv.map((w) => w.clone());
      const b2 = bv.map((x) => x.clone());
      const copy = makeNetwork(tf, sizes, activation, W2, b2);
      disposeAll([...W2, ...b2]);
      return copy;
    },
    read() {
      return { W: Wv.map((w) => w.dataSync() as Float32Array), b: bv.map((x) => x.dataSync() as Float32Array) };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const v of [...Wv, ...bv]) v.dispose();
    },
  };
  return net;
}

export interface InitOptions {
  init: 'glorot_uniform' | 'constant';
  /** Glorot: a gain on the range ±sqrt(6/(n_in+n_out)); constant: the value of every weight. */
  scale: number;
  bias: number;
  seed: () => number;
}

export function initNetwork(tf: Tf, sizes: number[], activation: Activation, o: InitOptions): EbmNetwork {
  const W: TF.Tensor[] = [];
  const b: TF.Tensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [nIn, nOut] = [sizes[l], sizes[l + 1]];
    if (o.init === 'constant') W.push(tf.fill([nIn, nOut], o.scale));
    else {
      const a = o.scale * Math.sqrt(6 / (nIn + nOut));
      W.push(tf.randomUniform([nIn, nOut], -a, a, 'float32', o.seed()));
    }
    b.push(tf.fill([nOut], o.bias));
  }
  const net = makeNetwork(tf, sizes, activation, W, b);
  disposeAll([...W, ...b]);
  return net;
}

/** ρ(s): clip(s,0,1), or the logistic sigmoid(4s − 2) that has the same slope at s = ½. */
export function rho(tf: Tf, act: Activation, s: TF.Tensor): TF.Tensor {
  return act === 'hard_sigmoid' ? tf.clipByValue(s, 0, 1) : tf.sigmoid(tf.sub(tf.mul(s, 4), 2));
}

/** ρ'(s): 1 on [0,1] and 0 outside for the hard sigmoid (a saturated unit ignores its input); 4σ(1−σ) for the sigmoid. */
export function rhoPrime(tf: Tf, act: Activation, s: TF.Tensor): TF.Tensor {
  if (act === 'hard_sigmoid') return tf.cast(tf.logicalAnd(tf.greaterEqual(s, 0), tf.lessEqual(s, 1)), 'float32');
  const g = tf.sigmoid(tf.sub(tf.mul(s, 4), 2));
  return tf.mul(tf.mul(g, tf.sub(1, g)), 4);
}

/** The settings of one relaxation phase. */
export interface DynamicsSpec {
  type: 'ebm.dynamics';
  /** Step size ε (the integration time step over the time constant). */
  epsilon: number;
  /** Noise σ: each step adds σ·sqrt(ε)·N(0,1) to every free unit (σ = 0: deterministic relaxation). */
  sigma: number;
  steps: number;
  form: DynamicsForm;
  nudge?: NudgeSpec;
}

export interface NudgeSpec {
  /** β: strength of the force β·∂C/∂s_y pulling the outputs toward the target. */
  beta: number;
  /** Draw the sign of β at random for each minibatch (Scellier & Bengio 2016). */
  randomSign: boolean;
  /** 'half_squared': C = ½||y − t||² (force β(t − y)); 'squared': C = ||y − t||² (force 2β(t − y), the published code). */
  cost: 'half_squared' | 'squared';
  /** Hold the outputs at the target instead (β → ∞; contrastive Hebbian learning). */
  clamp?: boolean;
}

/** Per-example cost C of the output layer against the target, shape [batch]. */
export function outputCost(tf: Tf, cost: NudgeSpec['cost'], y: TF.Tensor, target: TF.Tensor): TF.Tensor {
  const sq = tf.sum(tf.square(tf.sub(y, target)), 1);
  return cost === 'squared' ? sq : tf.mul(sq, 0.5);
}

/**
 * A batch clamped on the visible layer: ρ(x), its bottom-up drive ρ(x)W0 and the transposed weights Wᵀ[l] (l ≥ 1)
 * that carry the top-down drive. All of them are constant while the weights are fixed, so they are computed once per
 * batch; a clamp is valid until the weights change.
 *
 * Why the transposes are kept: on the wasm backend a matMul packs its right operand for XNNPACK and caches the packing
 * by tensor; a product with a transposed operand transposes first, into a new tensor each time, so every relaxation
 * step would transpose and repack W[l]. With Wᵀ[l] held here the packing is done once per batch. The products are
 * bit-identical either way.
 */
export interface Clamp {
  rx: TF.Tensor2D;
  xW0: TF.Tensor2D;
  /** Wᵀ[l] for l ≥ 1 (index 0 unused). */
  Wt: (TF.Tensor2D | null)[];
  dispose(): void;
}

/**
 * ρ(x)W0. W0 changes after every batch, so on the wasm backend the product as written would repack all of W0 each
 * time; computed as (W0ᵀ ρ(x)ᵀ)ᵀ only the small ρ(x)ᵀ is packed. Same result bit for bit (each entry is the same sum
 * over the inputs, in the same order; checked in test/wasm-matmul.test.ts) and faster: 1.8 ms against 3.1 ms for a
 * batch of 20 with fresh weights, measured here with other jobs running.
 */
function bottomUp(tf: Tf, rx: TF.Tensor2D, W0: TF.Tensor): TF.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(rx, W0) as TF.Tensor2D;
  return tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(W0), tf.transpose(rx)))) as TF.Tensor2D;
}

export function clampInput(tf: Tf, net: EbmNetwork, x: TF.Tensor2D): Clamp {
  const rx = tf.tidy(() => rho(tf, net.activation, x)) as TF.Tensor2D;
  const xW0 = bottomUp(tf, rx, net.W[0]);
  const Wt = net.W.map((w, l) => (l === 0 ? null : (tf.transpose(w) as TF.Tensor2D)));
  return {
    rx,
    xW0,
    Wt,
    dispose() {
      rx.dispose();
      xW0.dispose();
      for (const t of Wt) t?.dispose();
    },
  };
}

/**
 * True when ρ(s) = s and ρ'(s) = 1 for every state: the hard sigmoid with states known to lie in [0,1] (the clipped
 * dynamics keep them there after their first step). Skipping those ops then gives bit-identical results.
 */
function identityRates(net: EbmNetwork, inBox: boolean | undefined): boolean {
  return inBox === true && net.activation === 'hard_sigmoid';
}

/** ρ(s) of every layer; the states themselves when `inBox` says ρ is the identity on them (bit-identical). Call inside tidy. */
export function rates(tf: Tf, net: EbmNetwork, states: TF.Tensor2D[], inBox?: boolean): TF.Tensor[] {
  return identityRates(net, inBox) ? states : states.map((s) => rho(tf, net.activation, s));
}

/**
 * Whether states are known to lie in [0,1] after `steps` steps of `dyn` from states that do (`startInBox`): a clipped
 * step puts them there, a leaky one may not, and no step leaves them as they were.
 */
export function inBoxAfter(dyn: DynamicsSpec, steps: number, startInBox: boolean): boolean {
  return steps > 0 ? dyn.form === 'clipped' : startInBox;
}

/** The products that make up layer i's input: from the layer below (ρ(x)W0 for the first) and, but for the top layer, from the one above. */
function driveTerms(tf: Tf, net: EbmNetwork, clamp: Clamp, r: TF.Tensor[], i: number): { below: TF.Tensor; above?: TF.Tensor } {
  const below = i === 0 ? clamp.xW0 : tf.matMul(r[i - 1], net.W[i]);
  return i + 1 < r.length ? { below, above: tf.matMul(r[i + 1], clamp.Wt[i + 1]!) } : { below };
}

/** The input layer i receives: Σ_j W_ij ρ(s_j) + b_i from the layers below and above, given the rates `r` of the free layers. Call inside tidy. */
export function drive(tf: Tf, net: EbmNetwork, clamp: Clamp, r: TF.Tensor[], i: number): TF.Tensor {
  const { below, above } = driveTerms(tf, net, clamp, r, i);
  return tf.add(above ? tf.add(below, above) : below, net.b[i]);
}

/** The input each free layer receives (see `drive`). Call inside tidy. */
export function drives(tf: Tf, net: EbmNetwork, clamp: Clamp, states: TF.Tensor2D[], rates?: TF.Tensor[]): TF.Tensor[] {
  const r = rates ?? states.map((s) => rho(tf, net.activation, s));
  return r.map((_, i) => drive(tf, net, clamp, r, i));
}

/**
 * The scalars a step multiplies by, as tensors. tf.mul(t, 0.5) with a number uploads a new scalar tensor on every call,
 * which on wasm costs about as much as the product itself (measured 7-16 µs against 5 µs with a scalar kept), so
 * `relax` makes them once for all its steps. The same float32 values, so the same results bit for bit.
 */
export interface StepScalars {
  /** ε */
  eps: TF.Scalar;
  /** The nudge's factor on (t − y): β, or 2β for the squared cost. */
  nudge: TF.Scalar;
  /** σ·sqrt(ε) */
  noise: TF.Scalar;
}

export function stepScalars(tf: Tf, dyn: DynamicsSpec, beta: number | undefined): StepScalars {
  return {
    eps: tf.scalar(dyn.epsilon),
    nudge: tf.scalar((dyn.nudge?.cost === 'squared' ? 2 : 1) * (beta ?? 0)),
    noise: tf.scalar(dyn.sigma * Math.sqrt(dyn.epsilon)),
  };
}

export interface StepOptions {
  target?: TF.Tensor;
  /** Signed β of this phase (0 or absent: free phase). */
  beta?: number;
  /** Common noise for several copies: a function returning the noise tensor for layer i (else fresh noise from seed()). */
  noise?: (i: number, shape: [number, number]) => TF.Tensor;
  seed?: () => number;
  /**
   * Every state is known to lie in [0,1] (saves ρ and ρ' for the hard sigmoid): set by `relax` after a clipped step,
   * and by a caller whose starting states are there (zero states, or states a clipped relaxation ended in).
   */
  inBox?: boolean;
  /** The step's scalars made beforehand (else made in the step): `relax` makes them once for all its steps. */
  scalars?: StepScalars;
}

/** One synchronous step of every free layer (2017, Eq. 2.1 with the energy of Eq. 2.7; the nudge of Eq. 3.x on the outputs). */
export function step(tf: Tf, net: EbmNetwork, clamp: Clamp, dyn: DynamicsSpec, states: TF.Tensor2D[], o: StepOptions = {}): TF.Tensor2D[] {
  return tf.tidy(() => {
    const identity = identityRates(net, o.inBox);
    const r = rates(tf, net, states, o.inBox);
    const L = states.length;
    const k = o.scalars ?? stepScalars(tf, dyn, o.beta);
    const noisy = dyn.sigma * Math.sqrt(dyn.epsilon) > 0;
    // A small layer's elementwise ops in one kernel (fused-step.ts): the same result bit for bit, without the dispatch cost.
    const fuse = identity && !noisy && dyn.form === 'clipped' && fusedStepAvailable(tf);
    return states.map((s, i) => {
      // Clamped outputs (contrastive Hebbian learning): held at the target; the layer below sees them from the next step.
      if (i === L - 1 && dyn.nudge?.clamp && o.target) return o.target.clone() as TF.Tensor2D;
      const nudged = i === L - 1 && o.beta && o.target && dyn.nudge;
      if (fuse && s.size <= FUSED_MAX_VALUES) {
        const nudge = nudged ? (dyn.nudge!.cost === 'squared' ? 2 : 1) * o.beta! : 0;
        return fusedClippedStep(tf, { s, ...driveTerms(tf, net, clamp, r, i), bias: net.b[i], ...(nudged ? { target: o.target } : {}) }, dyn.epsilon, nudge);
      }
      const d = drive(tf, net, clamp, r, i);
      let force: TF.Tensor = tf.sub(identity ? d : tf.mul(rhoPrime(tf, net.activation, s), d), s);
      if (nudged) force = tf.add(force, tf.mul(tf.sub(o.target!, s), k.nudge));
      let next: TF.Tensor = tf.add(s, tf.mul(force, k.eps));
      if (noisy) {
        const shape = s.shape as [number, number];
        const n = o.noise ? o.noise(i, shape) : tf.randomNormal(shape, 0, 1, 'float32', o.seed ? o.seed() : undefined);
        next = tf.add(next, tf.mul(n, k.noise));
      }
      if (dyn.form === 'clipped') next = tf.clipByValue(next, 0, 1);
      return next as TF.Tensor2D;
    });
  });
}

/** The options of step t of a relaxation: after a clipped step every state is in [0,1], so later steps may say so. */
export function stepOptionsAt(dyn: DynamicsSpec, o: StepOptions, t: number): StepOptions {
  return t > 0 && dyn.form === 'clipped' ? { ...o, inBox: true } : o;
}

/** Runs `steps` steps; frees the intermediate states (never the ones passed in). */
export function relax(
  tf: Tf,
  net: EbmNetwork,
  clamp: Clamp,
  dyn: DynamicsSpec,
  states: TF.Tensor2D[],
  steps: number,
  o: StepOptions = {},
  each?: (t: number, s: TF.Tensor2D[]) => void,
): TF.Tensor2D[] {
  const scalars = o.scalars ?? stepScalars(tf, dyn, o.beta);
  let cur = states;
  for (let t = 0; t < steps; t++) {
    const next = step(tf, net, clamp, dyn, cur, stepOptionsAt(dyn, { ...o, scalars }, t));
    if (cur !== states) for (const s of cur) s.dispose();
    cur = next;
    each?.(t, cur);
  }
  if (!o.scalars) disposeAll(Object.values(scalars));
  return cur === states ? cur.map((s) => s.clone()) : cur;
}

/** E(s) per example, shape [batch] (2017, Eq. 2.7; the clamped layer's own terms are constants and left out). */
export function energy(tf: Tf, net: EbmNetwork, clamp: Clamp, states: TF.Tensor2D[]): TF.Tensor1D {
  return tf.tidy(() => {
    const r = states.map((s) => rho(tf, net.activation, s));
    let e: TF.Tensor = tf.zeros([states[0].shape[0]]);
    for (let i = 0; i < states.length; i++) {
      e = tf.add(e, tf.mul(tf.sum(tf.square(states[i]), 1), 0.5));
      e = tf.sub(e, tf.sum(tf.mul(r[i], net.b[i]), 1));
      const below = i === 0 ? clamp.xW0 : tf.matMul(r[i - 1], net.W[i]);
      e = tf.sub(e, tf.sum(tf.mul(below, r[i]), 1));
    }
    return e as TF.Tensor1D;
  });
}

export function zeroStates(tf: Tf, net: EbmNetwork, batch: number): TF.Tensor2D[] {
  return net.sizes.slice(1).map((n) => tf.zeros([batch, n]) as TF.Tensor2D);
}

export function oneHot(tf: Tf, labels: ArrayLike<number>, classes: number): TF.Tensor2D {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return tf.tensor2d(out, [labels.length, classes]);
}

export function disposeAll(ts: readonly { dispose(): void }[]): void {
  for (const t of ts) t.dispose();
}
