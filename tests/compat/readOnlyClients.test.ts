// Read-only mode as real clients use it, on a 3-member ensemble with readonlymode.enabled whose other two members
// go down and come back: kazoo's own read-only test (kazoo_read_only.py), and the behaviour is the same on
// Apache ZooKeeper 3.8 and on Paddock.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SteppedProcess } from '../helpers/steppedProcess.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { ZkClient } from '../../node-core/client/index.js';

const PYTHON = '/usr/bin/python3';
const KAZOO_SCRIPT = fileURLToPath(new URL('./kazoo_read_only.py', import.meta.url));

// As kazoo's harness configures its ensemble: local sessions, so a read-only member can hand out sessions at all.
const readOnlyConfig = {
  'readonlymode.enabled': true,
  localSessionsEnabled: true,
  localSessionsUpgradingEnabled: true,
};

let target: ZkTarget | undefined;
const programs: SteppedProcess[] = [];

afterEach(async () => {
  await Promise.all(programs.splice(0).map((p) => p.stop()));
  await target?.stop();
  target = undefined;
});

async function createChroot(t: ZkTarget, chroot: string): Promise<void> {
  const client = await ZkClient.connect(t.connectString, { sessionTimeout: 10_000 });
  try {
    await client.create(chroot, '');
    // every member must hold the chroot before two of them go down
    for (const m of t.members) {
      const reader = await ZkClient.connect(m.hostPort, { sessionTimeout: 10_000 });
      await reader.sync(chroot);
      await reader.close();
    }
  } finally {
    await client.close();
  }
}

const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe.each(compatTargets())('%s: read-only mode with real clients', (kind) => {
  it("passes kazoo's own read-only test, and kazoo moves back to a read-write server when the quorum returns", async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install with \`apt-get install -y python3-kazoo\``);
    target = await startTarget(kind, { size: 3, extraConfig: readOnlyConfig });
    await createChroot(target, '/kazootests');
    const kazoo = new SteppedProcess(PYTHON, [KAZOO_SCRIPT, `${target.connectString}/kazootests`, '15']);
    programs.push(kazoo);
    const step = async (name: string, timeoutMs: number) => {
      const facts = parse(await kazoo.nextLine((l) => l.startsWith('{'), timeoutMs));
      if (facts.step === 'error') throw new Error(`kazoo failed:\n${String(facts.error)}\n${kazoo.transcript}`);
      expect(facts.step).toBe(name);
      return facts;
    };
    expect((await step('started', 20_000)).state).toBe('CONNECTED');

    // kazoo's harness stops both members at once, with SIGTERM.
    const exits = await Promise.all([target.signalAndWait(2, 'SIGTERM'), target.signalAndWait(3, 'SIGTERM')]);
    expect(exits.map((e) => e.timedOut)).toEqual([false, false]);
    kazoo.send('members 2 and 3 are down');
    const readOnly = await step('read-only', 60_000);
    console.log(kind, 'kazoo read-only step', JSON.stringify(readOnly));
    expect(readOnly.state).toBe('CONNECTED_RO');
    expect(readOnly.children).toEqual([]);
    expect(readOnly.write).toBe('NotReadOnlyCallError');
    expect(readOnly.statesWhileIdle).toEqual([]);

    await target.restart(2);
    kazoo.send('the quorum is back');
    const readWrite = await step('read-write', 70_000);
    console.log(kind, 'kazoo read-write step', JSON.stringify(readWrite));
    expect(readWrite.state).toBe('CONNECTED');
    expect(readWrite.created).toBe('/after-quorum');
  });
});
