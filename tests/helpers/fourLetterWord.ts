// Sends a ZooKeeper four-letter word (ruok, srvr, mntr, ...) and returns the whole reply; the server closes the
// connection when it has answered, so the reply ends at EOF.
import { fourLetterWord as sendFourLetterWord } from '../../node-core/client/fourLetterWord.js';

export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return sendFourLetterWord(host, port, word, { timeoutMs });
}

/** The Mode line of `srvr` (standalone, leader, follower, observer), or undefined while not serving. */
export async function serverMode(host: string, port: number): Promise<string | undefined> {
  const reply = await fourLetterWord(host, port, 'srvr');
  return /^Mode: (\S+)/m.exec(reply)?.[1];
}
