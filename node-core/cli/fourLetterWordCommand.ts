// `paddock 4lw host:port word`: sends a ZooKeeper four-letter word (ruok, srvr, mntr, ...) and prints the reply,
// which the server ends by closing the connection.
import { fourLetterWord, parseConnectString } from '../client/index.js';

const usage = 'Usage: paddock 4lw host:port <word>   (e.g. ruok, srvr, stat, mntr, conf, cons, envi, wchs)\n';

export function sendFourLetterWord(host: string, port: number, word: string, timeoutMs = 5_000): Promise<string> {
  return fourLetterWord(host, port, word, { timeoutMs });
}

export async function runFourLetterWordCommand(args: string[]): Promise<number> {
  const [target, word] = args;
  if (target === undefined || word === undefined || args.length > 2) {
    process.stderr.write(usage);
    return 1;
  }
  let host: { host: string; port: number };
  try {
    host = parseConnectString(target).hosts[0]!;
  } catch (error) {
    process.stderr.write(`paddock 4lw: ${(error as Error).message}\n`);
    return 1;
  }
  if (word.length !== 4) process.stderr.write(`paddock 4lw: warning: '${word}' is not four letters; sending it anyway\n`);
  try {
    const reply = await sendFourLetterWord(host.host, host.port, word);
    process.stdout.write(reply.endsWith('\n') || reply === '' ? reply : `${reply}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`paddock 4lw: ${host.host}:${host.port}: ${(error as Error).message}\n`);
    return 1;
  }
}
