// Sends a ZooKeeper four-letter word (ruok, srvr, mntr, ...) and returns the whole reply: the server closes the
// connection when it has answered, so the reply ends at EOF. One implementation for the CLI, the admin API, the
// local-cluster supervisor and the tests.
import { connect } from 'node:net';

export interface FourLetterWordOptions {
  timeoutMs?: number;
  /** A runaway answer (dump on a huge server) is cut short here rather than held in memory. */
  maxBytes?: number;
}

export function fourLetterWord(host: string, port: number, word: string, options: FourLetterWordOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${word} to ${host}:${port}: no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) socket.destroy();
      else chunks.push(chunk);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
