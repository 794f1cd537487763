// PNG output without a DOM: tiles grayscale images into a grid and encodes it with pngjs.

import { PNG } from 'pngjs';

/** The value on an `image` port: an encoded PNG and its size (what Picture writes and the run panel shows). */
export interface Picture {
  png: Buffer;
  width: number;
  height: number;
}

export interface ImageGridOptions {
  /** Width of one image in pixels (28 for MNIST). */
  width: number;
  /** Height of one image in pixels (28 for MNIST). */
  height: number;
  /** Images per row of the grid; default ceil(sqrt(count)). */
  cols?: number;
  /** Padding in pixels between images and around the grid; default 1. */
  pad?: number;
  /** Gray level of the padding, in [0,1]; default 0.5 (mid gray, visible against black and white digits). */
  padValue?: number;
  /**
   * How image values map to gray levels: 'clip' (default) takes values in [0,1] as they are and clips
   * the rest; 'per-image' rescales each image's own min..max to 0..1 (for weights or receptive fields).
   */
  scale?: 'clip' | 'per-image';
}

/** Size in pixels of the grid that `imageGridPng` draws. */
export function imageGridSize(
  count: number,
  opts: Pick<ImageGridOptions, 'width' | 'height' | 'cols' | 'pad'>,
): { cols: number; rows: number; width: number; height: number } {
  const pad = opts.pad ?? 1;
  const cols = Math.max(1, Math.min(count, opts.cols ?? Math.ceil(Math.sqrt(count))));
  const rows = Math.ceil(count / cols);
  return { cols, rows, width: cols * (opts.width + pad) + pad, height: rows * (opts.height + pad) + pad };
}

const toByte = (v: number): number => (v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0); // NaN -> 0

/**
 * Tiles the first `count` images of `images` (each width*height values, row-major, image after
 * image; values in [0,1], clipped) into a grid, left to right then top to bottom, and returns it
 * as an 8-bit grayscale PNG. Cells of the last row past `count` are left in the padding gray.
 */
export function imageGridPng(images: Float32Array | ArrayLike<number>, count: number, opts: ImageGridOptions): Buffer {
  const { width: w, height: h } = opts;
  const pad = opts.pad ?? 1;
  const padValue = opts.padValue ?? 0.5;
  if (!Number.isInteger(w) || w < 1 || !Number.isInteger(h) || h < 1) {
    throw new RangeError(`imageGridPng: image size must be positive whole numbers, got ${w}x${h}.`);
  }
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`imageGridPng: pad must be a whole number >= 0, got ${pad}.`);
  if (opts.cols !== undefined && (!Number.isInteger(opts.cols) || opts.cols < 1)) {
    throw new RangeError(`imageGridPng: cols must be a whole number >= 1, got ${opts.cols}.`);
  }
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`imageGridPng: count must be a whole number >= 1, got ${count}.`);
  const per = w * h;
  if (images.length < count * per) {
    throw new RangeError(
      `imageGridPng: ${count} images of ${w}x${h} need ${count * per} values, but only ${images.length} were given.`,
    );
  }
  const grid = imageGridSize(count, { width: w, height: h, cols: opts.cols, pad });
  const out = Buffer.alloc(grid.width * grid.height, toByte(padValue));
  for (let i = 0; i < count; i++) {
    const base = i * per;
    let lo = 0;
    let span = 1;
    if (opts.scale === 'per-image') {
      let mn = Infinity;
      let mx = -Infinity;
      for (let p = 0; p < per; p++) {
        const v = images[base + p];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (Number.isFinite(mn) && Number.isFinite(mx) && mx > mn) {
        lo = mn;
        span = mx - mn;
      } else {
        lo = Number.isFinite(mn) ? mn : 0; // a constant image draws black
      }
    }
    const x0 = pad + (i % grid.cols) * (w + pad);
    const y0 = pad + Math.floor(i / grid.cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      const row = (y0 + y) * grid.width + x0;
      for (let x = 0; x < w; x++) out[row + x] = toByte((images[base + y * w + x] - lo) / span);
    }
  }
  const png = new PNG({ width: grid.width, height: grid.height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = out;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/**
 * Weights as tiles: for each of the first `count` units, the `nIn` weights that connect it to the pixels, mapped
 * to gray levels 0.5 + 0.5·w/max|w| with each unit's own largest |w| (an all-zero unit is all 0.5), unit after
 * unit. `W` is row-major; `layout` says which index is the unit: 'columns' for an [nIn, nUnits] matrix (the
 * weights into unit j, e.g. an encoder's), 'rows' for an [nUnits, nIn] matrix (the weights out of unit j, e.g. a
 * decoder's).
 */
export function weightTiles(W: ArrayLike<number>, nIn: number, nUnits: number, count: number, layout: 'columns' | 'rows' = 'columns'): Float32Array {
  const n = Math.min(count, nUnits);
  const at = layout === 'columns' ? (i: number, j: number) => W[i * nUnits + j] : (i: number, j: number) => W[j * nIn + i];
  const out = new Float32Array(n * nIn);
  for (let j = 0; j < n; j++) {
    let m = 0;
    for (let i = 0; i < nIn; i++) m = Math.max(m, Math.abs(at(i, j)));
    for (let i = 0; i < nIn; i++) out[j * nIn + i] = m > 0 ? 0.5 + (0.5 * at(i, j)) / m : 0.5;
  }
  return out;
}

/**
 * The trainers' live `fields` picture: the first `count` units' weights from a square input as square tiles,
 * about as many columns as rows (`minus`: draw the change from these weights).
 */
export function fieldsPicture(W: ArrayLike<number>, nIn: number, nUnits: number, count: number, minus?: ArrayLike<number>): Picture {
  const cols = Math.ceil(Math.sqrt(Math.min(count, nUnits)));
  return weightTilesPicture(W, { nIn, nUnits, count, cols, width: Math.sqrt(nIn), ...(minus ? { minus } : {}) });
}

/**
 * `weightTiles` drawn as a grid picture, `width` pixels a tile row, 1-pixel black padding (gray is a weight of 0).
 * With `minus` (the same matrix of a reference, e.g. the initial weights) it draws the change W − minus.
 */
export function weightTilesPicture(
  W: ArrayLike<number>,
  o: { nIn: number; nUnits: number; count: number; cols: number; width: number; layout?: 'columns' | 'rows'; minus?: ArrayLike<number> },
): Picture {
  const minus = o.minus;
  const drawn = minus ? Array.from(W, (w, k) => w - minus[k]) : W;
  const tiles = weightTiles(drawn, o.nIn, o.nUnits, o.count, o.layout);
  const count = tiles.length / o.nIn;
  const grid = { width: o.width, height: o.nIn / o.width, cols: o.cols, padValue: 0 };
  const size = imageGridSize(count, grid);
  return { png: imageGridPng(tiles, count, grid), width: size.width, height: size.height };
}
