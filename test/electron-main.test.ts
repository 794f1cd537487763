/**
 * Electron main process with the `electron` module mocked (the binary cannot run here): secure
 * window options, navigation and new windows refused, IPC sender and shape checks, unknown
 * methods refused, malformed messages rejected with an error, the menu, and Stop reaching the engine.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Handler = (...args: any[]) => any;

const h = vi.hoisted(() => {
  const state = {
    ipcHandlers: new Map<string, Handler>(),
    windows: [] as any[],
    menuTemplate: null as any,
    userData: '',
    appHandlers: new Map<string, Handler>(),
    quits: 0,
  };
  class FakeWebContents {
    handlers = new Map<string, Handler[]>();
    sent: unknown[][] = [];
    openHandler: Handler | null = null;
    session = {
      permission: null as Handler | null,
      check: null as Handler | null,
      headers: null as Handler | null,
      before: null as Handler | null,
      setPermissionRequestHandler(f: Handler) {
        this.permission = f;
      },
      setPermissionCheckHandler(f: Handler) {
        this.check = f;
      },
      webRequest: {
        owner: null as any,
        onHeadersReceived(f: Handler) {
          this.owner.headers = f;
        },
        onBeforeRequest(f: Handler) {
          this.owner.before = f;
        },
      },
    };
    constructor() {
      this.session.webRequest.owner = this.session;
    }
    setWindowOpenHandler(f: Handler) {
      this.openHandler = f;
    }
    /** Native editing commands done on the page (Edit menu in a text field). */
    edits: string[] = [];
    undo() { this.edits.push('undo'); }
    redo() { this.edits.push('redo'); }
    cut() { this.edits.push('cut'); }
    copy() { this.edits.push('copy'); }
    paste() { this.edits.push('paste'); }
    selectAll() { this.edits.push('selectAll'); }
    delete() { this.edits.push('delete'); }
    on(ev: string, f: Handler) {
      this.handlers.set(ev, [...(this.handlers.get(ev) ?? []), f]);
    }
    emit(ev: string, ...args: unknown[]) {
      for (const f of this.handlers.get(ev) ?? []) f(...args);
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeBrowserWindow {
    options: any;
    webContents = new FakeWebContents();
    url = '';
    title = '';
    edited = false;
    events = new Map<string, Handler[]>();
    constructor(options: any) {
      this.options = options;
      state.windows.push(this);
    }
    on(ev: string, f: Handler) {
      this.events.set(ev, [...(this.events.get(ev) ?? []), f]);
    }
    once(ev: string, f: Handler) {
      this.on(ev, f);
    }
    loadURL(u: string) {
      this.url = u;
      return Promise.resolve();
    }
    setTitle(t: string) {
      this.title = t;
    }
    setDocumentEdited(e: boolean) {
      this.edited = e;
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    reloads = 0;
    reload() {
      this.reloads++;
    }
    show() {}
    focus() {}
    restore() {}
    /** Like Electron: emits 'close' (preventable); counts the closes that went through. */
    closed = 0;
    close() {
      const e = { defaultPrevented: false, preventDefault() {
        this.defaultPrevented = true;
      } };
      for (const f of this.events.get('close') ?? []) f(e);
      if (!e.defaultPrevented) this.closed++;
    }
  }
  return { state, FakeBrowserWindow };
});

vi.mock('electron', () => ({
  app: {
    getPath: () => h.state.userData,
    getName: () => 'Plasticity Lab',
    getVersion: () => '0.1.0',
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on: (ev: string, f: Handler) => h.state.appHandlers.set(ev, f),
    quit: () => void h.state.quits++,
  },
  BrowserWindow: h.FakeBrowserWindow,
  Menu: {
    buildFromTemplate: (t: unknown) => {
      h.state.menuTemplate = t;
      return { t };
    },
    setApplicationMenu: () => undefined,
  },
  dialog: {
    showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
    showSaveDialog: vi.fn(async () => ({ canceled: true })),
    showMessageBoxSync: vi.fn(() => 2),
  },
  ipcMain: {
    handle: (ch: string, f: Handler) => h.state.ipcHandlers.set(ch, f),
    removeHandler: (ch: string) => h.state.ipcHandlers.delete(ch),
  },
  utilityProcess: { fork: vi.fn() },
}));

import { CALL_CHANNEL, EVENT_CHANNEL, METHOD_NAMES } from '../electron/common/names.ts';
import { secureWebPreferences, windowOptions } from '../electron/main/window.ts';
import { startApp } from '../electron/main/app.ts';
import { utilityEngineSpawner } from '../electron/main/engine-process.ts';
import { EventEmitter } from 'node:events';
import type { EngineChannel, FromEngine, ToEngine } from '../nodes/server/engine-protocol.ts';

const rendererIndex = '/opt/plasticity/dist/renderer/index.html';
const appUrl = 'file:///opt/plasticity/dist/renderer/index.html';
const trusted = { senderFrame: { url: appUrl, parent: null } };

const posted: ToEngine[] = [];
/** The latest engine's messages to the host. */
let fromEngine: (m: FromEngine) => void = () => undefined;
const fakeEngine = (): EngineChannel => ({
  post: (m) => posted.push(m),
  onMessage: (cb) => (fromEngine = cb),
  onExit: () => undefined,
  kill: () => undefined,
});

let handle: ReturnType<typeof startApp>;
const call = (method: unknown, request: unknown, event: unknown = trusted) => h.state.ipcHandlers.get(CALL_CHANNEL)!(event, method, request);
const win = () => h.state.windows[0] as InstanceType<typeof h.FakeBrowserWindow>;

beforeAll(async () => {
  h.state.userData = mkdtempSync(join(tmpdir(), 'plasticity-electron-test-'));
  handle = startApp({ bundleDir: '/opt/plasticity/dist/electron', rendererIndex, examplesDir: join(__dirname, '..', 'examples'), version: '0.1.0' }, fakeEngine);
  await vi.waitFor(() => expect(h.state.windows.length).toBe(1));
});

describe('window', () => {
  it('uses secure web preferences', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
    expect(windowOptions('/x/preload.cjs').webPreferences).toEqual(p);
    const w = win();
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/opt/plasticity/dist/electron/preload.cjs' });
    expect(w.url).toBe(appUrl);
  });

  it('refuses new windows, navigation elsewhere, webviews and permissions; sets a CSP; blocks remote content', () => {
    const wc = win().webContents;
    expect(wc.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const nav = { preventDefault: vi.fn() };
    wc.emit('will-navigate', nav, 'https://example.com/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const same = { preventDefault: vi.fn() };
    wc.emit('will-navigate', same, appUrl);
    expect(same.preventDefault).not.toHaveBeenCalled();
    // Nor to another local file, nor by a redirect.
    const file = { preventDefault: vi.fn() };
    wc.emit('will-navigate', file, 'file:///etc/passwd');
    expect(file.preventDefault).toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    wc.emit('will-redirect', redirect, 'file:///tmp/evil.html');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const wv = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', wv);
    expect(wv.preventDefault).toHaveBeenCalled();
    const cb = vi.fn();
    wc.session.permission!(wc, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    const hdr = vi.fn();
    wc.session.headers!({ responseHeaders: {} }, hdr);
    expect(hdr.mock.calls[0][0].responseHeaders['Content-Security-Policy'][0]).toContain("script-src 'self'");
    const req = vi.fn();
    wc.session.before!({ url: 'https://cdn.example.com/x.js' }, req);
    expect(req).toHaveBeenCalledWith({ cancel: true });
    const local = vi.fn();
    wc.session.before!({ url: appUrl }, local);
    wc.session.before!({ url: 'file:///opt/plasticity/dist/renderer/assets/index-x1.js' }, local);
    expect(local.mock.calls).toEqual([[{ cancel: false }], [{ cancel: false }]]);
    // Other local files do not load (a page's fetch of one included), nor does a way out of the folder.
    for (const url of ['file:///etc/passwd', 'file:///opt/plasticity/dist/renderer/../electron/main.cjs', 'file:///opt/plasticity/dist/renderer-other/x.js']) {
      const other = vi.fn();
      wc.session.before!({ url: new URL(url).href }, other);
      expect(other, url).toHaveBeenCalledWith({ cancel: true });
    }
  });
});

describe('IPC', () => {
  it('registers exactly one call channel', () => {
    expect([...h.state.ipcHandlers.keys()]).toEqual([CALL_CHANNEL]);
  });

  it('answers a valid call', async () => {
    const r = await call('getInfo', {});
    expect(r).toMatchObject({ ok: true, value: { nativeDialogs: true, version: '0.1.0' } });
  });

  it('refuses unknown methods', async () => {
    for (const m of ['eval', 'require', '__proto__', 'constructor', 42, null, undefined, { toString: 1 }]) {
      const r = await call(m, {});
      expect(r.ok).toBe(false);
      expect(r.error.code).toBe('unknown_method');
    }
  });

  it('refuses calls from other frames or origins', async () => {
    for (const event of [
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: appUrl, parent: {} } },
      { senderFrame: null },
      // Another local page, even one beside ours, is not the app.
      { senderFrame: { url: 'file:///tmp/evil.html', parent: null } },
      { senderFrame: { url: 'file:///opt/plasticity/dist/renderer/other.html', parent: null } },
    ]) {
      const r = await call('getInfo', {}, event);
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('rejects malformed messages with an error, never a crash', async () => {
    const bad: [string, unknown][] = [
      ['getInfo', { extra: 1 }],
      ['readExample', { id: '../../etc/passwd' }],
      ['readExample', {}],
      ['readFile', { path: 3 }],
      ['writeFile', { path: '/tmp/x.json' }],
      ['startRun', { doc: { format: 'nope' } }],
      ['startRun', { doc: { format: 'plasticity-graph', version: 1, nodes: [] }, options: { epochs: -1 } }],
      ['stopRun', 'run-1'],
      ['setTitle', { title: 5, dirty: 'yes' }],
      ['autosave', []],
      ['listSavedFiles', { sort: '../..' }],
    ];
    for (const [m, req] of bad) {
      const r = await call(m, req);
      expect(r.ok, `${m} ${JSON.stringify(req)}`).toBe(false);
      expect(r.error.code).toBe('bad_request');
      expect(r.error.message).toContain(m);
    }
  });

  it('refuses to read or write a path the user did not pick', async () => {
    const r = await call('readFile', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(r.error.message).toContain('not chosen');
    const w = await call('writeFile', { path: '/tmp/evil.json', text: '{}' });
    expect(w.ok).toBe(false);
  });

  it('lists the networks and weights saved in the runs folder, with the paths a Load node reads (from the user-data folder, as its runs do)', async () => {
    const run = join(h.state.userData, 'runs', '2026-11-25_09-50-12-eqprop-mnist');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, 'eqprop.network.json'), '{}');
    const r = await call('listSavedFiles', { sort: 'network' });
    expect(r).toMatchObject({ ok: true, value: { files: [{ path: 'runs/2026-11-25_09-50-12-eqprop-mnist/eqprop.network.json', folder: '2026-11-25_09-50-12-eqprop-mnist', graph: null }] } });
    expect(await call('listSavedFiles', { sort: 'weights' })).toEqual({ ok: true, value: { files: [] } });
    expect(await call('listSavedFiles', { sort: 'weights' }, { senderFrame: { url: 'https://evil.example/', parent: null } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('sets the title and unsaved state', async () => {
    await call('setTitle', { title: 'a.json • — Plasticity Lab', dirty: true });
    expect(win().title).toBe('a.json • — Plasticity Lab');
    expect(win().edited).toBe(true);
    await call('setTitle', { title: 'a.json — Plasticity Lab', dirty: false });
    expect(win().edited).toBe(false);
  });

  it('Stop reaches the engine', async () => {
    const doc = { format: 'plasticity-graph', version: 1, name: 't', seed: 1, nodes: [{ id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] }], wires: [] };
    const started = await call('startRun', { doc, options: { trainLimit: 10, epochs: 1 } });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const runId = started.value.runId as string;
    expect(posted[0]).toMatchObject({ type: 'run', runId, options: { trainLimit: 10, epochs: 1 }, backend: 'auto' });
    const again = await call('startRun', { doc });
    expect(again).toMatchObject({ ok: false, error: { code: 'failed' } });
    const stopped = await call('stopRun', { runId });
    expect(stopped).toEqual({ ok: true, value: { stopped: true } });
    expect(posted.at(-1)).toEqual({ type: 'stop', runId });
    // Without an answer from the engine, the host ends the run itself within a second.
    await vi.waitFor(() => expect(handle.host.running).toBeNull(), { timeout: 2000 });
    const end = win().webContents.sent.find((s) => s[0] === EVENT_CHANNEL && s[1] === 'onRunFinished');
    expect(end?.[2]).toMatchObject({ runId, summary: { status: 'stopped' } });
  });
});

describe('menu', () => {
  it('has the File, Edit, View, Run and Help menus with the usual shortcuts, and sends commands to the window', () => {
    const t = h.state.menuTemplate as { label?: string; submenu: { label?: string; accelerator?: string; click?: () => void; submenu?: unknown }[] }[];
    const labels = t.map((m) => m.label);
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Run']));
    // The Window menu (Minimize, Close); the minimap is not on Cmd+M, macOS's Minimize.
    expect(t.some((m) => (m as { role?: string }).role === 'windowMenu')).toBe(true);
    expect(t.find((m) => m.label === 'View')!.submenu.find((i) => i.label === 'Minimap')?.accelerator).toBe('Shift+CmdOrCtrl+M');
    const file = t.find((m) => m.label === 'File')!.submenu.map((i) => i.label);
    expect(file).toEqual(expect.arrayContaining(['New', 'Open…', 'Open Recent', 'Save', 'Save As…', 'Import…', 'Export Graph Config…', 'Examples']));
    const edit = t.find((m) => m.label === 'Edit')!.submenu;
    expect(edit.find((i) => i.label === 'Undo')?.accelerator).toBe('CmdOrCtrl+Z');
    // Keys without a modifier are shown but left to the page, which knows when a text field has the focus.
    const view = t.find((m) => m.label === 'View')!.submenu as { label?: string; registerAccelerator?: boolean }[];
    expect(view.find((i) => i.label === 'Zoom to Fit')?.registerAccelerator).toBe(false);
    expect((edit as { label?: string; registerAccelerator?: boolean }[]).find((i) => i.label === 'Delete')?.registerAccelerator).toBe(false);
    expect((edit as { label?: string; registerAccelerator?: boolean }[]).find((i) => i.label === 'Undo')?.registerAccelerator).toBeUndefined();
    const run = t.find((m) => m.label === 'Run')!.submenu;
    run.find((i) => i.label === 'Stop')!.click!();
    expect(win().webContents.sent.at(-1)).toEqual([EVENT_CHANNEL, 'onMenuCommand', { command: 'stop' }]);
    const examples = t.find((m) => m.label === 'File')!.submenu.find((i) => i.label === 'Examples')!.submenu as { label: string; click?: () => void }[];
    expect(examples.length).toBeGreaterThan(0);
    t.find((m) => m.label === 'Help')!.submenu.find((i) => i.label === 'Keyboard and Mouse Shortcuts')!.click!();
    expect(win().webContents.sent.at(-1)).toEqual([EVENT_CHANNEL, 'onMenuCommand', { command: 'shortcuts' }]);
  });

  it('Edit → Paste in a text field: the page hands it back and the host pastes natively (a page cannot paste by itself)', async () => {
    for (const action of ['paste', 'cut', 'selectAll', 'delete']) expect(await call('editText', { action })).toEqual({ ok: true, value: {} });
    expect(win().webContents.edits).toEqual(['paste', 'cut', 'selectAll', 'delete']);
    expect(await call('editText', { action: 'print' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('lists every method of the contract once', () => {
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });
});

describe('closing with unsaved changes', () => {
  const prompt = vi.mocked(electron.dialog.showMessageBoxSync);
  const lastCommand = () => win().webContents.sent.filter((s) => s[0] === EVENT_CHANNEL && s[1] === 'onMenuCommand').at(-1)?.[2];

  beforeEach(async () => {
    win().closed = 0;
    prompt.mockReset();
    await call('setTitle', { title: 'a.json • — Plasticity Lab', dirty: true });
  });

  it('Cancel keeps the window open', () => {
    prompt.mockReturnValueOnce(2);
    win().close();
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(win().closed).toBe(0);
  });

  it('"Save…" saves and then closes, without a second close', async () => {
    prompt.mockReturnValueOnce(0);
    win().close();
    expect(win().closed).toBe(0);
    // The renderer is asked to save, marked as the close prompt's save.
    expect(lastCommand()).toEqual({ command: 'save', arg: 'close' });
    // The renderer saved: the window closes by itself, and the prompt does not come back.
    await call('setTitle', { title: 'a.json — Plasticity Lab', dirty: false });
    expect(await call('closeAfterSave', { saved: true })).toEqual({ ok: true, value: {} });
    expect(win().closed).toBe(1);
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it('"Save…" whose save was cancelled keeps the window open; a later save does not close it', async () => {
    prompt.mockReturnValueOnce(0);
    win().close();
    expect(lastCommand()).toEqual({ command: 'save', arg: 'close' });
    await call('closeAfterSave', { saved: false });
    expect(win().closed).toBe(0);
    // Not asked for by a close prompt: ignored.
    await call('closeAfterSave', { saved: true });
    expect(win().closed).toBe(0);
  });

  it('rejects a malformed closeAfterSave', async () => {
    const r = await call('closeAfterSave', { saved: 'yes' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('quitting (Cmd+Q) with unsaved changes and "Save…": the app quits after the save, not only the window closes', async () => {
    h.state.appHandlers.get('before-quit')!();
    prompt.mockReturnValueOnce(0);
    win().close();
    expect(win().closed).toBe(0);
    const quits = h.state.quits;
    await call('setTitle', { title: 'a.json — Plasticity Lab', dirty: false });
    await call('closeAfterSave', { saved: true });
    expect(win().closed).toBe(1);
    expect(h.state.quits).toBe(quits + 1);
    // A quit cancelled at the prompt is over: a later Save… closes the window only.
    h.state.appHandlers.get('before-quit')!();
    await call('setTitle', { title: 'a.json • — Plasticity Lab', dirty: true });
    prompt.mockReturnValueOnce(2);
    win().close();
    prompt.mockReturnValueOnce(0);
    win().close();
    await call('closeAfterSave', { saved: true });
    expect(win().closed).toBe(2);
    expect(h.state.quits).toBe(quits + 1);
  });

  it('Discard closes', () => {
    prompt.mockReturnValueOnce(1);
    win().close();
    expect(win().closed).toBe(1);
  });

  it('a crashed page is loaded again (which offers its autosave back), and a close no longer waits for it to save', async () => {
    await call('setTitle', { title: 'a.json • — Plasticity Lab', dirty: true });
    prompt.mockReset();
    prompt.mockReturnValueOnce(0);
    win().close(); // "Save…": asks the page, which has just crashed and never answers
    expect(win().closed).toBe(0);
    const reloads = win().reloads;
    win().webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(win().reloads).toBe(reloads + 1);
    // Nothing unsaved is left in a page that is gone: the close goes through without a prompt.
    win().close();
    expect(win().closed).toBe(1);
    expect(prompt).toHaveBeenCalledTimes(1);
    // A page that ended cleanly (the window closing) is not a crash.
    win().webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(win().reloads).toBe(reloads + 1);
  });
});

describe('closing during a run', () => {
  const prompt = vi.mocked(electron.dialog.showMessageBoxSync);
  const doc = { format: 'plasticity-graph', version: 1, name: 'closing', seed: 7, nodes: [{ id: 'data', kind: 'data.mnist', params: {}, position: [0, 0] }], wires: [] };

  it('asks first; Cancel keeps the window and the run', async () => {
    await call('setTitle', { title: 'closing — Plasticity Lab', dirty: false });
    win().closed = 0;
    prompt.mockReset();
    const started = await call('startRun', { doc });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    prompt.mockReturnValueOnce(1);
    win().close();
    expect((prompt.mock.calls[0] as unknown[])[1]).toMatchObject({ message: 'A run is going.' });
    expect(win().closed).toBe(0);
    expect(handle.host.running).toBe(started.value.runId);
  });

  it('"Stop the run and close" ends the run with what it recorded; the app quits once summary.json is written', async () => {
    const runId = handle.host.running!;
    fromEngine({ type: 'event', runId, event: { type: 'start', time: 1, graph: 'closing', backend: 'cpu', backendNote: '', steps: 1, seed: 7 } });
    fromEngine({ type: 'event', runId, event: { type: 'metric', time: 2, node: 'eval', name: 'test_error', value: 0.125 } });
    prompt.mockReset();
    prompt.mockReturnValueOnce(0);
    win().close();
    expect(win().closed).toBe(1);
    // Electron then emits 'closed' on the window and 'window-all-closed' on the app.
    for (const f of win().events.get('closed') ?? []) f();
    const quitsBefore = h.state.quits;
    h.state.appHandlers.get('window-all-closed')!();
    expect(h.state.quits).toBe(quitsBefore);
    // (This engine never answers Stop: the host's hard stop, a second later, ends the run.)
    await vi.waitFor(() => expect(h.state.quits).toBe(quitsBefore + 1), { timeout: 5000 });
    const folder = readdirSync(join(h.state.userData, 'runs')).find((f) => f.endsWith('-closing'))!;
    const summary = JSON.parse(readFileSync(join(h.state.userData, 'runs', folder, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'stopped', seed: 7, metrics: { test_error: 0.125 } });
    // Nothing left to write: will-quit lets the process end.
    const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    h.state.appHandlers.get('will-quit')!(e);
    expect(e.defaultPrevented).toBe(false);
  });
});

describe('packaging (build/electron-builder.yml)', () => {
  const yml = readFileSync(join(__dirname, '..', 'build', 'electron-builder.yml'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

  it('builds a .deb only when package.json has what electron-builder requires for one (homepage, author email)', () => {
    const linuxTargets = /^linux:\n(?:\s+#.*\n)*\s+target: \[([^\]]*)\]/m.exec(yml)?.[1].split(',').map((t) => t.trim());
    expect(linuxTargets).toContain('AppImage');
    if (linuxTargets?.includes('deb')) {
      expect(pkg.homepage ?? pkg.repository).toBeTruthy();
      expect(pkg.author?.email).toBeTruthy();
    }
  });

  it('flips the fuses that would turn the packaged app into a plain Node, and loads code only from app.asar', () => {
    for (const line of ['runAsNode: false', 'enableNodeOptionsEnvironmentVariable: false', 'enableNodeCliInspectArguments: false', 'onlyLoadAppFromAsar: true'])
      expect(yml).toMatch(new RegExp(`^electronFuses:\\n(?:  .*\\n)*  ${line}$`, 'm'));
  });
});

describe('the engine process', () => {
  it('a fatal error of the utilityProcess is logged, not thrown in the main process; the exit then ends the run', () => {
    const child = Object.assign(new EventEmitter(), { postMessage: vi.fn(), kill: vi.fn() });
    const spawn = utilityEngineSpawner({ fork: () => child as unknown as electron.UtilityProcess, entry: '/x/engine.cjs' });
    const channel = spawn();
    const exits: number[] = [];
    channel.onExit((code) => exits.push(code));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => child.emit('error', 'FatalError', 'v8::OOM', '{}')).not.toThrow();
    expect(logged).toHaveBeenCalledWith('the engine process failed: FatalError at v8::OOM');
    logged.mockRestore();
    child.emit('exit', 134);
    expect(exits).toEqual([134]);
    channel.kill();
    expect(child.kill).not.toHaveBeenCalled();
  });
});

