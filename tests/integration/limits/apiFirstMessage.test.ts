// Issue 14 point 10: the admin API takes only a small message from a peer that has not presented its token, so a
// 64 MiB first message no longer swells the `paddock ui` process; once the token is accepted, large messages pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startUiProcess, type UiProcess } from '../../bench/guiServer.js';
import { MiB, sampleRss } from './rssSampler.js';

const dir = mkdtempSync(join(tmpdir(), 'paddock-api-limit-'));
let ui: UiProcess;
let apiUrl: string;
let token: string;

beforeAll(async () => {
  ui = await startUiProcess(dir);
  const page = new URL(ui.url);
  token = page.searchParams.get('token')!;
  apiUrl = `ws://${page.host}/api`;
});

afterAll(async () => {
  await ui?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function open(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

describe('paddock ui: admin API before the token', () => {
  it('closes a peer whose first message is 64 MiB with 1009, without taking the message into memory', async () => {
    // Built before connecting, and sent with an all-zero mask (which ws does not apply), so that the bytes leave at
    // once even on a loaded machine rather than after the API's 5 s wait for a token.
    const message = Buffer.alloc(64 * MiB, 'x');
    const ws = await open(apiUrl, { generateMask: (mask) => void mask.fill(0) });
    ws.on('error', () => undefined);
    const whenClosed = closed(ws);
    const rss = sampleRss(ui.pid);
    ws.send(message, { binary: false });
    const outcome = await whenClosed;
    const { before, peak } = rss.stop();
    console.log(`paddock ui RSS before ${(before / MiB).toFixed(1)} MiB, peak while refusing a 64 MiB first message ${(peak / MiB).toFixed(1)} MiB`);
    expect(outcome.code).toBe(1009);
    expect(outcome.reason).toMatch(/first message must be the token/);
    // Unbounded, the message alone is 64 MiB and ws held it twice over (the issue measured 57 -> 313 MB).
    expect(peak - before).toBeLessThan(16 * MiB);
  });

  it('accepts the token as the first message, then a message larger than the pre-token cap', async () => {
    const ws = await open(apiUrl);
    ws.send(JSON.stringify({ auth: token }));
    expect(await nextMessage(ws)).toEqual({ auth: 'ok' });
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ id: 7, method: 'noSuchMethod', params: { padding: 'y'.repeat(2 * MiB) } }));
    expect(await reply).toMatchObject({ id: 7, error: { name: expect.any(String) } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const done = closed(ws);
    ws.close(1000);
    expect((await done).code).toBe(1000);
  });

  it('still refuses a wrong token sent as the first message', async () => {
    const ws = await open(apiUrl);
    const done = closed(ws);
    ws.send(JSON.stringify({ auth: 'not-the-token' }));
    expect((await done).code).toBe(4401);
  });
});
