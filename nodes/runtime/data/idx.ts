// Parser for the IDX format of the MNIST files (idx3 images, idx1 labels), gzipped or not.
//
// Layout of an IDX file: two zero bytes, one data-type byte, one byte giving the number of
// dimensions d, then d big-endian uint32 sizes, then the data in row-major order.
// Only unsigned bytes (type 0x08) are supported: that is what every MNIST-style file uses.
//
// Every malformed input throws a DataError whose message names the file and the problem.

import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { readFile } from 'node:fs/promises';

/** An error in a data file or data folder given by the user. The message is one readable sentence. */
export class DataError extends Error {
  /** The file or folder the problem is about. */
  readonly file: string;
  constructor(message: string, file: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
    this.file = file;
  }
}

/** A parsed IDX file: its dimensions and its bytes (a view, not a copy, of the decompressed buffer). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** The IDX data types, by their type byte. */
const IDX_TYPES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const hex = (n: number, digits: number): string => '0x' + n.toString(16).padStart(digits, '0');

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** True when the buffer starts with the gzip magic number 0x1f 0x8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * Decompresses `buf` if it is gzipped (detected by its magic number), otherwise returns it as is.
 * A truncated or corrupted gzip stream is a DataError naming the file.
 */
export function maybeGunzip(buf: Uint8Array, fileName: string): Uint8Array {
  if (buf.length === 0) throw new DataError(`File ${fileName} is empty (0 bytes).`, fileName);
  if (!isGzip(buf)) return buf;
  try {
    const out = gunzipSync(buf);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const errno = (err as { errno?: unknown }).errno;
    const detail = err instanceof Error ? err.message : String(err);
    if (code === 'Z_BUF_ERROR' || errno === zlibConstants.Z_BUF_ERROR) {
      throw new DataError(
        `File ${fileName} is truncated: its gzip stream ends early${describePartial(buf)} (zlib: ${detail}).`,
        fileName,
        { cause: err },
      );
    }
    throw new DataError(
      `File ${fileName} has a corrupted gzip stream and cannot be decompressed (zlib: ${detail}).`,
      fileName,
      { cause: err },
    );
  }
}

/** For a truncated gzip stream: how much IDX data the part that is there holds, if its header can be read. */
function describePartial(buf: Uint8Array): string {
  let part: Uint8Array;
  try {
    part = gunzipSync(buf, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return '';
  }
  if (part.length < 4 || part[0] !== 0 || part[1] !== 0) return '';
  const ndims = part[3];
  const headerBytes = 4 + 4 * ndims;
  if (ndims === 0 || part.length < headerBytes) return '';
  const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
  let expected = 1;
  for (let i = 0; i < ndims; i++) expected *= view.getUint32(4 + 4 * i, false);
  return `: expected ${plural(expected, 'byte')} of data, found ${plural(Math.max(0, part.length - headerBytes), 'byte')}`;
}

/** What a file with `ndims` dimensions is, for messages about a file of the other sort. */
const SORT_BY_NDIMS: Readonly<Record<number, string>> = { 1: 'a label file', 3: 'an image file' };

/**
 * Parses an IDX file (gzipped or not) whose raw bytes are `buf`; `fileName` is used in error messages.
 * With `expectNdims`, a header with another number of dimensions is refused before its sizes are read: a label
 * file whose magic number is an image file's would otherwise be called truncated by an absurd byte count.
 * Returns the dimensions and a view on the data bytes.
 */
export function parseIdx(buf: Uint8Array, fileName: string, expectNdims?: { ndims: number; what: string }): IdxArray {
  const raw = maybeGunzip(buf, fileName);
  const what = isGzip(buf) ? `the decompressed content of ${fileName}` : `file ${fileName}`;
  const What = what[0].toUpperCase() + what.slice(1);
  if (raw.length === 0) throw new DataError(`${What} is empty (0 bytes).`, fileName);
  if (raw.length < 4) {
    throw new DataError(
      `${What} is truncated: an IDX header needs at least 4 bytes, found ${raw.length}.`,
      fileName,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  if (raw[0] !== 0 || raw[1] !== 0) {
    const gz = isGzip(buf) ? '' : ' (nor a gzip file)';
    throw new DataError(
      `${What} is not an IDX file${gz}: bad magic number ${hex(magic, 8)} (an IDX file starts with two zero bytes, e.g. 0x00000803 for images or 0x00000801 for labels).`,
      fileName,
    );
  }
  const type = raw[2];
  const ndims = raw[3];
  if (!(type in IDX_TYPES)) {
    throw new DataError(
      `${What} has an unknown IDX data type ${hex(type, 2)} in magic number ${hex(magic, 8)}.`,
      fileName,
    );
  }
  if (type !== 0x08) {
    throw new DataError(
      `${What} has unsupported IDX data type ${hex(type, 2)} (${IDX_TYPES[type]}); only unsigned bytes (0x08) are supported.`,
      fileName,
    );
  }
  if (ndims === 0) {
    throw new DataError(`${What} declares 0 dimensions in its IDX header (magic number ${hex(magic, 8)}).`, fileName);
  }
  if (expectNdims && ndims !== expectNdims.ndims) {
    const sort = SORT_BY_NDIMS[ndims] ? `, as ${SORT_BY_NDIMS[ndims]}'s does` : '';
    throw new DataError(
      `${What} is not ${expectNdims.what}: its magic number ${hex(magic, 8)} declares ${ndims} dimension${ndims === 1 ? '' : 's'}${sort}, where ${expectNdims.what} has ${expectNdims.ndims} (magic number ${hex(0x800 + expectNdims.ndims, 8)}). Is it the right file?`,
      fileName,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) {
    throw new DataError(
      `${What} is truncated: its IDX header with ${ndims} dimensions needs ${headerBytes} bytes, found ${raw.length}.`,
      fileName,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = raw.length - headerBytes;
  if (found < expected) {
    throw new DataError(
      `${What} is truncated: dims [${dims.join(', ')}] call for ${plural(expected, 'byte')} of data, found ${plural(found, 'byte')}.`,
      fileName,
    );
  }
  if (found > expected) {
    throw new DataError(
      `${What} has ${plural(found - expected, 'unexpected byte')} after the data (dims [${dims.join(', ')}] call for ${plural(expected, 'byte')} of data, found ${plural(found, 'byte')}).`,
      fileName,
    );
  }
  return { dims, data: raw.subarray(headerBytes, headerBytes + expected) };
}

/** Parsed idx3 images: `count` images of `rows` x `cols` bytes each, row-major, image after image. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  data: Uint8Array;
}

/** Parses an idx3 image file; with `expectSize`, checks the image size (e.g. 28x28 for MNIST). */
export function parseIdxImages(
  buf: Uint8Array,
  fileName: string,
  expectSize?: { rows: number; cols: number },
): IdxImages {
  const { dims, data } = parseIdx(buf, fileName, { ndims: 3, what: 'an image file' });
  if (dims.length !== 3) {
    throw new DataError(
      `File ${fileName} is not an image file: it has ${dims.length} dimension${dims.length === 1 ? '' : 's'} [${dims.join(', ')}] where images need 3 (count, rows, cols).`,
      fileName,
    );
  }
  const [count, rows, cols] = dims;
  // An image file with no images: a split with nothing to train on or test would fail later, far from the cause.
  if (count === 0) throw new DataError(`File ${fileName} holds no images (its IDX header gives a count of 0).`, fileName);
  if (expectSize && (rows !== expectSize.rows || cols !== expectSize.cols)) {
    throw new DataError(
      `File ${fileName} holds ${rows}x${cols} images where ${expectSize.rows}x${expectSize.cols} images were expected.`,
      fileName,
    );
  }
  return { count, rows, cols, data };
}

/** Parses an idx1 label file; with `numClasses`, checks that every label is below it. */
export function parseIdxLabels(buf: Uint8Array, fileName: string, numClasses?: number): Uint8Array {
  const { dims, data } = parseIdx(buf, fileName, { ndims: 1, what: 'a label file' });
  if (dims.length !== 1) {
    throw new DataError(
      `File ${fileName} is not a label file: it has ${dims.length} dimensions [${dims.join(', ')}] where labels need 1.`,
      fileName,
    );
  }
  if (numClasses !== undefined) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] >= numClasses) {
        throw new DataError(
          `File ${fileName} has label ${data[i]} at index ${i}, outside the ${numClasses} classes 0..${numClasses - 1}.`,
          fileName,
        );
      }
    }
  }
  return data;
}

/** Checks that an image file and a label file hold the same number of examples. */
export function checkImagesMatchLabels(
  images: IdxImages,
  labels: Uint8Array,
  imagesFile: string,
  labelsFile: string,
): void {
  if (images.count !== labels.length) {
    throw new DataError(
      `Dims mismatch between images and labels: ${imagesFile} has ${plural(images.count, 'image')} but ${labelsFile} has ${plural(labels.length, 'label')}.`,
      imagesFile,
    );
  }
}

/** Reads and parses an IDX file from disk; a missing or unreadable file is a DataError. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return parseIdx(await readFileOrThrow(path), path);
}

/** Reads a whole file, turning fs errors into a DataError naming the file. */
export async function readFileOrThrow(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : err instanceof Error
              ? err.message
              : String(err);
    throw new DataError(`Cannot read file ${path}: ${reason}.`, path, { cause: err });
  }
}
