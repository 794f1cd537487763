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
