import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { initBackend, currentBackend, BackendError } from '../nodes/runtime/backend.ts';

const require = createRequire(import.meta.url);
const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const hasNode = installed('@tensorflow/tfjs-node');
const hasNodeGpu = installed('@tensorflow/tfjs-node-gpu');

// The tests run in order and share the process-wide backend singleton.
describe('initBackend', () => {
  it.runIf(!hasNode && !hasNodeGpu)('auto picks wasm (with SIMD) when tfjs-node is not installed', async () => {
    const b = await initBackend();
    expect(b.name).toBe('wasm');
    expect(b.tf.getBackend()).toBe('wasm');
    expect(b.requested).toBe('auto');
    expect(b.note).toMatch(/^wasm \(SIMD, 1 thread; chosen automatically; tfjs-node-gpu not installed; tfjs-node not installed\)$/);
    const c = b.tf.matMul(b.tf.tensor2d([[1, 2], [3, 4]]), b.tf.tensor2d([[5], [6]]));
    expect(Array.from(c.dataSync())).toEqual([17, 39]);
    c.dispose();
  });

  it('returns the same object on repeated calls', async () => {
    const a = await initBackend('auto');
    expect(await initBackend()).toBe(a);
    expect(await initBackend(a.name === 'tensorflow' ? 'auto' : (a.name as 'wasm' | 'cpu'))).toBe(a);
    expect(currentBackend()).toBe(a);
    const [x, y] = await Promise.all([initBackend(), initBackend()]);
    expect(x).toBe(a);
    expect(y).toBe(a);
  });

  it('forced cpu works, without tfjs\'s banner about the native backend in the middle of a run\'s output', async () => {
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warned.push(a.join(' '));
    let b;
    try {
      b = await initBackend('cpu');
      const c = b.tf.matMul(b.tf.tensor2d([[1, 2]]), b.tf.tensor2d([[3], [4]]));
      expect(Array.from(c.dataSync())).toEqual([11]);
      c.dispose();
    } finally {
      console.warn = warn;
    }
    expect(warned.filter((w) => /looks like you are running TensorFlow\.js/.test(w))).toEqual([]);
    expect(b.name).toBe('cpu');
    expect(b.tf.getBackend()).toBe('cpu');
    expect(b.note).toContain('asked for by name');
    expect(await initBackend('cpu')).toBe(b);
    expect(await initBackend()).toBe(b);
  });

  it.runIf(!hasNode)('forced tensorflow gives a clear error and keeps the current backend', async () => {
    const before = currentBackend();
    const err = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe(
      'backend tensorflow is not available: @tensorflow/tfjs-node is not installed (it is optional; install it with npm i @tensorflow/tfjs-node)',
    );
    expect(currentBackend()).toBe(before);
    expect(before?.tf.getBackend()).toBe(before?.name);
  });

  it.runIf(!hasNodeGpu)('forced tensorflow-gpu gives a clear error', async () => {
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(
      /^backend tensorflow-gpu is not available: @tensorflow\/tfjs-node-gpu is not installed \(it is optional and needs CUDA; install it with npm i @tensorflow\/tfjs-node-gpu\)$/,
    );
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend('webgl' as never)).rejects.toThrow(/unknown backend 'webgl'/);
  });

  it('can switch back to wasm by name', async () => {
    const b = await initBackend('wasm');
    expect(b.name).toBe('wasm');
    expect(b.tf.getBackend()).toBe('wasm');
    expect(await initBackend('wasm')).toBe(b);
  });
});
