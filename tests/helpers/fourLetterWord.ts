// Sends a ZooKeeper four-letter word (ruok, srvr, mntr, ...) and returns the whole reply; the server closes the
// connection when it has answered, so the reply ends at EOF.
import { connect } from 'node:net';

export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${word} to ${host}:${port}: no complete reply within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** The Mode line of `srvr` (standalone, leader, follower, observer), or undefined while not serving. */
export async function serverMode(host: string, port: number): Promise<string | undefined> {
  const reply = await fourLetterWord(host, port, 'srvr');
  return /^Mode: (\S+)/m.exec(reply)?.[1];
}
