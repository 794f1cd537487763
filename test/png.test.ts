import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { PNG } from 'pngjs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageGridPng, imageGridSize } from '../nodes/runtime/png.ts';
import { writeFileAtomic } from '../nodes/runtime/fs-atomic.ts';

/** Decodes a PNG and returns its size and a gray-level lookup (the red channel; the PNG is gray). */
function decode(buf: Buffer): { width: number; height: number; at: (x: number, y: number) => number; gray: boolean } {
  const png = PNG.sync.read(buf);
  const at = (x: number, y: number): number => png.data[(y * png.width + x) * 4];
  let gray = true;
  for (let i = 0; i < png.data.length; i += 4) {
    if (png.data[i] !== png.data[i + 1] || png.data[i] !== png.data[i + 2] || png.data[i + 3] !== 255) gray = false;
  }
  return { width: png.width, height: png.height, at, gray };
}

describe('imageGridPng', () => {
  // Three 2x2 images, row-major.
  const images = Float32Array.from([
    0, 1, 0.5, 2, // image 0: 0, 255, 128 (0.5*255 = 127.5 rounds up), 255 (clipped)
    -1, NaN, 0.2, 0.999, // image 1: 0 (clipped), 0 (NaN), 51, 255 (254.7 rounds up)
    0.25, 0.25, 0.25, 0.25, // image 2: 64 (63.75)
  ]);

  it('tiles images in a grid with 1-px padding and clips values', () => {
    const buf = imageGridPng(images, 3, { width: 2, height: 2 });
    expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG');
    // cols = ceil(sqrt(3)) = 2, rows = 2: width = 2*(2+1)+1 = 7, height 7.
    const img = decode(buf);
    expect([img.width, img.height]).toEqual([7, 7]);
    expect(img.gray).toBe(true);
    // padding is mid gray (0.5 -> 128) around and between the tiles
    for (const [x, y] of [[0, 0], [3, 1], [6, 6], [1, 3], [0, 5]]) expect(img.at(x, y)).toBe(128);
    // image 0 at (1,1)
    expect([img.at(1, 1), img.at(2, 1), img.at(1, 2), img.at(2, 2)]).toEqual([0, 255, 128, 255]);
    // image 1 at (4,1)
    expect([img.at(4, 1), img.at(5, 1), img.at(4, 2), img.at(5, 2)]).toEqual([0, 0, 51, 255]);
    // image 2 at (1,4): first cell of the second row
    expect([img.at(1, 4), img.at(2, 5)]).toEqual([64, 64]);
    // the empty fourth cell stays padding gray
    expect([img.at(4, 4), img.at(5, 5)]).toEqual([128, 128]);
  });

  it('honours cols, pad, padValue and per-image scaling', () => {
    const buf = imageGridPng(images, 3, { width: 2, height: 2, cols: 3, pad: 2, padValue: 1, scale: 'per-image' });
    const img = decode(buf);
    // width = 3*(2+2)+2 = 14, height = 1*(2+2)+2 = 6
    expect([img.width, img.height]).toEqual([14, 6]);
    expect([img.at(0, 0), img.at(1, 5), img.at(13, 3)]).toEqual([255, 255, 255]);
    // image 0 spans 0..2: 0, 0.5, 0.25, 1 -> 0, 128, 64, 255
    expect([img.at(2, 2), img.at(3, 2), img.at(2, 3), img.at(3, 3)]).toEqual([0, 128, 64, 255]);
    // image 2 is constant: black
    expect([img.at(10, 2), img.at(11, 3)]).toEqual([0, 0]);
  });

  it('draws 28x28 MNIST-sized tiles', () => {
    const n = 10;
    const digits = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) digits[i * 784 + 14 * 28 + 14] = 1; // one white pixel in the middle of each
    const size = imageGridSize(n, { width: 28, height: 28, cols: 5 });
    expect(size).toEqual({ cols: 5, rows: 2, width: 146, height: 59 });
    const img = decode(imageGridPng(digits, n, { width: 28, height: 28, cols: 5, pad: 1 }));
    expect([img.width, img.height]).toEqual([146, 59]);
    expect(img.at(1 + 14, 1 + 14)).toBe(255);
    expect(img.at(1 + 4 * 29 + 14, 1 + 29 + 14)).toBe(255); // last image: column 4, row 1
    expect(img.at(1 + 4 * 29 + 13, 1 + 29 + 14)).toBe(0);
  });

  it('rejects bad arguments', () => {
    expect(() => imageGridPng(images, 4, { width: 2, height: 2 })).toThrow(/need 16 values, but only 12/);
    expect(() => imageGridPng(images, 0, { width: 2, height: 2 })).toThrow(RangeError);
    expect(() => imageGridPng(images, 1, { width: 0, height: 2 })).toThrow(RangeError);
  });
});

describe('writeFileAtomic', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'atomic-test-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('writes a new file and replaces an existing one, leaving no temporary file', async () => {
    const path = join(tmp, 'grid.png');
    const png = imageGridPng(new Float32Array(4).fill(1), 1, { width: 2, height: 2 });
    await writeFileAtomic(path, png);
    expect(Buffer.compare(await readFile(path), png)).toBe(0);
    await writeFile(join(tmp, 'note.txt'), 'old');
    await writeFileAtomic(join(tmp, 'note.txt'), 'new text');
    expect(await readFile(join(tmp, 'note.txt'), 'utf8')).toBe('new text');
    expect((await readdir(tmp)).sort()).toEqual(['grid.png', 'note.txt']);
  });

  it('fails cleanly when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(tmp, 'no', 'such', 'file'), 'x')).rejects.toThrow(/ENOENT/);
    expect((await readdir(tmp)).sort()).toEqual(['grid.png', 'note.txt']);
  });

  it('keeps the old file when the rename fails', async () => {
    // Renaming a file over a non-empty folder fails: the folder must survive and no temp file remain.
    await mkdir(join(tmp, 'dir'));
    await writeFile(join(tmp, 'dir', 'inside'), 'keep');
    await expect(writeFileAtomic(join(tmp, 'dir'), 'x')).rejects.toThrow();
    expect(await readFile(join(tmp, 'dir', 'inside'), 'utf8')).toBe('keep');
    expect((await readdir(tmp)).sort()).toEqual(['dir', 'grid.png', 'note.txt']);
  });

  it('a file saved over keeps its permissions (a private graph stays private); through a link, the file it points to is saved and the link stays', async () => {
    const sub = join(tmp, 'keep');
    await mkdir(sub);
    const priv = join(sub, 'private.json');
    await writeFile(priv, 'old', { mode: 0o600 });
    await chmod(priv, 0o600);
    await writeFileAtomic(priv, 'new');
    expect((await stat(priv)).mode & 0o777).toBe(0o600);
    expect(await readFile(priv, 'utf8')).toBe('new');
    const link = join(sub, 'link.json');
    await symlink('private.json', link);
    await writeFileAtomic(link, 'through the link');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(priv, 'utf8')).toBe('through the link');
    expect((await stat(priv)).mode & 0o777).toBe(0o600);
    expect((await readdir(sub)).sort()).toEqual(['link.json', 'private.json']);
  });
});
