/** IDX files for the data tests: one file built in memory, or a folder of the four MNIST files of made-up digits. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Builds an uncompressed IDX file of unsigned bytes (or of the element `type` given). */
export function idx(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(data), 4 + 4 * dims.length);
  return out;
}

/** Writes the four MNIST files, gzipped, into `dir` (made if need be): `train` and `test` made-up 28x28 images. */
export function mnistFolder(dir: string, train: number, test: number): string {
  mkdirSync(dir, { recursive: true });
  for (const [prefix, n] of [['train', train], ['t10k', test]] as const) {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const images = Uint8Array.from({ length: n * 784 }, (_, i) => ((Math.floor(i / 784) % 10) * 25 + (i % 28)) % 256);
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(idx([n, 28, 28], images)));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(idx([n], labels)));
  }
  return dir;
}
