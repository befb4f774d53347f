// Port reservations are shared between processes through lock files: a port this process claimed is refused to
// another live process, handed over once released, and taken over when its owner died without releasing it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimPort, releasePort } from '../../../node-core/cluster/portReservations.js';

const built = resolve('dist/node-core/cluster/portReservations.js');

/** Claims port in a separate Node process; that process exits right after, releasing or (killed) abandoning it. */
function claimElsewhere(port: number, exitHow: 'normally' | 'killed'): boolean {
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  const script = `
    const { claimPort } = await import(${JSON.stringify(built)});
    const ok = claimPort(${port});
    process.stdout.write(String(ok));
    if (${JSON.stringify(exitHow)} === 'killed') process.kill(process.pid, 'SIGKILL');
  `;
  try {
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }) === 'true';
  } catch (err) {
    // A SIGKILLed child makes execFileSync throw; what it printed before dying is the answer.
    return String((err as { stdout?: string }).stdout) === 'true';
  }
}

// A port far from anything the suite's allocators hand out (they use 15000-32767).
const port = 64_000 + (process.pid % 1000);

describe('port reservations', () => {
  it('refuses a port another live process holds and hands it over once released', () => {
    expect(claimPort(port)).toBe(true);
    expect(claimPort(port)).toBe(true);
    expect(claimElsewhere(port, 'normally')).toBe(false);
    releasePort(port);
    expect(claimElsewhere(port, 'normally')).toBe(true);
    // That process exited normally and removed its claim, so this one gets the port again.
    expect(claimPort(port)).toBe(true);
    releasePort(port);
  });

  it('takes over the port of a process that died holding it', () => {
    expect(claimElsewhere(port + 1, 'killed')).toBe(true);
    expect(claimPort(port + 1)).toBe(true);
    expect(claimElsewhere(port + 1, 'normally')).toBe(false);
    releasePort(port + 1);
  });
});
