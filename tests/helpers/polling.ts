// Waiting in tests without guessed sleeps: poll a probe until its value is the one wanted, and a client call's outcome
// as 'ok' or its KeeperError code, so an assertion can name the error a server answered with.
import { KeeperError } from '../../node-core/protocol/index.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once check() is true; throws after timeoutMs, naming what was awaited. */
export async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition', pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** Polls `probe` every 100 ms until `done` accepts its value; fails naming `what` and the last value. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** 'ok', the KeeperError code, or the text of any other failure. */
export const codeOf = (p: Promise<unknown>): Promise<string | number> =>
  p.then(
    () => 'ok',
    (error: unknown) => (error instanceof KeeperError ? error.code : String(error)),
  );
