/** Shared pieces of the energy-based and STDP node kinds: reading the static info other nodes publish. */
import { choice } from '../../core/params.ts';
import type { JsonObject } from '../../core/json.ts';
import type { CompileCtx, ValueMeta } from '../../core/kind.ts';

export const num = (info: JsonObject, key: string): number | undefined => {
  const v = info[key];
  return typeof v === 'number' ? v : undefined;
};

export const nums = (info: JsonObject, key: string): number[] | undefined => {
  const v = info[key];
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
};

/** Layer sizes a network node published. */
export const sizesOf = (m: ValueMeta): number[] => nums(m.info, 'sizes') ?? [];

export const sizesText = (s: number[]): string => s.join('-');

/** Checks that a data set fits a network; reports on `port` and returns false if not. */
export function checkDataFits(ctx: CompileCtx, net: ValueMeta, data: ValueMeta, port: string): boolean {
  const sizes = sizesOf(net);
  const inputSize = num(data.info, 'inputSize');
  const classes = num(data.info, 'classes');
  if (inputSize !== undefined && sizes.length && sizes[0] !== inputSize) {
    ctx.error(`the data has ${inputSize} values per example but the network's visible layer has ${sizes[0]} units (${sizesText(sizes)})`, port);
    return false;
  }
  if (classes !== undefined && sizes.length && sizes[sizes.length - 1] < classes) {
    ctx.error(`the data has ${classes} classes but the network's output layer has only ${sizes[sizes.length - 1]} units`, port);
    return false;
  }
  return true;
}

/** Checks that a dynamics input is (or is not) nudged. */
export function checkNudged(ctx: CompileCtx, d: ValueMeta, want: boolean, port: string): boolean {
  const nudged = d.info.nudged === true;
  if (want && !nudged) {
    ctx.error('this input needs nudged dynamics: wire the Langevin node through a Nudge outputs node', port);
    return false;
  }
  if (!want && nudged) {
    ctx.error('this input takes the free (un-nudged) dynamics: wire a Langevin node directly', port);
    return false;
  }
  return true;
}

/** The readout parameter shared by the nodes that measure a classification error (see Readout in runtime/ebm/eqprop.ts). */
export const readoutParam = () =>
  choice(['input', 'state'] as const, 'input', {
    doc: 'How the class is read at the fixed point. input: the output unit receiving the largest input Σ W ρ(s) + b (the most active unit whenever one is; it also decides when several outputs saturate at 1 or all stay silent at 0). state: argmax of the output states, ties to the lowest class (the published code\'s measure).',
  });
