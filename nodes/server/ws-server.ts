/**
 * Browser mode: an HTTP server on 127.0.0.1 that serves the built renderer, and a WebSocket that
 * carries the same typed contract as Electron's IPC. A random token travels in the printed URL;
 * every request must carry it (query string, or the cookie set by the first page load) and the
 * WebSocket must also come from our own origin. Requests without it get 403.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkEvent, createDispatcher, wsClientFrame, type WsServerFrame } from '../../electron/common/dispatch.ts';
import type { EventName, EventPayload } from '../../electron/common/contract.ts';
import { createServerService, slotOf } from './service.ts';
import type { SpawnEngine } from './engine-protocol.ts';

export interface LabServerOptions {
  port?: number;
  host?: string;
  /** The built renderer (vite build output). */
  staticDir: string;
  workspace: string;
  examplesDir: string;
  version?: string;
  token?: string;
  spawn?: SpawnEngine;
  /** Largest accepted WebSocket frame; a graph document is rarely more than a few MB. */
  maxPayload?: number;
}

export interface LabServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

const COOKIE = 'plasticity_token';

export async function startLabServer(o: LabServerOptions): Promise<LabServer> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const host = o.host ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();
  const send = (ws: WebSocket, frame: WsServerFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>): void => {
    const checked = checkEvent(name, payload);
    for (const ws of sockets) send(ws, { t: 'event', name, payload: checked });
  };
  const { service, host: runs, autosaves } = createServerService({
    workspace: o.workspace,
    examplesDir: o.examplesDir,
    version: o.version ?? '0.0.0',
    emit,
    ...(o.spawn ? { spawn: o.spawn } : {}),
  });
  const dispatch = createDispatcher(service);

  const tokenOk = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const requestToken = (req: IncomingMessage): { fromQuery: string | null; ok: boolean } => {
    const url = new URL(req.url ?? '/', 'http://x');
    const fromQuery = url.searchParams.get('token');
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === COOKIE)?.[1];
    return { fromQuery, ok: tokenOk(fromQuery) || tokenOk(cookie) };
  };

  const root = resolve(o.staticDir);
  let port = 0;
  const csp = (): string =>
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self' ws://${host}:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; ');

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const t = requestToken(req);
      if (!t.ok) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('403: open the URL printed by `plasticity serve` or `npm run serve` (it carries the access token)\n');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      let rel = decodeURIComponent(url.pathname);
      if (rel === '/' || rel === '') rel = '/index.html';
      const file = resolve(root, normalize(rel).replace(/^([/\\])+/, ''));
      if (!file.startsWith(root + sep)) {
        res.writeHead(404).end();
        return;
      }
      const s = await stat(file).catch(() => null);
      if (!s?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': csp(),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      };
      if (t.fromQuery) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : await readFile(file));
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload ?? 64 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    const allowed = [`http://${host}:${port}`, `http://localhost:${port}`];
    if (!requestToken(req).ok || (origin !== undefined && !allowed.includes(origin))) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      // The autosave slots this tab has named are held while it is open: a new tab is not offered them.
      const slots = new Set<string>();
      const hold = (slot: string | null): void => {
        if (slot === null || slots.has(slot) || ws.readyState !== ws.OPEN) return;
        slots.add(slot);
        autosaves.hold(slot);
      };
      ws.on('close', () => {
        sockets.delete(ws);
        for (const s of slots) autosaves.release(s);
      });
      ws.on('message', (data, isBinary) => {
        void (async () => {
          let frame: unknown;
          try {
            frame = JSON.parse(isBinary ? '' : data.toString());
          } catch {
            send(ws, { t: 'error', message: 'a message must be JSON' });
            return;
          }
          const parsed = wsClientFrame.safeParse(frame);
          if (!parsed.success) {
            send(ws, { t: 'error', message: 'a message must be {t:"call", id, method, request}' });
            return;
          }
          hold(slotOf(parsed.data.request));
          const r = await dispatch(parsed.data.method, parsed.data.request);
          // The autosave offered to this tab is held too, so two new tabs are not offered the same one.
          if (r.ok) hold(slotOf(r.value));
          send(ws, r.ok ? { t: 'result', id: parsed.data.id, ok: true, value: r.value } : { t: 'result', id: parsed.data.id, ok: false, error: r.error });
        })();
      });
    });
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 0, host, () => res());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      await runs.dispose();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_STATIC_DIR = join(REPO_ROOT, 'dist', 'renderer');
