/**
 * Run state for this session: the live run and the history of finished ones, fed by the
 * contract's onRunEvent / onRunFinished events. Charts read `series` (scalars over batches, from
 * progress events) and `traces` (array-valued metrics such as the log p(x,h) trace).
 */
import type { EventPayload, Response } from '../../../electron/common/contract.ts';
import { addProgress, graphOrNull, type GraphDocument, type Reference, type Series } from '../../../nodes/core/index.ts';
import { createRegistry } from '../../../nodes/kinds/index.ts';
import { runEta, runFraction, stepWeights } from './progress.ts';
import { endLogLine } from './run-end.ts';

export type { Series };

type RunEvent = EventPayload<'onRunEvent'>['event'];
type Progress = Extract<RunEvent, { type: 'progress' }>;
type Summary = EventPayload<'onRunFinished'>['summary'];

export interface RunImage {
  name: string;
  node: string;
  src: string;
  width: number;
  height: number;
  at: number;
}

const PAST = 'past:';

/** How many runs History overlays at once; ticking one more unticks the first ticked. */
export const MAX_COMPARE = 8;

/** A kind's default `epochs`, for a trainer whose saved params leave it out (the progress bar's weights). */
const kinds = createRegistry();
const defaultEpochs = (kind: string): number | undefined => {
  const d = (kinds.get(kind)?.params as Record<string, { default?: unknown }> | undefined)?.epochs?.default;
  return typeof d === 'number' ? d : undefined;
};

/** The id in the store of a run read back from the run folder `folderId`. */
export const pastRunId = (folderId: string): string => `${PAST}${folderId}`;

export class RunRecord {
  readonly id: string;
  /** The graph's name (filled in from the summary when the run's first event came before startRun answered). */
  graph = $state('');
  startedAt = $state(Date.now());
  /**
   * Started elsewhere (another tab, or before this page was reloaded) and first seen mid-run: its start, folder
   * and graph are learnt when it ends.
   */
  adopted = false;
  /** The graph as it ran: the document sent to the engine, or a loaded run's graph.json (when its folder has one). */
  graphText: string | null = null;
  /** The graph as it ran, parsed: its nodes weigh the steps of the progress bar. */
  private doc = $state.raw<GraphDocument | null>(null);
  /** In a series (seeds, a sweep): which run of it this is and what sets it apart, e.g. "2/3 · nudge.beta=1". */
  variant = $state('');
  /** The run's folder in the host's runs folder (its id for setRunNote), when the host keeps one. */
  folder: string | null = null;
  /** The user's note on the run (its folder's note.md). */
  note = $state('');
  /** The graph's published figures by metric name (its `references`), shown beside the run's own values. */
  references = $state<Record<string, Reference>>({});
  /** The run options it ran with (Quick run's limits, or none), as its summary records them. */
  options = $state<Record<string, unknown>>({});
  status = $state<'starting' | 'running' | 'stopping' | 'done' | 'stopped' | 'error'>('starting');
  backend = $state('');
  backendNote = $state('');
  step = $state<{ title: string; node: string; index: number; total: number; time: number } | null>(null);
  /** The nodes of the steps before the current one, in the order they ran. */
  stepsDone = $state<string[]>([]);
  progress = $state<Progress | null>(null);
  /** Scalars over training batches, keyed by metric name. */
  series = $state<Record<string, Series>>({});
  /** Final scalar metrics and array-valued traces. */
  metrics = $state<Record<string, number>>({});
  traces = $state<Record<string, number[]>>({});
  images = $state<Record<string, RunImage>>({});
  logs = $state<{ time: number; level: string; message: string }[]>([]);
  error = $state<string | null>(null);
  /** The node the run failed (or was stopped) in, when the engine named one. */
  errorNode = $state<string | null>(null);
  wallSeconds = $state<number | null>(null);
  summary = $state<Summary | null>(null);

  constructor(id: string, graph: string) {
    this.id = id;
    this.graph = graph;
  }

  /** Keeps the graph the run ran (as saved text) and its published figures. */
  setGraph(text: string | null): void {
    this.graphText = text;
    this.doc = graphOrNull(text);
    this.references = this.doc?.references ?? {};
  }

  /** Read back from its folder (a run of an earlier session), not watched live. */
  get loaded(): boolean {
    return this.id.startsWith(PAST);
  }

  get active(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'stopping';
  }

  /**
   * Each step's expected share of the run (lib/progress.ts), or null while the graph it ran is unknown (equal widths):
   * worked out when the graph or the options change, not at every progress report.
   */
  private weights = $derived.by((): Record<string, number> | null => {
    if (!this.doc) return null;
    const epochs = this.options.epochs;
    return stepWeights(this.doc.nodes, typeof epochs === 'number' ? epochs : undefined, defaultEpochs);
  });

  /** Overall fraction 0..1 for the progress bar: the steps done plus the current one's reported fraction, weighted by their expected cost. */
  get fraction(): number {
    if (this.status === 'done') return 1;
    return runFraction(this.weights, this.stepsDone, this.step, this.progress?.fraction ?? 0);
  }

  /** Seconds left in the whole run, by the bar's weights; undefined until the current step reports how far it is. */
  get eta(): number | undefined {
    return runEta(this.weights, this.stepsDone, this.step, this.progress);
  }

  apply(e: RunEvent): void {
    switch (e.type) {
      case 'start':
        this.status = 'running';
        this.backend = e.backend;
        this.backendNote = e.backendNote;
        // Which backend and why (a fallback says what it fell back from): in the Log too, not only the pill's tooltip.
        this.logs = [...this.logs, { time: e.time, level: 'info', message: `backend: ${e.backendNote || e.backend}` }];
        break;
      case 'step':
        // After Stop, only the Save nodes run, writing what was trained: the run stays placed where it was stopped
        // (its step and last progress report, for the Log's closing line and the Run tab).
        if (this.status === 'stopping') break;
        if (this.status === 'starting') this.status = 'running';
        if (this.step) this.stepsDone = [...this.stepsDone, this.step.node];
        this.step = { title: e.title, node: e.node, index: e.index, total: e.total, time: e.time };
        this.progress = null;
        break;
      case 'progress': {
        if (this.status === 'starting') this.status = 'running';
        this.progress = e;
        this.series = addProgress(this.series, e);
        break;
      }
      case 'metric':
        if (Array.isArray(e.value)) this.traces = { ...this.traces, [e.name]: e.value };
        else this.metrics = { ...this.metrics, [e.name]: e.value };
        break;
      case 'image':
        this.images = {
          ...this.images,
          [e.name]: { name: e.name, node: e.node, src: `data:image/png;base64,${e.pngBase64}`, width: e.width, height: e.height, at: e.time },
        };
        break;
      case 'log':
        this.logs = [...this.logs.slice(-300), { time: e.time, level: e.level, message: e.node ? `${e.node}: ${e.message}` : e.message }];
        break;
      case 'end':
        this.status = e.status;
        this.wallSeconds = e.wallSeconds;
        if (e.error) {
          this.error = e.error;
          this.errorNode = e.node ?? null;
        }
        // How it ended, in the Log too: done (in how long), stopped (where), or the error and the node it came from.
        this.logs = [...this.logs, endLogLine(e, { step: this.step, progress: this.progress })];
        break;
    }
  }

  finish(summary: Summary): void {
    this.summary = summary;
    this.graph ||= summary.graph;
    this.options = summary.options;
    this.status = summary.status;
    if (summary.backend && summary.backend !== 'unknown') this.backend = summary.backend;
    for (const [k, v] of Object.entries(summary.metrics)) {
      if (Array.isArray(v)) this.traces = { ...this.traces, [k]: v };
      else this.metrics = { ...this.metrics, [k]: v };
    }
  }
}

export class RunStore {
  runs = $state<RunRecord[]>([]);
  currentId = $state<string | null>(null);
  /** History's list of past runs (null: not shown) and its filter: kept while another tab shows. */
  past = $state<Response<'listRuns'>['runs'] | null>(null);
  pastFilter = $state('');
  /** Whether History has opened its list of past runs by itself yet (once a session, when it had no run to show). */
  pastOffered = false;
  /** Up to MAX_COMPARE runs picked in the history for overlaid charts, in the order they were ticked. */
  compare = $state<string[]>([]);

  get current(): RunRecord | null {
    return this.runs.find((r) => r.id === this.currentId) ?? null;
  }

  get running(): boolean {
    return this.current?.active ?? false;
  }

  /** A run this page did not start, seen from one of its events: shown unless a run of this page is going. */
  adopt(id: string): RunRecord {
    const r = new RunRecord(id, '');
    r.adopted = true;
    this.runs = [...this.runs, r];
    if (!this.current?.active) this.currentId = id;
    return r;
  }

  begin(id: string, graph: string): RunRecord {
    const r = new RunRecord(id, graph);
    this.runs = [...this.runs, r];
    this.currentId = id;
    return r;
  }

  /**
   * The run in the list that ran in the run folder `folderId`: one read back from it, or one of this session, whose
   * folder it is (Past runs lists this session's runs too, once they have ended).
   */
  ofFolder(folderId: string): RunRecord | undefined {
    return this.runs.find((r) => r.id === pastRunId(folderId) || r.folder === folderId);
  }

  /**
   * A run of an earlier session, read back from its folder: rebuilt by replaying its events, so its curves,
   * metrics and pictures show as if it had been watched. A run already in the list (loaded before, or watched live
   * in this session) is selected instead of being added again.
   */
  load(past: { id: string; summary: Summary; events: RunEvent[]; graph: string | null; note: string }): RunRecord {
    const id = pastRunId(past.id);
    const known = this.ofFolder(past.id);
    if (known) {
      this.currentId = known.id;
      return known;
    }
    const r = new RunRecord(id, past.summary.graph);
    r.setGraph(past.graph);
    r.folder = past.id;
    r.note = past.note;
    r.variant = past.summary.label ?? '';
    const start = past.events.find((e) => e.type === 'start');
    r.startedAt = start ? start.time : Date.now();
    for (const e of past.events) r.apply(e);
    r.finish(past.summary);
    r.wallSeconds ??= past.summary.wall_seconds;
    this.runs = [...this.runs, r];
    this.currentId = id;
    return r;
  }

  /** Takes a run out of the history (its folder was deleted). */
  remove(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    this.compare = this.compare.filter((c) => c !== id);
    if (this.currentId === id) this.currentId = this.runs.at(-1)?.id ?? null;
  }

  get(id: string): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  toggleCompare(id: string): void {
    if (this.compare.includes(id)) this.compare = this.compare.filter((c) => c !== id);
    else this.compare = [...this.compare.slice(-(MAX_COMPARE - 1)), id];
  }
}
