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
