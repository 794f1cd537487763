/**
 * The elementwise part of one clipped relaxation step of a small layer as a single kernel:
 *
 *   d = below (+ above) + b;  f = d − s  (+ k(t − s) when nudged);  s' = clip(s + εf, 0, 1)
 *
 * for states in [0,1] under the hard sigmoid (ρ(s) = s, ρ'(s) = 1). As separate tfjs ops that is five ops per step (eight
 * when nudged), and at batch 20 the output layer is only [20, 10], so each op costs its dispatch, not its arithmetic:
 * measured on wasm, 14.6 µs as ops against 2.6 µs as this kernel for [20, 10]. For a [20, 500] layer the ops are the
 * faster (24 µs against 48 µs: the loop here runs in JavaScript), hence FUSED_MAX_VALUES.
 *
 * Every operation is rounded to float32 in the order the ops apply them (Math.fround after each; for +, − and × of
 * float32 values double arithmetic rounded once to float32 is exactly the float32 operation), so the result is the
 * ops' result bit for bit (checked against the ops in test/wasm-matmul.test.ts on wasm, test/ebm-dynamics.test.ts on cpu).
 *
 * Registered for the wasm and cpu backends, whose tensors are plain float32 arrays in memory reachable from
 * JavaScript; on any other backend `fusedStepAvailable` is false and the step uses the ops.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';

/** The largest layer (batch × units) the fused kernel is used for: above a few thousand values the ops are faster. */
export const FUSED_MAX_VALUES = 2000;

const KERNEL = 'EbmClippedStep';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };

interface FusedStepAttrs {
  epsilon: number;
  /** The nudge's factor on (t − s): β, or 2β for the squared cost; only with a target. */
  nudge: number;
}

/** s' for `rows` × `n` values; `above` and `target` may be absent, `bias` has n values (broadcast over the rows). */
function clippedStep(
  out: Float32Array,
  s: Float32Array,
  below: Float32Array,
  above: Float32Array | null,
  bias: Float32Array,
  target: Float32Array | null,
  rows: number,
  n: number,
  epsilon: number,
  nudge: number,
): void {
  const f32 = Math.fround;
  const eps = f32(epsilon);
  const k = f32(nudge);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let j = 0; j < n; j++, i++) {
      const sv = s[i];
      const d = f32((above ? f32(below[i] + above[i]) : below[i]) + bias[j]);
      let force = f32(d - sv);
      if (target) force = f32(force + f32(f32(target[i] - sv) * k));
      const next = f32(sv + f32(force * eps));
      out[i] = next < 0 ? 0 : next > 1 ? 1 : next;
    }
  }
}

/** How a backend's tensors are read and made as float32 arrays. */
interface Access {
  read(backend: unknown, t: TensorInfo): Float32Array;
  /** A new [rows, n] output and the array to fill. */
  make(backend: unknown, shape: number[]): { info: TensorInfo; values: Float32Array };
}

const ACCESS: Record<string, Access> = {
  // The wasm backend keeps every tensor in its heap; these are views of it, valid until the next allocation.
  wasm: {
    read: (b, t) => (b as { typedArrayFromHeap(t: TensorInfo): Float32Array }).typedArrayFromHeap(t),
    make: (b, shape) => {
      const be = b as { makeOutput(shape: number[], dtype: string): TensorInfo; typedArrayFromHeap(t: TensorInfo): Float32Array };
      const info = be.makeOutput(shape, 'float32');
      return { info, values: be.typedArrayFromHeap(info) };
    },
  },
  cpu: {
    read: (b, t) => (b as { data: { get(id: object): { values: Float32Array } } }).data.get(t.dataId).values,
    make: (b, shape) => {
      const values = new Float32Array(shape[0] * shape[1]);
      const info = (b as { makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo }).makeTensorInfo(shape, 'float32', values);
      return { info, values };
    },
  },
};

let registered = false;

function register(tf: Tf): void {
  if (registered) return;
  registered = true;
  for (const [backendName, access] of Object.entries(ACCESS)) {
    if (tf.getKernel(KERNEL, backendName)) continue;
    tf.registerKernel({
      kernelName: KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { s, below, above, bias, target } = inputs as Record<string, TensorInfo | undefined>;
        const a = attrs as unknown as FusedStepAttrs;
        const [rows, n] = s!.shape;
        // The output first: on wasm an allocation may move the heap, which would leave earlier views stale.
        const out = access.make(backend, [rows, n]);
        const read = (t: TensorInfo | undefined): Float32Array | null => (t ? access.read(backend, t) : null);
        clippedStep(out.values, read(s)!, read(below)!, read(above), read(bias)!, read(target), rows, n, a.epsilon, a.nudge);
        return out.info as never;
      },
    });
  }
}

/** Whether the current backend has the fused step (wasm and cpu). */
export function fusedStepAvailable(tf: Tf): boolean {
  return Object.hasOwn(ACCESS, tf.getBackend());
}

/**
 * The next states of one layer in [0,1] under the hard sigmoid: clip(s + ε(below + above + b − s + k(t − s)), 0, 1),
 * the terms applied in that order, as the ops of `step` apply them. `above` and `target` may be left out.
 */
export function fusedClippedStep(
  tf: Tf,
  x: { s: TF.Tensor2D; below: TF.Tensor; above?: TF.Tensor; bias: TF.Tensor; target?: TF.Tensor },
  epsilon: number,
  nudge: number,
): TF.Tensor2D {
  register(tf);
  const inputs: Record<string, TF.Tensor> = { s: x.s, below: x.below, bias: x.bias };
  if (x.above) inputs.above = x.above;
  if (x.target) inputs.target = x.target;
  const attrs: FusedStepAttrs = { epsilon, nudge };
  return tf.engine().runKernel(KERNEL, inputs as never, attrs as never) as TF.Tensor2D;
}
