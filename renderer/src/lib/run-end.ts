/**
 * The Log tab's closing line of a run, from its end event: "done in 12.3 s", "stopped after 4.1 s in train (step 6/10),
 * train epoch 3/25, batch 120/600", or "error in train: <the engine's message>". Errors at level error, a stop at warn.
 */
import type { EventPayload } from '../../../electron/common/contract.ts';

type RunEvent = EventPayload<'onRunEvent'>['event'];
type End = Extract<RunEvent, { type: 'end' }>;
type Progress = Extract<RunEvent, { type: 'progress' }>;

export interface LogLine {
  time: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Where the run was when it ended, as its record knows it: the current step and its last progress report. */
export interface RunPlace {
  step: { title: string; node: string; index: number; total: number } | null;
  progress: Progress | null;
}

const seconds = (s: number): string => `${s.toFixed(1)} s`;

/** The node `node`, with its step's title when that says more (a label), and the step's place in the run. */
function nodeAt(node: string, place: RunPlace): string {
  const step = place.step?.node === node ? place.step : null;
  if (!step) return node;
  const title = step.title && step.title !== node ? ` "${step.title}"` : '';
  return `${node}${title} (step ${step.index + 1}/${step.total})`;
}

/** How far the node's last progress report got, e.g. "train epoch 3/25, batch 120/600"; empty when unknown. */
function progressAt(node: string | undefined, p: Progress | null): string {
  if (!p || (node && p.node !== node)) return '';
  const parts = [
    p.epoch !== undefined ? `epoch ${p.epoch}${p.epochs ? `/${p.epochs}` : ''}` : '',
    p.batch !== undefined ? `batch ${p.batch}${p.batches ? `/${p.batches}` : ''}` : '',
  ].filter(Boolean);
  if (!parts.length && p.fraction === undefined) return '';
  if (!parts.length) parts.push(`${Math.round(p.fraction! * 100)} %`);
  return `${p.phase} ${parts.join(', ')}`;
}

export function endLogLine(e: End, place: RunPlace): LogLine {
  const wall = Number.isFinite(e.wallSeconds) ? e.wallSeconds : null;
  if (e.status === 'done') return { time: e.time, level: 'info', message: `done${wall !== null ? ` in ${seconds(wall)}` : ''}` };
  if (e.status === 'stopped') {
    const node = e.node ?? place.step?.node;
    const got = progressAt(node, place.progress);
    const where = `${node ? ` in ${nodeAt(node, place)}` : ''}${got ? `${node ? ',' : ' at'} ${got}` : ''}`;
    return { time: e.time, level: 'warn', message: `stopped${wall !== null ? ` after ${seconds(wall)}` : ''}${where}` };
  }
  const error = e.error ?? 'unknown error';
  return { time: e.time, level: 'error', message: e.node ? `error in ${nodeAt(e.node, place)}: ${error}` : `error: ${error}` };
}
