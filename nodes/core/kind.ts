/**
 * A node kind is one declarative descriptor: ports, params, documentation and the paper equation
 * it implements, plus a compile function that checks its inputs and describes its outputs.
 * The palette, the inspector, the reference docs, the compiler and the CLI all read the same object.
 */
import type { JsonObject } from './json.ts';
import type { ParamSpec, ParamValues } from './params.ts';
import type { PortSpec, PortType } from './ports.ts';

/** A run limit: the app's Quick run and the CLI's --epochs, --train-limit, --test-limit and --sample-limit. */
export type RunLimitKey = 'epochs' | 'trainLimit' | 'testLimit' | 'sampleLimit';
export const RUN_LIMIT_KEYS: readonly RunLimitKey[] = ['epochs', 'trainLimit', 'testLimit', 'sampleLimit'];
/** A run option `key` that is a run limit no node of the graph obeys (`applies`): passed, but it changed nothing. */
export const isIdleLimit = (key: string, applies: readonly RunLimitKey[]): boolean =>
  (RUN_LIMIT_KEYS as readonly string[]).includes(key) && !applies.includes(key as RunLimitKey);

export type Category = 'data' | 'layers' | 'corruption' | 'inference' | 'learning' | 'sampling' | 'evaluation' | 'output' | 'energy' | 'stdp';

export const CATEGORY_TITLES: Record<Category, string> = {
  data: 'Data',
  layers: 'Layers',
  corruption: 'Corruption / noise',
  inference: 'Inference',
  learning: 'Learning rules',
  sampling: 'Samplers',
  evaluation: 'Evaluators',
  output: 'Outputs',
  energy: 'Energy-based networks',
  stdp: 'Spike timing',
};

/** What the compiler knows about a value on a wire before anything runs. */
export interface ValueMeta {
  type: PortType;
  /** "nodeId.port" of the output that produces it. */
  ref: string;
  /** Static facts (sizes, architecture) the kind chose to publish; JSON only. */
  info: JsonObject;
}

export type InputMetas = Record<string, ValueMeta | ValueMeta[] | undefined>;

/** The id of the node whose output `v` is ("free.v2" of "free.v2.dynamics": ids may hold dots, port names do not). */
export const sourceNode = (v: ValueMeta): string => v.ref.slice(0, v.ref.lastIndexOf('.'));

export interface CompileCtx {
  readonly nodeId: string;
  /** Report a problem with this node; the compile result is discarded. */
  error(message: string, port?: string, code?: 'incompatible_shape' | 'invalid_graph'): void;
  warn(message: string, port?: string): void;
}

export interface CompileResult {
  /** Info for each output port. */
  outputs: Record<string, JsonObject>;
  /** Extra facts the runtime needs (e.g. the architecture a model node resolved); merged into the step's params. */
  resolved?: JsonObject;
}

/** A metric or picture a node records, or a file it writes to the run folder (see NodeKind.records). */
export interface Recorded {
  what: 'metric' | 'picture' | 'file';
  name: string;
  /** The parameter that sets the name, if any. */
  param?: string;
  /**
   * What it is, in words, for the run panel's tooltips and the report ("Classification error of the test digits, a
   * fraction"). A node that passes on one wired value (Metric, Series, Image grid) needs none: the output wired into
   * it says it (recordedDocs).
   */
  doc?: string;
}

/**
 * Which node records each metric and picture name: the compiler checks the names kinds declare, the engine the
 * names ops record (two nodes writing one name would overwrite each other).
 */
export class RecordedNames {
  private readonly first = new Map<string, string>();
  /** Notes that `node` records the `what` `name`; returns the other node that records it too, if there is one. */
  claim(what: Recorded['what'], name: string, node: string): string | undefined {
    const key = `${what}:${name}`;
    const first = this.first.get(key);
    if (first === undefined) this.first.set(key, node);
    return first !== undefined && first !== node ? first : undefined;
  }
}

/** A metric the node records (named by `param`, if a parameter names it). */
export const metricRecord = (name: string, param?: string, doc?: string): Recorded => ({ what: 'metric', name, ...(param ? { param } : {}), ...(doc ? { doc } : {}) });
/** A file NAME a Save node writes to the run folder (two such nodes of one name would overwrite each other's). */
export const fileRecord = (name: string, param?: string): Recorded => ({ what: 'file', name, ...(param ? { param } : {}) });
/** A picture NAME.png the node records. */
export const pictureRecord = (name: string, param?: string, doc?: string): Recorded => ({ what: 'picture', name, ...(param ? { param } : {}), ...(doc ? { doc } : {}) });

export interface NodeKind<P extends Record<string, ParamSpec> = Record<string, ParamSpec>> {
  kind: string;
  version: number;
  title: string;
  category: Category;
  /** What it does, for the inspector and the reference docs. */
  doc: string;
  /** The paper and equation or algorithm it implements, e.g. "Bengio et al. 2015, Algorithm 2". */
  equation?: string;
  /**
   * Other names users search for it by (the method it implements, as the papers or the field call it: "difference
   * target propagation", "DTP"): the palette search finds the kind by them, and the reference docs list them.
   */
  keywords?: readonly string[];
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: P;
  /** A loop scope: a container whose body nodes (those with `parent` = this node) run inside it. */
  scope?: { loop: string };
  compile(ctx: CompileCtx, inputs: InputMetas, params: ParamValues<P>): CompileResult | null;
  /**
   * The metrics and pictures a run of this node records, by name (a picture is NAME.png), each with the parameter
   * that names it if one does: the compiler refuses two nodes that would write the same name. (The engine also
   * refuses it at run time, for kinds that do not say.)
   */
  records?(params: ParamValues<P>, nodeId: string, wired: ReadonlySet<string>): Recorded[];
  /**
   * The run limits this kind's run obeys (a trainer its epochs, the data node its training and test examples …); none
   * when absent. The app and the CLI say which limits a graph's Quick run or a limited run actually applied, and the
   * engine refuses a run that reads a limit its kind does not declare here, so the two cannot drift apart.
   */
  limits?: readonly RunLimitKey[];
  /** Brings params saved with an older kind version up to date. */
  migrate?(params: JsonObject, fromVersion: number): JsonObject;
}

/** Helps TypeScript infer P while checking the descriptor. */
export function defineKind<P extends Record<string, ParamSpec>>(k: NodeKind<P>): NodeKind<P> {
  return k;
}

/** A kind with its param type erased, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeKind = NodeKind<any>;

/** Reads a single wired input the kind declared as required (the compiler has already checked it). */
export function one(inputs: InputMetas, name: string): ValueMeta {
  const v = inputs[name];
  if (v === undefined || Array.isArray(v)) throw new Error(`internal: input ${name} is not a single value`);
  return v;
}

export function many(inputs: InputMetas, name: string): ValueMeta[] {
  const v = inputs[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
