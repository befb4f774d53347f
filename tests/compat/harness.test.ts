// Checks the compat harness itself: target selection, start-failure reports, and that each target comes up
// standalone and as a 3-server ensemble that survives losing its leader.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverMode } from '../helpers/fourLetterWord.js';
import { freePorts } from '../helpers/ports.js';
import { startEnsemble, type ServerLauncher } from '../helpers/zkEnsemble.js';
import { compatTargets, startTarget, type ZkMember, type ZkTarget } from '../helpers/zkTarget.js';

function fakeLauncher(script: string): ServerLauncher {
  return {
    kind: 'paddock',
    label: 'fake server',
    preflight() {},
    command: () => ({ file: process.execPath, args: ['-e', script] }),
  };
}

/** A failed start keeps its temp directory for the log it points to; these deliberate failures need no log. */
function removeReportedDir(error: Error): void {
  const log = /see log at (\S+server\.log)/.exec(error.message)?.[1];
  if (log !== undefined) rmSync(dirname(dirname(log)), { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('compat harness', () => {
  it('reads PADDOCK_COMPAT_TARGETS, defaulting to both targets', () => {
    expect(compatTargets({})).toEqual(['apache', 'paddock']);
    expect(compatTargets({ PADDOCK_COMPAT_TARGETS: 'apache' })).toEqual(['apache']);
    expect(compatTargets({ PADDOCK_COMPAT_TARGETS: ' Paddock ' })).toEqual(['paddock']);
    expect(() => compatTargets({ PADDOCK_COMPAT_TARGETS: 'etcd' })).toThrow(/unknown target "etcd"/);
  });

  it('hands out distinct free ports', async () => {
    const ports = await freePorts(8);
    expect(new Set(ports).size).toBe(8);
  });

  it('reports a server that never answers ruok, with its log tail, and kills it', async () => {
    const launcher = fakeLauncher('console.log("booting slowly, pid", process.pid); setInterval(() => {}, 1000);');
    const error = await startEnsemble(launcher, { startTimeoutMs: 1_500 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^fake server \(server 1\) did not answer ruok within 2s; see log at \S+server\.log/,
    );
    expect((error as Error).message).toContain('booting slowly');
    const pid = Number(/booting slowly, pid (\d+)/.exec((error as Error).message)?.[1]);
    expect(alive(pid)).toBe(false);
    removeReportedDir(error as Error);
  });

  it('reports a server that exits during start', async () => {
    const error = await startEnsemble(fakeLauncher('console.error("no such config"); process.exit(3);')).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/^fake server \(server 1\) exited \(code 3\) before it served/);
    expect((error as Error).message).toContain('no such config');
    removeReportedDir(error as Error);
  });
});

describe.each(compatTargets())('%s target', (kind) => {
  const started: ZkTarget[] = [];

  afterAll(async () => {
    await Promise.all(started.map((t) => t.stop()));
  });

  it('starts standalone and answers four-letter words', async () => {
    const t = await startTarget(kind);
    started.push(t);
    expect(t.members).toHaveLength(1);
    expect(t.connectString).toBe(t.hostPort);
    expect(await t.fourLetterWord('ruok')).toBe('imok');
    expect(await t.fourLetterWord('srvr')).toMatch(/^Mode: standalone$/m);
    await t.stop();
    expect(await t.fourLetterWord('ruok').catch((e: NodeJS.ErrnoException) => e.code)).toBe('ECONNREFUSED');
  });

  it('starts a 3-server ensemble that elects a new leader when the leader is killed', async () => {
    const t = await startTarget(kind, { size: 3 });
    started.push(t);
    // a killed member has no pid; asking it would only wait for a refused connection
    const modeOf = (m: ZkMember) =>
      m.pid === undefined ? undefined : serverMode('127.0.0.1', m.clientPort).catch(() => undefined);
    const modes = () => Promise.all(t.members.map(modeOf));
    const initial = await modes();
    expect([...initial].sort()).toEqual(['follower', 'follower', 'leader']);

    const leader = t.members[initial.indexOf('leader')]!;
    await t.kill(leader.id);
    const deadline = Date.now() + 30_000;
    let after = await modes();
    while (!after.includes('leader') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = await modes();
    }
    expect(after.filter((m) => m !== undefined).sort()).toEqual(['follower', 'leader']);

    await t.restart(leader.id);
    expect(await serverMode('127.0.0.1', leader.clientPort)).toBe('follower');
  });
});
