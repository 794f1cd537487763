/**
 * The wasm backend multiplies plain matrices with XNNPACK but falls back to a slow loop when a
 * matMul asks for a transposed operand (measured ~30x slower for [100,784]x[784,1000]). Autodiff
 * asks for exactly that (dA = dy B^T, dB = A^T dy), and so does any user graph with transposes.
 * This wraps the wasm BatchMatMul and _FusedMatMul kernels: a transposed operand is transposed
 * explicitly first (a copy, cheap beside the product) and the fast path is used.
 */
import type * as TF from '@tensorflow/tfjs';

type KernelConfig = NonNullable<ReturnType<typeof TF.getKernel>>;
type TensorInfo = { dataId: object; shape: number[]; dtype: string };

let patched = false;

export function patchWasmMatMul(tf: typeof TF): void {
  if (patched) return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm') as KernelConfig | undefined;
    if (!original) continue;
    const kernelFunc: KernelConfig['kernelFunc'] = (args) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } & Record<string, unknown>;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const backend = args.backend as { disposeData(id: object): void };
      const temps: TensorInfo[] = [];
      const flip = (t: TensorInfo): TensorInfo => {
        const r = t.shape.length;
        const perm = [...Array(r - 2).keys(), r - 1, r - 2];
        const out = transpose.kernelFunc({ inputs: { x: t as never }, backend: args.backend, attrs: { perm } as never }) as unknown as TensorInfo;
        temps.push(out);
        return out;
      };
      const inputs = { ...(args.inputs as Record<string, TensorInfo>) };
      if (attrs.transposeA) inputs.a = flip(inputs.a);
      if (attrs.transposeB) inputs.b = flip(inputs.b);
      const result = original.kernelFunc({ ...args, inputs: inputs as never, attrs: { ...attrs, transposeA: false, transposeB: false } as never });
      for (const t of temps) backend.disposeData(t.dataId);
      return result;
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
  patched = true;
}
