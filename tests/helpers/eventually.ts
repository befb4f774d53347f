// Polling for a condition that something else (a server, a client's event thread, another process) makes true.

/** Resolves once check() is true; throws after timeoutMs, naming what was awaited. */
export async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition', pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
