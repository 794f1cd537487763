/** The static description of a layer that travels on `layer` wires at compile time. */
import type { JsonObject } from '../../core/json.ts';
import type { ValueMeta } from '../../core/kind.ts';

export interface LayerInfo extends JsonObject {
  /** 0 = the visible layer x. */
  index: number;
  units: number;
  /** The data node the hierarchy starts from. */
  root: string;
  /** The encoders from x up to this layer, f_1 first. */
  path: ModuleInfo[];
}

/** One encoder or decoder as the runtime builds it (mirrors the runtime's ModuleSpec). */
export interface ModuleInfo extends JsonObject {
  node: string;
  inUnits: number;
  outUnits: number;
  activation: string;
  initGain: number;
  /** null = the trainer's learning rate. */
  lr: number | null;
}

export function layerInfo(v: ValueMeta): LayerInfo {
  return v.info as LayerInfo;
}

export function layerName(l: LayerInfo): string {
  return l.index === 0 ? 'x (h0)' : `h${l.index}`;
}

/** True when b is a layer directly above a in the same encoder chain. */
export function isDirectlyAbove(a: LayerInfo, b: LayerInfo): boolean {
  return a.root === b.root && b.index === a.index + 1 && a.path.every((p, i) => b.path[i]?.node === p.node);
}

/** What travels on a `corruption` wire at compile time: which layer of which stack it corrupts, and how. */
export interface CorruptionInfo extends JsonObject {
  layer: number;
  root: string;
  /** The encoders from x up to the corrupted layer (their node ids), f_1 first. */
  chain: string[];
  /** The corruption's kind ('corrupt.gaussian', 'corrupt.spike', 'corrupt.mask'). */
  kind: string;
  /** A pixel mask's missing pixels per image (null for the other kinds). */
  hidden: number | null;
}

export function corruptionInfo(kind: string, l: LayerInfo, extra: { hidden?: number } = {}): CorruptionInfo {
  return { layer: l.index, root: l.root, chain: l.path.map((m) => m.node), kind, hidden: extra.hidden ?? null };
}

/** True when the corrupted layer is x or a layer of the stack whose encoders (node ids, f_1 first) are `chain`. */
export function corruptsStack(c: CorruptionInfo, root: string, chain: string[]): boolean {
  return c.root === root && c.chain.length <= chain.length && c.chain.every((node, i) => chain[i] === node);
}
