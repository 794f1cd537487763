/**
 * The names that cross the boundary, without their schemas: the sandboxed preload imports only
 * this file so it stays tiny (no zod in the preload bundle). `contract.ts` checks at compile time
 * that these lists and the schemas name the same things.
 */
export const METHOD_NAMES = [
  'getInfo',
  'listExamples',
  'readExample',
  'listFiles',
  'openDialog',
  'saveDialog',
  'readFile',
  'writeFile',
  'autosave',
  'recoverAutosave',
  'startRun',
  'stopRun',
  'setTitle',
  'closeAfterSave',
  'editText',
  'listRuns',
  'readRun',
  'setRunNote',
  'deleteRun',
  'runReport',
  'listSavedFiles',
] as const;

export const EVENT_NAMES = ['onRunEvent', 'onRunFinished', 'onMenuCommand'] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

/** Electron IPC channels: one for calls (invoke/handle), one for events (main -> renderer). */
export const CALL_CHANNEL = 'plasticity:call';
export const EVENT_CHANNEL = 'plasticity:event';

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === 'string' && (METHOD_NAMES as readonly string[]).includes(x);
}

export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && (EVENT_NAMES as readonly string[]).includes(x);
}

/** Menu commands main sends to the renderer (the menu lives in main, the document in the renderer). */
export const MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'saveAs',
  'import',
  'exportConfig',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  /** Copies of the selected nodes (and the wires among them), beside them; the clipboard is left as it was. */
  'duplicate',
  'selectAll',
  'delete',
  'zoomToFit',
  'toggleMinimap',
  'arrange',
  'run',
  'stop',
  /** Shows the keyboard and mouse shortcuts. */
  'shortcuts',
  /** With `arg`: the example id. */
  'openExample',
  /** With `arg`: the file path. */
  'openRecent',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** The menu commands that, with a text field focused, are the field's editing (main does them natively: editText). */
export const TEXT_EDITS = ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'delete'] as const satisfies readonly MenuCommand[];
export type TextEdit = (typeof TEXT_EDITS)[number];
export const isTextEdit = (c: MenuCommand): c is TextEdit => (TEXT_EDITS as readonly string[]).includes(c);
