/**
 * The main window with secure defaults: context isolation, sandbox, no Node in the page, no
 * remote content, navigation and new windows refused, every permission request denied.
 */
import type { BrowserWindow as BrowserWindowT, BrowserWindowConstructorOptions, Session, WebContents, WebPreferences } from 'electron';

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1480,
    height: 920,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0d1117',
    title: 'Plasticity Lab',
    webPreferences: secureWebPreferences(preload),
  };
}

/** The renderer's Content-Security-Policy (also in renderer/index.html as a meta tag). */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Refuses navigation away from the app, new windows, webviews and permission requests. */
export function hardenWebContents(wc: WebContents, appUrl: string): void {
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stay = (event: { preventDefault(): void }, url: string): void => {
    if (url !== appUrl) event.preventDefault();
  };
  wc.on('will-navigate', stay);
  wc.on('will-redirect', stay);
  wc.on('will-attach-webview', (event) => event.preventDefault());
}

/** `appUrl`: the renderer's index.html; of file:// URLs only those in its folder load. */
export function hardenSession(session: Session, appUrl: string): void {
  const rendererDir = new URL('./', appUrl).href;
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // No remote content, and no other local file (a page's fetch('file:///…') would otherwise read any file the
  // user can): only the renderer's own files load.
  session.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith(rendererDir) || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    callback({ cancel: !ok });
  });
}

export interface WindowDeps {
  BrowserWindow: typeof BrowserWindowT;
  preload: string;
  /** file:// URL of dist/renderer/index.html */
  appUrl: string;
}

export function createMainWindow(deps: WindowDeps): BrowserWindowT {
  const win = new deps.BrowserWindow(windowOptions(deps.preload));
  hardenWebContents(win.webContents, deps.appUrl);
  hardenSession(win.webContents.session, deps.appUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(deps.appUrl);
  return win;
}
