import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataError, parseIdx, parseIdxImages, parseIdxLabels, readIdxFile } from '../nodes/runtime/data/idx.ts';
import { idx } from './support/idx.ts';
import { loadMnist, splitTrainValid, takeFirst, findMnistFiles, IMAGE_SIZE } from '../nodes/runtime/data/mnist.ts';

const MNIST_DIR = fileURLToPath(new URL('../../shared/data/mnist', import.meta.url));

/** Runs `fn`, expects a DataError, and returns its message. */
function dataErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as DataError).message;
  }
  throw new Error('expected a DataError, but nothing was thrown');
}

async function asyncDataErrorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as DataError).message;
  }
  throw new Error('expected a DataError, but the promise resolved');
}

describe('parseIdx on the real MNIST files', () => {
  it('reads the label files (gzipped) with the published counts and first labels', () => {
    const train = parseIdx(readFileSync(join(MNIST_DIR, 'train-labels-idx1-ubyte.gz')), 'train-labels-idx1-ubyte.gz');
    expect(train.dims).toEqual([60000]);
    expect(train.data.length).toBe(60000);
    expect(Array.from(train.data.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    const test = parseIdx(readFileSync(join(MNIST_DIR, 't10k-labels-idx1-ubyte.gz')), 't10k-labels-idx1-ubyte.gz');
    expect(test.dims).toEqual([10000]);
    expect(Array.from(test.data.subarray(0, 3))).toEqual([7, 2, 1]);
  });

  it('reads the test images with dims [10000, 28, 28]', async () => {
    const images = await readIdxFile(join(MNIST_DIR, 't10k-images-idx3-ubyte.gz'));
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(images.data.length).toBe(10000 * 784);
    let max = 0;
    for (const v of images.data) if (v > max) max = v;
    expect(max).toBe(255);
  });

  it('loadMnist({dir}) gives 60,000 + 10,000 digits in [0,1], cached per folder', async () => {
    const m = await loadMnist({ dir: MNIST_DIR });
    expect(m.source).toBe('idx');
    expect(m.train.n).toBe(60000);
    expect(m.test.n).toBe(10000);
    expect(m.train.images.length).toBe(60000 * IMAGE_SIZE);
    expect(m.test.images.length).toBe(10000 * IMAGE_SIZE);
    expect(m.train.labels[0]).toBe(5);
    expect(m.test.labels[0]).toBe(7);
    let min = Infinity;
    let max = -Infinity;
    for (const v of m.train.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // The first training digit (a 5) has 166 non-zero pixels.
    const first = m.train.images.subarray(0, IMAGE_SIZE);
    expect(first.filter((v) => v > 0).length).toBe(166);
    expect(m.description).toContain('60,000 training');
    expect(await loadMnist({ dir: MNIST_DIR + '/' })).toBe(m);
  });

  it('splitTrainValid takes the last examples as validation; takeFirst the first ones', async () => {
    const m = await loadMnist({ dir: MNIST_DIR });
    const { train, valid } = splitTrainValid(m.train, 10000);
    expect(train.n).toBe(50000);
    expect(valid.n).toBe(10000);
    expect(train.labels.length).toBe(50000);
    expect(valid.images.length).toBe(10000 * IMAGE_SIZE);
    expect(valid.labels[0]).toBe(m.train.labels[50000]);
    expect(valid.images[300]).toBe(m.train.images[50000 * IMAGE_SIZE + 300]);
    const few = takeFirst(m.test, 100);
    expect(few.n).toBe(100);
    expect(few.labels.length).toBe(100);
    expect(few.images.length).toBe(100 * IMAGE_SIZE);
    expect(takeFirst(m.test, 1e6).n).toBe(10000);
    expect(() => splitTrainValid(m.train, 60000)).toThrow(DataError);
    expect(() => takeFirst(m.test, -1)).toThrow(DataError);
  });
});

describe('parseIdx on malformed input', () => {
  const labelsGz = readFileSync(join(MNIST_DIR, 't10k-labels-idx1-ubyte.gz'));
  const labelsRaw = new Uint8Array(gunzipSync(labelsGz));

  it('reports a truncated uncompressed file with expected and found byte counts', () => {
    const msg = dataErrorOf(() => parseIdx(labelsRaw.subarray(0, 5008), 'cut-labels'));
    expect(msg).toContain('cut-labels');
    expect(msg).toContain('truncated');
    expect(msg).toContain('10,000 bytes of data, found 5,000 bytes');
  });

  it('reports a truncated header', () => {
    expect(dataErrorOf(() => parseIdx(labelsRaw.subarray(0, 6), 'x'))).toMatch(/truncated: its IDX header with 1 dimensions needs 8 bytes, found 6/);
    expect(dataErrorOf(() => parseIdx(labelsRaw.subarray(0, 3), 'x'))).toMatch(/truncated: an IDX header needs at least 4 bytes, found 3/);
  });

  it('reports a truncated gzip file', () => {
    const msg = dataErrorOf(() => parseIdx(labelsGz.subarray(0, labelsGz.length / 2), 't10k-labels-idx1-ubyte.gz'));
    expect(msg).toContain('t10k-labels-idx1-ubyte.gz');
    expect(msg).toContain('truncated');
    expect(msg).toContain('gzip');
    expect(msg).toMatch(/expected 10,000 bytes of data, found [\d,]+ bytes/);
  });

  it('reports a gzip file whose decompressed content is truncated', () => {
    const msg = dataErrorOf(() => parseIdx(gzipSync(labelsRaw.subarray(0, 108)), 'short.gz'));
    expect(msg).toMatch(/decompressed content of short\.gz is truncated/);
    expect(msg).toContain('10,000 bytes of data, found 100 bytes');
  });

  it('reports a corrupted gzip stream', () => {
    const bad = Uint8Array.from(labelsGz);
    for (let i = 100; i < 140; i++) bad[i] ^= 0x5a;
    const msg = dataErrorOf(() => parseIdx(bad, 'corrupt.gz'));
    expect(msg).toMatch(/corrupt\.gz has a corrupted gzip stream/);
  });

  it('reports a bad magic number', () => {
    const bad = Uint8Array.from(labelsRaw);
    bad[0] = 0x12;
    bad[1] = 0x34;
    const msg = dataErrorOf(() => parseIdx(bad, 'bad-magic'));
    expect(msg).toContain('bad-magic');
    expect(msg).toContain('bad magic number 0x12340801');
    expect(dataErrorOf(() => parseIdx(new TextEncoder().encode('hello, world'), 'text.txt'))).toContain('not an IDX file');
  });

  it('reports an unsupported or unknown data type', () => {
    expect(dataErrorOf(() => parseIdx(idx([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d), 'floats'))).toMatch(
      /unsupported IDX data type 0x0d \(float32\)/,
    );
    expect(dataErrorOf(() => parseIdx(idx([2], [0, 0], 0x42), 'odd'))).toMatch(/unknown IDX data type 0x42/);
  });

  it('reports an empty file and an empty gzip', () => {
    expect(dataErrorOf(() => parseIdx(new Uint8Array(0), 'empty-file'))).toMatch(/empty-file is empty/);
    expect(dataErrorOf(() => parseIdx(gzipSync(new Uint8Array(0)), 'empty.gz'))).toMatch(/decompressed content of empty\.gz is empty/);
  });

  it('reports trailing bytes, wrong rank, wrong image size and out-of-range labels', () => {
    expect(dataErrorOf(() => parseIdx(Uint8Array.of(...idx([2], [1, 2]), 9, 9), 'long'))).toMatch(/2 unexpected bytes after the data/);
    expect(dataErrorOf(() => parseIdxImages(idx([2], [1, 2]), 'lbl'))).toMatch(/not an image file/);
    expect(dataErrorOf(() => parseIdxLabels(idx([1, 1, 1], [1]), 'img'))).toMatch(/not a label file/);
    expect(dataErrorOf(() => parseIdxImages(idx([1, 2, 2], [1, 2, 3, 4]), 'small', { rows: 28, cols: 28 }))).toMatch(
      /2x2 images where 28x28 images were expected/,
    );
    expect(dataErrorOf(() => parseIdxLabels(idx([3], [1, 12, 3]), 'lbl', 10))).toMatch(/label 12 at index 1/);
    // No images at all: said here, not as a shape error in the first layer (or an empty validation set) later.
    expect(dataErrorOf(() => parseIdxImages(idx([0, 28, 28], []), 'none', { rows: 28, cols: 28 }))).toBe('File none holds no images (its IDX header gives a count of 0).');
  });
});

describe('an IDX file of the other sort (user review)', () => {
  it('says a label file with an image file\'s magic number is not a label file, not that it is truncated by an absurd byte count', () => {
    // 500 labels behind the magic number 0x00000803: the label bytes are then read as two more sizes.
    const labels = Array.from({ length: 500 }, (_, i) => i % 10);
    const bytes = Uint8Array.of(0, 0, 8, 3, 0, 0, 1, 0xf4, ...labels);
    const msg = dataErrorOf(() => parseIdxLabels(gzipSync(bytes), 'train-labels-idx1-ubyte.gz', 10));
    expect(msg).toBe(
      "The decompressed content of train-labels-idx1-ubyte.gz is not a label file: its magic number 0x00000803 declares 3 dimensions, as an image file's does, where a label file has 1 (magic number 0x00000801). Is it the right file?",
    );
    expect(msg).not.toMatch(/truncated/);
  });

  it('says an image file with a label file\'s magic number is not an image file, not that it has unexpected bytes', () => {
    const bytes = idx([2], new Array(2 * 784 + 16).fill(0));
    const msg = dataErrorOf(() => parseIdxImages(bytes, 'train-images-idx3-ubyte', { rows: 28, cols: 28 }));
    expect(msg).toMatch(/^File train-images-idx3-ubyte is not an image file: its magic number 0x00000801 declares 1 dimension, as a label file's does, where an image file has 3/);
  });
});

describe('loadMnist({dir}) on bad folders', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'idx-test-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const img = (n: number): Uint8Array => idx([n, 28, 28], new Uint8Array(n * 784).fill(255));
  const lbl = (n: number): Uint8Array => idx([n], new Uint8Array(n).fill(3));

  it('reports a missing folder', async () => {
    const missing = join(tmp, 'nope');
    const msg = await asyncDataErrorOf(loadMnist({ dir: missing }));
    expect(msg).toContain(missing);
    expect(msg).toContain('does not exist');
    expect(msg).toContain('train-images-idx3-ubyte');
  });

  it('reports a path that is a file, not a folder', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'x');
    expect(await asyncDataErrorOf(loadMnist({ dir: file }))).toContain('is not a folder');
  });

  it('reports which file is missing where', async () => {
    const dir = join(tmp, 'three');
    await mkdir(dir);
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(img(2)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), lbl(2));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), img(1));
    const msg = await asyncDataErrorOf(loadMnist({ dir }));
    expect(msg).toContain('t10k-labels-idx1-ubyte(.gz) was not found in ' + dir);
    expect(msg).toContain(join(dir, 't10k-labels-idx1-ubyte'));
  });

  it('names the IDX files the folder holds under other names (EMNIST\'s, say), when the expected ones are missing (user review)', async () => {
    const dir = join(tmp, 'emnist');
    await mkdir(dir);
    for (const name of ['emnist-digits-train-images-idx3-ubyte.gz', 'emnist-digits-train-labels-idx1-ubyte.gz', 'emnist-digits-test-images-idx3-ubyte.gz', 'emnist-digits-test-labels-idx1-ubyte.gz', 'README.txt'])
      await writeFile(join(dir, name), 'x');
    const msg = await asyncDataErrorOf(loadMnist({ dir }));
    expect(msg).toMatch(/^MNIST files train-images-idx3-ubyte\(\.gz\), .* were not found in /);
    expect(msg).toContain(
      ' The folder holds IDX files emnist-digits-test-images-idx3-ubyte.gz, emnist-digits-test-labels-idx1-ubyte.gz, emnist-digits-train-images-idx3-ubyte.gz, emnist-digits-train-labels-idx1-ubyte.gz under other names: rename them (or make links) to the names above.',
    );
    expect(msg).not.toContain('README');
  });

  it('reports a dims mismatch between images and labels', async () => {
    const dir = join(tmp, 'mismatch');
    await mkdir(dir);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), img(3));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), lbl(2));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), img(1));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), lbl(1));
    const msg = await asyncDataErrorOf(loadMnist({ dir }));
    expect(msg).toMatch(/mismatch between images and labels/);
    expect(msg).toContain('has 3 images but');
    expect(msg).toContain('has 2 labels');
  });

  it('accepts the dotted file names, gzipped or not', async () => {
    const dir = join(tmp, 'dotted');
    await mkdir(dir);
    await writeFile(join(dir, 'train-images.idx3-ubyte'), img(3));
    await writeFile(join(dir, 'train-labels.idx1-ubyte.gz'), gzipSync(lbl(3)));
    await writeFile(join(dir, 't10k-images.idx3-ubyte.gz'), gzipSync(img(2)));
    await writeFile(join(dir, 't10k-labels.idx1-ubyte'), lbl(2));
    const files = await findMnistFiles(dir);
    expect(files.trainLabels).toBe(join(dir, 'train-labels.idx1-ubyte.gz'));
    const m = await loadMnist({ dir });
    expect(m.train.n).toBe(3);
    expect(m.test.n).toBe(2);
    expect(m.train.images[0]).toBe(1);
    expect(m.test.labels[1]).toBe(3);
  });
});
