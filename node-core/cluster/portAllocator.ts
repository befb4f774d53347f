// Hands out TCP ports on 127.0.0.1 for cluster members and link proxies: consecutive from a base port (skipping
// busy ones) when the user wants predictable ports, otherwise random free ports below the kernel's ephemeral range.
// Ports the kernel picks (bind to 0) come from the range outgoing connections use for their local ports, so a
// member restarted later could find its port taken by some client's connection; below it, that cannot happen.
import { createServer } from 'node:net';
import { claimPort } from './portReservations.js';

export const LOOPBACK = '127.0.0.1';

/** Below Linux's default ephemeral range (32768-60999) and macOS/Windows' (49152-65535), above common services. */
const randomPortLow = 15_000;
const randomPortHigh = 32_768;

function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      const address = server.address();
      const bound = address !== null && typeof address !== 'string' ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

export class PortAllocator {
  private cursor: number | undefined;
  // Ports are released right after probing, so remember them: a later probe could find one free again.
  private readonly given = new Set<number>();

  constructor(basePort?: number) {
    if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1 || basePort > 65535)) {
      throw new RangeError(`base port must be 1..65535, got ${basePort}`);
    }
    this.cursor = basePort;
  }

  async next(): Promise<number> {
    for (let attempt = 0; attempt < 1000; attempt++) {
      let port: number | undefined;
      if (this.cursor !== undefined) {
        if (this.cursor > 65535) throw new RangeError('ran out of ports above the base port');
        const candidate = this.cursor++;
        port = this.given.has(candidate) ? undefined : await tryBind(candidate);
      } else {
        const candidate = randomPortLow + Math.floor(Math.random() * (randomPortHigh - randomPortLow));
        port = this.given.has(candidate) ? undefined : await tryBind(candidate);
      }
      if (port !== undefined && !this.given.has(port) && claimPort(port)) {
        this.given.add(port);
        return port;
      }
    }
    throw new Error('could not find a free port');
  }

  async take(count: number): Promise<number[]> {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await this.next());
    return ports;
  }

  /** Marks ports as used (e.g. those of an existing layout) so they are not handed out again. */
  reserve(ports: Iterable<number>): void {
    for (const port of ports) {
      this.given.add(port);
      // Best effort: the layout keeps its ports even when another process has promised one of them meanwhile.
      claimPort(port);
    }
  }
}
