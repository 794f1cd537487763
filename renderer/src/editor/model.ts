/**
 * The Rete scheme for our graphs: a LabNode per graph node (its kind descriptor, JSON params and
 * the compiler's diagnostics), one socket instance per port type, and typed connections.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { AnyNodeKind, Diagnostic, JsonObject, ParamSpec, PortType } from '../../../nodes/core/index.ts';
import { PORT_TYPES } from '../../../nodes/core/index.ts';

export class TypedSocket extends ClassicPreset.Socket {
  constructor(readonly type: PortType) {
    super(type);
  }
}

const sockets = new Map<PortType, TypedSocket>();
export function socketFor(type: PortType): TypedSocket {
  let s = sockets.get(type);
  if (!s) sockets.set(type, (s = new TypedSocket(type)));
  return s;
}

export const NODE_WIDTH = 210;
/** Must match NodeView.svelte's CSS: header 28 (incl. border), rows padding 4, row 22, footer 22. */
export const HEADER = 32;
export const ROW = 22;
export const FOOTER = 22;

export function portRows(def: AnyNodeKind): number {
  return Math.max(Object.keys(def.inputs).length, Object.keys(def.outputs).length, 1);
}

export class LabNode extends ClassicPreset.Node<Record<string, TypedSocket>, Record<string, TypedSocket>, Record<string, never>> {
  width = NODE_WIDTH;
  height: number;
  /** Set by the scopes plugin and by documents: the loop scope that owns this node. */
  parent?: string;
  problems: Diagnostic[] = [];
  /**
   * While a wire is being drawn: which of this node's ports on `side` it could end on (the others are dimmed); null
   * when no wire is being drawn.
   */
  reach: { side: 'input' | 'output'; ok: ReadonlySet<string> } | null = null;
  /** The graph node's own label (Rete's `label` holds the kind title). */
  docLabel?: string;
  version?: number;

  constructor(
    id: string,
    readonly def: AnyNodeKind,
    public params: JsonObject,
  ) {
    super(def.title);
    this.id = id;
    for (const [name, spec] of Object.entries(def.inputs)) {
      this.addInput(name, new ClassicPreset.Input(socketFor(spec.type), name, Boolean(spec.multiple)));
    }
    for (const [name, spec] of Object.entries(def.outputs)) {
      this.addOutput(name, new ClassicPreset.Output(socketFor(spec.type), name, true));
    }
    this.height = HEADER + portRows(def) * ROW + FOOTER;
  }

  get isScope(): boolean {
    return Boolean(this.def.scope);
  }
}

export class LabConnection extends ClassicPreset.Connection<LabNode, LabNode> {
  /**
   * Set for a wire from a loop body into its own scope's input: it is drawn around the scope
   * (down past its bottom edge, left, up its left side) instead of looping back through the body.
   * `lane` spreads several such wires of one scope apart.
   */
  around?: { bottom: number; lane: number };
  /** Picked with a click (Delete removes it). */
  selected = false;

  constructor(
    source: LabNode,
    sourceOutput: string,
    target: LabNode,
    targetInput: string,
    readonly portType: PortType,
  ) {
    super(source, sourceOutput, target, targetInput);
  }
}

export type Schemes = GetSchemes<LabNode, LabConnection>;

export const portColor = (t: PortType): string => PORT_TYPES[t]?.color ?? '#999';

/** One short line under the title: the first few params, so a graph reads without the inspector. */
export function paramSummary(node: LabNode): string {
  const parts: string[] = [];
  for (const [name, spec] of Object.entries(node.def.params as Record<string, ParamSpec>)) {
    const v = name in node.params ? node.params[name] : spec.default;
    if (typeof v === 'number') parts.push(`${name} ${v === 0 && (spec.type === 'int' || spec.type === 'float') && spec.zero ? spec.zero : fmt(v)}`);
    // A choice reads by its value alone ("nudge"); any other text with its name (a number field holding "abc").
    else if (typeof v === 'string' && v !== '' && v.length <= 12) parts.push(spec.type === 'choice' ? v : `${name} ${v}`);
    else if (Array.isArray(v) && v.length > 0 && v.length <= 4 && v.every((x) => typeof x === 'number')) parts.push(`${name} ${v.map(fmt).join(', ')}`);
    if (parts.length >= 3) break;
  }
  return parts.join(' · ');
}

/** A number for the card's summary line: three significant digits, but a fraction never shows as a whole number (500.5, not 501). */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  const short = +v.toPrecision(3);
  return String(Number.isInteger(short) ? +v.toPrecision(6) : short);
}
