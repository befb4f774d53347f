// Runs one command of a ZooKeeper AdminServer (GET /commands/<name> on its HTTP port) and returns the JSON object it
// answers with: the fallback where four-letter words are not whitelisted, and how Paddock members report elections.
import { request } from 'node:http';

// The biggest answers (a member's election history, mntr) are a few KiB; anything near this is not an AdminServer.
const maxReplyBytes = 1 << 20;

/**
 * The answer's HTTP status and body text. One deadline covers the whole exchange: a paused server accepts the
 * connection and then says nothing.
 */
export function adminCommandText(host: string, port: number, command: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const path = `/commands/${command}`;
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxReplyBytes) req.destroy(new Error(`AdminServer ${path}: answer larger than ${maxReplyBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`AdminServer ${path}: no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/** Rejects when the answer is not a JSON object, naming the command and the HTTP status. */
export async function adminCommand(host: string, port: number, command: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const { status, text } = await adminCommandText(host, port, command, timeoutMs);
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a JSON object');
    return body as Record<string, unknown>;
  } catch (err) {
    throw new Error(`AdminServer /commands/${command} answered HTTP ${status || '?'} without JSON: ${(err as Error).message}`);
  }
}
