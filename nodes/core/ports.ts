/**
 * Port types: what travels along a wire. A wire is allowed only between an output and an input of
 * the same type; the editor refuses other wires with the sentence `canConnect` returns, and the
 * compiler reports them the same way, so both always agree.
 */
export const PORT_TYPES = {
  dataset: { color: '#4c9be8', doc: 'A split of a data set: images (pixels in [0,1]) and labels.' },
  layer: { color: '#57b26a', doc: 'A layer of units h_l in a hierarchy (x = h0 is the visible layer); carries its size.' },
  decoder: { color: '#d9823b', doc: 'A decoder g_l mapping layer l back to layer l-1.' },
  model: { color: '#a05fd6', doc: 'A stack of encoders f_l and decoders g_l with their weights.' },
  inference: { color: '#c9b037', doc: 'An iterative inference procedure (Algorithm 1 or 2).' },
  corruption: { color: '#b0b0b0', doc: 'A noise process applied to one layer.' },
  prior: { color: '#e06f8b', doc: 'A distribution over the top layer.' },
  samples: { color: '#3cb7b0', doc: 'A batch of images (pixels in [0,1]).' },
  metric: { color: '#ffffff', doc: 'A scalar number.' },
  series: { color: '#dddddd', doc: 'A list of numbers, e.g. a trace over iterations.' },
  image: { color: '#8fd3ff', doc: 'A picture written as PNG.' },
  network: { color: '#7a6ff0', doc: 'An energy-based network: layers of units with symmetric weights.' },
  rule: { color: '#f07a6f', doc: 'A local learning rule attached to weights.' },
  dynamics: { color: '#6ff0c8', doc: 'Leaky-integrator (Langevin) dynamics settings.' },
  spikes: { color: '#f0d66f', doc: 'Spike trains and rate sequences.' },
} as const;

export type PortType = keyof typeof PORT_TYPES;

export function isPortType(t: string): t is PortType {
  return Object.prototype.hasOwnProperty.call(PORT_TYPES, t);
}

export interface PortSpec {
  type: PortType;
  doc?: string;
  /** An input that may stay unwired. */
  optional?: boolean;
  /** An input that accepts several wires (their values arrive as a list). */
  multiple?: boolean;
}

export const port = (type: PortType, o: Omit<PortSpec, 'type'> = {}): PortSpec => ({ type, ...o });

export type ConnectCheck = { ok: true } | { ok: false; reason: string };

/** The one rule for wires, shared by the editor and the compiler. */
export function canConnect(from: PortType, to: PortType): ConnectCheck {
  if (from === to) return { ok: true };
  return { ok: false, reason: `a ${from} output cannot feed a ${to} input` };
}
