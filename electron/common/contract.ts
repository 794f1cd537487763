/**
 * The one contract between the editor (renderer) and whatever hosts the engine: Electron's main
 * process over IPC, or the `npm run serve` Node process over a WebSocket. Every request, response
 * and event is JSON and has a zod schema here; hosts validate every incoming request with it, and
 * the `LabService` / `LabEvents` types used by all four sides are derived from the same schemas,
 * so the types and the runtime checks cannot drift apart.
 *
 * Pure TypeScript (plus zod): no Node, no DOM, no Electron.
 */
import { z } from 'zod';
import { graphSchema, runLimitsSchema } from '../../nodes/core/document.ts';
import type { RunEvent, RunSummary } from '../../nodes/runtime/events.ts';
import { SAVED_SORT_NAMES } from '../../nodes/kinds/b15/model-io.ts';
import { EVENT_NAMES, MENU_COMMANDS, METHOD_NAMES, TEXT_EDITS, type EventName, type MethodName } from './names.ts';

export * from './names.ts';

const text = z.string().max(50_000_000);
const name = z.string().min(1).max(500);
const path = z.string().min(1).max(4096);
const nothing = z.object({}).strict();
/** A browser tab's autosave slot: a short id the tab makes up and keeps for its life (sessionStorage). */
export const autosaveSlot = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a slot is 1-64 letters, digits, _ or -');

/** A run's limits, and whether it is a Quick run (which makes the graph's quick.set changes; RunOptions.quick). */
export const runOptionsSchema = runLimitsSchema.extend({ quick: z.boolean().optional() }).strict();
export type RunOptionsMsg = z.infer<typeof runOptionsSchema>;

export const backendSchema = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);

const fileEntry = z.object({ path, name, modified: z.number() });

/**
 * A measured number, non-finite ones too (a loss that diverged, a log-likelihood of -Infinity, a correlation of
 * constant values): JSON (summary.json, metrics.jsonl, the WebSocket) writes those as null, read back as NaN.
 */
const measured = z.union([z.custom<number>((v) => typeof v === 'number', 'expected a number'), z.null().transform(() => Number.NaN)]);
const measuredValue = z.union([measured, z.array(measured)]);
const jsonNumberRecord = z.record(z.string(), measured);
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), time: z.number(), graph: z.string(), backend: z.string(), backendNote: z.string(), steps: z.number(), seed: z.number() }),
  z.object({ type: z.literal('step'), time: z.number(), node: z.string(), kind: z.string(), title: z.string(), index: z.number(), total: z.number() }),
  z.object({
    type: z.literal('progress'),
    time: z.number(),
    node: z.string(),
    phase: z.string(),
    epoch: z.number().optional(),
    epochs: z.number().optional(),
    batch: z.number().optional(),
    batches: z.number().optional(),
    fraction: z.number().optional(),
    examplesPerSecond: measured.optional(),
    etaSeconds: measured.optional(),
    metrics: jsonNumberRecord.optional(),
  }),
  z.object({ type: z.literal('metric'), time: z.number(), node: z.string(), name: z.string(), value: measuredValue }),
  z.object({ type: z.literal('image'), time: z.number(), node: z.string(), name: z.string(), file: z.string(), width: z.number(), height: z.number(), pngBase64: z.string() }),
  z.object({ type: z.literal('log'), time: z.number(), level: z.enum(['info', 'warn']), node: z.string().optional(), message: z.string() }),
  z.object({
    type: z.literal('end'),
    time: z.number(),
    status: z.enum(['done', 'stopped', 'error']),
    wallSeconds: z.number(),
    error: z.string().optional(),
    node: z.string().optional(),
  }),
]);

export const runSummarySchema = z.object({
  graph: z.string(),
  status: z.enum(['done', 'stopped', 'error']),
  error: z.string().optional(),
  backend: z.string(),
  seed: z.number(),
  wall_seconds: z.number(),
  started_at: z.iso.datetime().optional(),
  finished_at: z.iso.datetime().optional(),
  train_examples_per_second: z.number().nullable(),
  metrics: z.record(z.string(), measuredValue),
  images: z.array(z.string()),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  label: z.string().optional(),
  stopped: z
    .object({ node: z.string(), epoch: z.number().optional(), epochs: z.number().optional(), batch: z.number().optional(), batches: z.number().optional(), saved: z.array(z.string()), message: z.string() })
    .optional(),
  data: z
    .record(z.string(), z.object({ source: z.enum(['embedded', 'idx']), dir: z.string().optional(), train: z.number(), valid: z.number(), test: z.number() }))
    .optional(),
});

/**
 * A folder or file name: no path separators or control characters, not . or .. (spaces and any other letters are
 * fine: `--out "runs/β sweep"`).
 */
export const FOLDER_NAME = /^(?!\.\.?$)[^/\\\u0000-\u001f]+$/;
/** A run's id: its folder's name in the host's runs folder, or sweep/run for a run of a sweep (no other path parts). */
export function isRunId(id: string): boolean {
  const parts = id.split('/');
  return parts.length <= 2 && parts.every((p) => FOLDER_NAME.test(p));
}
const runId = name.refine(isRunId, 'a run id is a folder name, or sweep/run');
/** A note on a run: plain text, up to 20,000 characters. */
const noteText = z.string().max(20_000);

/** Each method: the request it accepts and the response it returns. */
export const methods = {
  getInfo: {
    req: nothing,
    res: z.object({
      version: z.string(),
      /** Whether the host can show native open/save dialogs; otherwise the renderer shows its own file list. */
      nativeDialogs: z.boolean(),
      /** Where relative paths live (browser mode), or null. */
      workspace: z.string().nullable(),
      platform: z.string(),
      /** The native backends whose package is not installed: the backend menu marks them. */
      notInstalled: z.array(z.enum(['tensorflow-gpu', 'tensorflow'])).default([]),
    }),
  },
  listExamples: {
    req: nothing,
    res: z.object({ examples: z.array(z.object({ id: name, name: z.string(), description: z.string() })) }),
  },
  readExample: {
    req: z.object({ id: name.regex(/^[\w.-]+$/, 'an example id is a file name without a folder') }).strict(),
    res: z.object({ id: name, text }),
  },
  listFiles: {
    req: nothing,
    res: z.object({ files: z.array(fileEntry), recent: z.array(path) }),
  },
  openDialog: {
    req: z.object({ purpose: z.enum(['open', 'import']) }).strict(),
    res: z.object({ path: path.nullable() }),
  },
  saveDialog: {
    req: z.object({ purpose: z.enum(['save', 'export']), suggestedName: name }).strict(),
    res: z.object({ path: path.nullable() }),
  },
  readFile: {
    req: z.object({ path }).strict(),
    res: z.object({ path, name, text }),
  },
  writeFile: {
    req: z.object({ path, text }).strict(),
    res: z.object({ path, name }),
  },
  autosave: {
    /**
     * null clears the autosave (after a save, or on a clean close). slot: the tab's own autosave (browser mode; Electron
     * keeps one). path: the file the work belongs to (what Save writes), none for work with no file.
     */
    req: z.object({ text: text.nullable(), slot: autosaveSlot.optional(), path: path.optional() }).strict(),
    res: nothing,
  },
  recoverAutosave: {
    /**
     * The tab's own autosave, or else the newest one no open tab holds; `slot` says where it lies (null: none, or the
     * host keeps one). file: the file the work belongs to, null when it has none (or is from an earlier version, which
     * kept only the text); its path is null when the host would not write there now (Electron: a path no longer in the
     * recent list nor picked in a dialog), so Save asks where, offering its name.
     */
    req: z.object({ slot: autosaveSlot.optional() }).strict(),
    res: z.object({
      text: text.nullable(),
      savedAt: z.number().nullable(),
      slot: autosaveSlot.nullable(),
      file: z.object({ path: path.nullable(), name }).nullable(),
    }),
  },
  startRun: {
    /** label: a run of a series, its place and what sets it apart ("2/3 · seed=2"), kept in its summary.json. */
    req: z.object({ doc: graphSchema, options: runOptionsSchema.default({}), backend: backendSchema.default('auto'), label: z.string().max(500).optional() }).strict(),
    /** folder: the run's folder in the host's runs folder (its id for listRuns, readRun and setRunNote), when the host keeps them. */
    res: z.object({ runId: name, folder: name.optional() }),
  },
  stopRun: {
    req: z.object({ runId: name }).strict(),
    res: z.object({ stopped: z.boolean() }),
  },
  setTitle: {
    req: z.object({ title: z.string().max(500), dirty: z.boolean() }).strict(),
    res: nothing,
  },
  /**
   * The renderer's answer to the `save` command with `arg: 'close'` that the close prompt sends
   * ("Save…" chosen): whether the graph was saved. When it was, the host closes the window.
   */
  closeAfterSave: {
    req: z.object({ saved: z.boolean() }).strict(),
    res: nothing,
  },
  /**
   * A text-editing command of the menu (Edit → Paste, say) for the text field that has the focus, done by the
   * host natively: the page cannot paste by itself (execCommand('paste') is off in Electron). Browser mode
   * has no menu; there the keys go straight to the field.
   */
  editText: {
    req: z.object({ action: z.enum(TEXT_EDITS) }).strict(),
    res: nothing,
  },
  /** Runs of earlier sessions: the folders under the host's runs folder that hold a summary.json, newest first. */
  listRuns: {
    req: nothing,
    res: z.object({
      runs: z.array(
        z.object({ id: name, graph: z.string(), status: z.enum(['done', 'stopped', 'error']), endedAt: z.number(), wallSeconds: z.number(), metrics: jsonNumberRecord, note: noteText, label: z.string().optional(), limits: z.string().optional(), error: z.string().optional(), data: z.string().optional() }),
      ),
    }),
  },
  /** One of them: its summary and its events (image events with their pictures), to be shown again. */
  readRun: {
    req: z.object({ id: runId }).strict(),
    /** graph: the document the run ran (its graph.json), when the folder has one; note: the user's note on it (note.md). */
    res: z.object({ id: name, summary: runSummarySchema, events: z.array(runEventSchema), graph: text.nullable(), note: noteText }),
  },
  /** Writes a user's note on a run into its folder (note.md; an empty text removes it). */
  setRunNote: {
    req: z.object({ id: runId, text: noteText }).strict(),
    res: nothing,
  },
  /** Moves a run's folder out of the list, into the runs folder's .trash (kept, so it can be put back by hand). */
  deleteRun: {
    req: z.object({ id: runId }).strict(),
    /** movedTo: where the folder is now. */
    res: z.object({ movedTo: text }),
  },
  /** One of them as a self-contained HTML page (what ran, metrics beside the paper's, curves, pictures, note): `plasticity report`'s page. */
  runReport: {
    req: z.object({ id: runId }).strict(),
    res: z.object({ html: text }),
  },
  /**
   * The files of one sort that Save nodes wrote into the run folders (runs/<run>/, runs/<sweep>/<run>/), for a Load
   * node's path: `*.network.json` or `*.weights.json`, newest first. path: where a Load node finds it (relative to
   * the folder that holds runs/, with /); folder: the run's id; graph: its summary.json's graph, when readable.
   */
  listSavedFiles: {
    req: z.object({ sort: z.enum(SAVED_SORT_NAMES) }).strict(),
    res: z.object({ files: z.array(z.object({ path, folder: runId, graph: z.string().nullable(), modified: z.number() })) }),
  },
} as const satisfies Record<MethodName, { req: z.ZodType; res: z.ZodType }>;

// The lists in names.ts and the keys above must agree (compile-time check, both directions).
type _MethodsMatch = [keyof typeof methods] extends [MethodName] ? ([MethodName] extends [keyof typeof methods] ? true : never) : never;
const _methodsMatch: _MethodsMatch = true;
void _methodsMatch;

export const events = {
  onRunEvent: z.object({ runId: name, event: runEventSchema }),
  /** folder: the run's folder in the host's runs folder (a page that did not start the run learns it here). */
  onRunFinished: z.object({ runId: name, summary: runSummarySchema, folder: name.optional() }),
  onMenuCommand: z.object({ command: z.enum(MENU_COMMANDS), arg: z.string().max(4096).optional() }),
} as const satisfies Record<EventName, z.ZodType>;

type _EventsMatch = [keyof typeof events] extends [EventName] ? ([EventName] extends [keyof typeof events] ? true : never) : never;
const _eventsMatch: _EventsMatch = true;
void _eventsMatch;
void EVENT_NAMES;
void METHOD_NAMES;

// The event schemas must accept exactly what the engine emits.
type _EventFits = RunEvent extends z.input<typeof runEventSchema> ? (z.output<typeof runEventSchema> extends RunEvent ? true : never) : never;
const _eventFits: _EventFits = true;
void _eventFits;
type _SummaryFits = RunSummary extends z.input<typeof runSummarySchema> ? true : never;
const _summaryFits: _SummaryFits = true;
void _summaryFits;

export type Request<M extends MethodName> = z.input<(typeof methods)[M]['req']>;
export type Response<M extends MethodName> = z.output<(typeof methods)[M]['res']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** The service a host implements and the renderer calls. */
export type LabService = { [M in MethodName]: (req: Request<M>) => Promise<Response<M>> };

/** Host-side implementation: receives requests already validated (defaults applied). */
export type LabServiceImpl = { [M in MethodName]: (req: z.output<(typeof methods)[M]['req']>) => Promise<Response<M>> };

export type Unsubscribe = () => void;
/** Events, each subscribed with a method of the same name. */
export type LabEvents = { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe };

/** What the renderer holds: the service plus its events, whatever the transport. */
export type LabClient = LabService & LabEvents;

/** A failed call, as it travels back to the caller. */
export interface CallError {
  code: 'unknown_method' | 'bad_request' | 'failed' | 'forbidden';
  message: string;
}
export type CallResult = { ok: true; value: unknown } | { ok: false; error: CallError };

export function formatZodError(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`)
    .join('; ');
}
