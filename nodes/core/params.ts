/**
 * Param specs: each param of a node kind is typed, has a default, an optional range and a doc line.
 * The inspector renders them, the compiler checks them, the reference docs print them.
 */
import type { JsonValue } from './json.ts';

interface ParamBase<T extends JsonValue> {
  default: T;
  doc?: string;
  /** A short unit or symbol shown beside the field, e.g. "σ" or "steps". */
  label?: string;
}
interface NumberParam {
  min?: number;
  max?: number;
  /** What 0 means when it means something else than the number ("all", "off", "trainer's"): the node's card says it. */
  zero?: string;
}
export interface IntParam extends ParamBase<number>, NumberParam { type: 'int' }
export interface FloatParam extends ParamBase<number>, NumberParam { type: 'float'; log?: boolean }
export interface BoolParam extends ParamBase<boolean> { type: 'bool' }
export interface StringParam extends ParamBase<string> { type: 'string' }
export interface ChoiceParam<C extends string = string> extends ParamBase<C> { type: 'choice'; choices: readonly C[] }
export interface FloatListParam extends ParamBase<number[]> { type: 'floats'; min?: number; max?: number }

export type ParamSpec = IntParam | FloatParam | BoolParam | StringParam | ChoiceParam | FloatListParam;

type Opt<P> = Omit<P, 'type' | 'default'>;
export const int = (dflt: number, o: Opt<IntParam> = {}): IntParam => ({ type: 'int', default: dflt, ...o });
export const float = (dflt: number, o: Opt<FloatParam> = {}): FloatParam => ({ type: 'float', default: dflt, ...o });
export const bool = (dflt: boolean, o: Opt<BoolParam> = {}): BoolParam => ({ type: 'bool', default: dflt, ...o });
export const str = (dflt: string, o: Opt<StringParam> = {}): StringParam => ({ type: 'string', default: dflt, ...o });
export const floats = (dflt: number[], o: Opt<FloatListParam> = {}): FloatListParam => ({ type: 'floats', default: dflt, ...o });
export function choice<C extends string>(choices: readonly C[], dflt: C, o: Omit<ChoiceParam<C>, 'type' | 'default' | 'choices'> = {}): ChoiceParam<C> {
  return { type: 'choice', choices, default: dflt, ...o };
}

/** The TypeScript type of the value a spec accepts. */
export type ParamValue<P extends ParamSpec> = P extends ChoiceParam<infer C>
  ? C
  : P['default'];
export type ParamValues<PS extends Record<string, ParamSpec>> = { [K in keyof PS]: ParamValue<PS[K]> };

/** The most weights a network or model may have: 1 GiB of float32 (the wasm backend's memory is a few GiB in all). */
export const MAX_WEIGHTS = 2 ** 28;
/** The weights of dense modules (encoders, decoders): in × out each. */
export const weightCount = (modules: readonly { inUnits: number; outUnits: number }[]): number => modules.reduce((n, m) => n + m.inUnits * m.outUnits, 0);

/**
 * A number typed in a field, written in decimal (12, -0.5, .5, 1e-3); NaN for anything else, also for what
 * JavaScript's Number() would take: "0x10", "0b1", "Infinity", or nothing at all.
 */
export function parseDecimal(text: string): number {
  const t = text.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
}

/**
 * A list of numbers typed in a field: "500, 500", "500 500", or bracketed as JSON and `--set` write it, "[500, 500]".
 * Each number is written in decimal (parseDecimal); nothing at all (or "[]") is the empty list. An empty item
 * ("500,,10", "500,") is an error, not skipped: skipping it would quietly change the list.
 */
export function parseNumberList(text: string): { value: number[] } | { error: string } {
  let t = text.trim();
  const open = t.startsWith('['), close = t.endsWith(']');
  if (open !== close) return { error: open ? 'has a [ without its ]' : 'has a ] without its [' };
  if (open) t = t.slice(1, -1).trim();
  if (t === '') return { value: [] };
  const items = t.split(',').map((x) => x.trim());
  const value: number[] = [];
  for (const [i, item] of items.entries()) {
    if (item === '') return { error: `has an empty item (item ${i + 1} of ${items.length})` };
    for (const word of item.split(/\s+/)) {
      const n = parseDecimal(word);
      if (!Number.isFinite(n)) return { error: /^[-+]?(\d|\.\d)/.test(word) && Math.abs(Number(word)) === Infinity ? `has ${word}, too large a number` : `has ${JSON.stringify(word)}, which is not a number` };
      value.push(n);
    }
  }
  return { value };
}

/**
 * The value a parameter's field holds once `text` is typed in it: a number, or a list of numbers, when the text is
 * one; else the text as typed, which checkParam then refuses with a message that says what is wrong with it.
 */
export function paramFromText(spec: ParamSpec, text: string): JsonValue {
  if (spec.type === 'int' || spec.type === 'float') {
    const n = parseDecimal(text);
    return Number.isFinite(n) ? n : text.trim();
  }
  if (spec.type === 'floats') {
    const r = parseNumberList(text);
    return 'value' in r ? r.value : text;
  }
  if (spec.type === 'bool') return text.trim() === 'true' ? true : text.trim() === 'false' ? false : text;
  return text;
}

/**
 * A whole number typed in a field that takes digits only, as the CLI's --seed, --epochs and --*-limit options do:
 * "1000", not "1e3", "1000.0", "+5" or "0x10"; NaN for anything else.
 */
export function parseDigits(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** Checks one value against its spec; returns a sentence for the user or null if it is fine. */
export function checkParam(spec: ParamSpec, value: unknown): { problem: 'type' | 'range'; message: string } | null {
  const range = (v: number, min?: number, max?: number): string | null => {
    if (min !== undefined && v < min) return `must be at least ${min}, got ${v}`;
    if (max !== undefined && v > max) return `must be at most ${max}, got ${v}`;
    return null;
  };
  // A number too large for a float ("1e309", as typed in a field) is out of range, not "not a number".
  if ((spec.type === 'int' || spec.type === 'float') && ((typeof value === 'string' && /^\s*[-+]?(\d|\.\d)/.test(value)) || typeof value === 'number') && Math.abs(Number(value)) === Infinity) {
    const typed = String(value).trim();
    const r = range(Number(value), spec.min, spec.max);
    return { problem: 'range', message: r ? r.replace(/got -?Infinity$/, `got ${typed}`) : `is too large a number, got ${typed}` };
  }
  switch (spec.type) {
    case 'int': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return { problem: 'type', message: `must be a whole number, got ${show(value)}` };
      const r = range(value, spec.min, spec.max);
      return r ? { problem: 'range', message: r } : null;
    }
    case 'float': {
      // "0,5" typed with a decimal comma: say which number was meant.
      if (typeof value === 'string' && /^\s*[-+]?\d*,\d+\s*$/.test(value))
        return { problem: 'type', message: `must be a number written with a decimal point (${value.trim().replace(',', '.')}), got ${show(value)}` };
      if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: 'type', message: `must be a number, got ${show(value)}` };
      const r = range(value, spec.min, spec.max);
      return r ? { problem: 'range', message: r } : null;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : { problem: 'type', message: `must be true or false, got ${show(value)}` };
    case 'string':
      return typeof value === 'string' ? null : { problem: 'type', message: `must be text, got ${show(value)}` };
    case 'choice':
      return typeof value === 'string' && spec.choices.includes(value)
        ? null
        : { problem: 'type', message: `must be one of ${spec.choices.join(', ')}, got ${show(value)}` };
    case 'floats': {
      // Text typed in the field that is not a list: say what is wrong with it ("500,,10": an empty item).
      if (typeof value === 'string') {
        const r = parseNumberList(value);
        return { problem: 'type', message: `must be a list of numbers, got ${show(value)}${'error' in r ? `: it ${r.error}` : ''}` };
      }
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
        return { problem: 'type', message: `must be a list of numbers, got ${show(value)}` };
      for (const v of value as number[]) {
        const r = range(v, spec.min, spec.max);
        if (r) return { problem: 'range', message: `must have every entry ${r.replace(/^must be /, '')}` };
      }
      return null;
    }
  }
}

function show(v: unknown): string {
  // JSON writes these as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  // ... inside a list too ([1e400] read as JSON is [Infinity]).
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `__${x}__` : x))?.replace(/"__(-?Infinity|NaN)__"/g, '$1');
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
