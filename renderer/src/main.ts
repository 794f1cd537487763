import { mount } from 'svelte';
import App from './components/App.svelte';
import { createClient, withPlainRequests } from '../../electron/common/client.ts';
import type { LabClient } from '../../electron/common/contract.ts';
import { wsTransport } from './lib/ws-transport';
import './app.css';

declare global {
  interface Window {
    /** Set by Electron's preload: the same LabClient, over IPC. */
    plasticity?: LabClient;
  }
}

function connect(): LabClient {
  if (window.plasticity) return withPlainRequests(window.plasticity);
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? '';
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient(wsTransport(`${proto}//${location.host}/ws?token=${encodeURIComponent(token)}`));
  return client;
}

mount(App, { target: document.getElementById('app')!, props: { client: connect() } });
