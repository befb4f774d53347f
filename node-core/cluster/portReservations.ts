// A port one process hands out stays promised to it across processes: one lock file per port under the temp
// directory, holding the owner's pid. Probing alone is not enough: two processes probing at once (two test workers,
// or a test and the cluster supervisor it started) can both find a port free and both give it to a server that
// binds it seconds later. Files of processes that died are taken over; a process removes its own when it exits.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const reservationDir = join(tmpdir(), `paddock-ports-${process.getuid?.() ?? 'user'}`);
const claimed = new Set<number>();
let exitCleanupInstalled = false;

function ownerAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function installExitCleanup(): void {
  if (exitCleanupInstalled) return;
  exitCleanupInstalled = true;
  process.once('exit', () => {
    for (const port of claimed) releasePort(port);
  });
}

/**
 * Claims port for this process; false when a live process holds it. Where the directory cannot be written, every
 * claim succeeds: coordination is lost, not ports.
 */
export function claimPort(port: number): boolean {
  if (claimed.has(port)) return true;
  const file = join(reservationDir, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(reservationDir, { recursive: true });
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      claimed.add(port);
      installExitCleanup();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    }
    let owner = Number.NaN;
    try {
      owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    } catch {
      // Removed or still being written by its owner: try once more below, then give up on this port.
    }
    if (ownerAlive(owner)) return false;
    try {
      unlinkSync(file);
    } catch {
      // Someone else took the stale file over first; the next attempt sees theirs.
    }
  }
  return false;
}

export function releasePort(port: number): void {
  if (!claimed.delete(port)) return;
  try {
    unlinkSync(join(reservationDir, String(port)));
  } catch {
    // Already gone.
  }
}
