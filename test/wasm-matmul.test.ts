import { describe, expect, it } from 'vitest';
import { initBackend } from '../nodes/runtime/backend.ts';

describe('wasm transposed matMul', () => {
  it('gives the same numbers as an explicit transpose, for plain and fused products, without leaking', async () => {
    const { tf, name } = await initBackend('wasm');
    expect(name).toBe('wasm');
    // a = [[1,2],[3,4],[5,6]] (3x2); b = [[1,0,2],[0,1,3]] (2x3)
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const b = tf.tensor2d([1, 0, 2, 0, 1, 3], [2, 3]);
    const before = tf.memory().numTensors;
    // a^T a = [[1+9+25, 2+12+30],[2+12+30, 4+16+36]] = [[35,44],[44,56]]
    const ata = tf.matMul(a, a, true, false);
    expect(Array.from(ata.dataSync())).toEqual([35, 44, 44, 56]);
    // b b^T = [[1+0+4, 0+0+6],[6, 0+1+9]] = [[5,6],[6,10]]
    const bbt = tf.matMul(b, b, false, true);
    expect(Array.from(bbt.dataSync())).toEqual([5, 6, 6, 10]);
    // relu(a^T a + [-40, 0]) = [[0,44],[4,56]]
    const fused = tf.fused.matMul({ a, b: a, transposeA: true, bias: tf.tensor1d([-40, 0]), activation: 'relu' });
    expect(Array.from(fused.dataSync())).toEqual([0, 44, 4, 56]);
    tf.dispose([ata, bbt, fused]);
    // the bias tensor above is the one tensor left behind by this test itself
    expect(tf.memory().numTensors).toBe(before + 1);
  });
});

describe('the energy-based network on wasm', () => {
  it('ρ(x)W0 as computed for a clamp, (W0ᵀ ρ(x)ᵀ)ᵀ, is bit-identical to the plain product', async () => {
    const { tf } = await initBackend('wasm');
    const { clampInput, initNetwork } = await import('../nodes/runtime/ebm/network.ts');
    let seed = 1;
    const net = initNetwork(tf, [784, 500, 10], 'hard_sigmoid', { init: 'glorot_uniform', scale: 1, bias: 0, seed: () => seed++ });
    const x = tf.randomUniform([20, 784], 0, 1, 'float32', 7);
    const clamp = clampInput(tf, net, x as never);
    const plain = tf.matMul(x, net.W[0]);
    expect(Array.from(clamp.xW0.dataSync())).toEqual(Array.from(plain.dataSync()));
    // and the kept transpose of W1 gives the same top-down drive as a transposed product
    const y = tf.randomUniform([20, 10], 0, 1, 'float32', 8);
    expect(Array.from(tf.matMul(y, clamp.Wt[1]!).dataSync())).toEqual(Array.from(tf.matMul(y, net.W[1], false, true).dataSync()));
    clamp.dispose();
    tf.dispose([x, plain, y]);
    net.dispose();
  });

  it('a step through the fused kernel for small layers (fused-step.ts) is bit-identical to the ops, free and nudged', async () => {
    const { tf } = await initBackend('wasm');
    const { clampInput, disposeAll, initNetwork, step } = await import('../nodes/runtime/ebm/network.ts');
    let seed = 3;
    // Small layers, so each goes through the kernel (the middle one with input from above and below), and a bias
    // and weights large enough to saturate many units at 0 and 1.
    const net = initNetwork(tf, [30, 20, 15, 10], 'hard_sigmoid', { init: 'glorot_uniform', scale: 2, bias: 0.1, seed: () => seed++ });
    const x = tf.randomUniform([8, 30], 0, 1, 'float32', 7);
    const clamp = clampInput(tf, net, x as never);
    const init = [20, 15, 10].map((k, i) => tf.clipByValue(tf.randomUniform([8, k], -0.5, 1.5, 'float32', 20 + i), 0, 1) as never);
    const target = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    for (const cost of ['squared', 'half_squared'] as const) {
      const dyn = { type: 'ebm.dynamics' as const, epsilon: 0.3, sigma: 0, steps: 1, form: 'clipped' as const, nudge: { beta: 0.7, randomSign: false, cost } };
      for (const o of [{}, { beta: -0.7, target }]) {
        // without inBox the step computes ρ and ρ' and takes the ops; with it, the kernel
        const ops = step(tf, net, clamp, dyn, init, o);
        const fused = step(tf, net, clamp, dyn, init, { ...o, inBox: true });
        ops.forEach((t, i) => expect(Array.from(fused[i].dataSync())).toEqual(Array.from(t.dataSync())));
        disposeAll([...ops, ...fused]);
      }
    }
    disposeAll([...init, x, target]);
    clamp.dispose();
    net.dispose();
  });
});
