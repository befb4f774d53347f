// Read-only mode as real clients use it, on a 3-member ensemble with readonlymode.enabled whose other two members
// go down and come back: kazoo's own read-only test (kazoo_read_only.py); then, with the read-only member isolated
// while the other two form a quorum again, kazoo, the Java client (Debian's zkCli -r) and Paddock's client each find
// the read-write members by asking `isro` and move there. The behaviour is the same on Apache ZooKeeper 3.8 and on
// Paddock.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LineProcess } from './faults/lineProcess.js';
import { codeOf, waitFor } from '../helpers/polling.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';
import { ZKCLI_PATH } from '../helpers/zkCli.js';
import { fourLetterWord } from '../helpers/fourLetterWord.js';
import { ZkClient } from '../../node-core/client/index.js';
import { ErrorCode } from '../../node-core/protocol/index.js';
import { DEFAULT_JVM_FLAGS, LocalCluster, type MemberState } from '../../node-core/cluster/index.js';

const PYTHON = '/usr/bin/python3';
const KAZOO_SCRIPT = fileURLToPath(new URL('./kazoo_read_only.py', import.meta.url));

// As kazoo's harness configures its ensemble: local sessions, so a read-only member can hand out sessions at all.
const readOnlyConfig = {
  'readonlymode.enabled': true,
  localSessionsEnabled: true,
  localSessionsUpgradingEnabled: true,
};

let target: ZkTarget | undefined;
let cluster: { cluster: LocalCluster; dir: string } | undefined;
const programs: LineProcess[] = [];
const clients: ZkClient[] = [];

afterEach(async () => {
  await Promise.all(programs.splice(0).map((p) => p.stop()));
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await target?.stop();
  target = undefined;
  if (cluster !== undefined) {
    await cluster.cluster.stop({ timeoutMs: 3000 });
    if (process.env.PADDOCK_KEEP_TMP === undefined) rmSync(cluster.dir, { recursive: true, force: true });
    cluster = undefined;
  }
});

const isro = (m: MemberState) => fourLetterWord('127.0.0.1', m.ports.client, 'isro', 1_000).catch(() => 'down');

/** A client program's output read in order: each wait starts after the line the previous one returned. */
class LineReader {
  private at = 0;
  constructor(readonly program: LineProcess) {}

  async next(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const index = await this.program.waitForLine(match, this.at, timeoutMs, what);
    this.at = index + 1;
    return this.program.lines[index]!;
  }

  /** For zkCli through stdin: the command, then `version`, whose banner line marks the end of its output. */
  async run(command: string, timeoutMs = 20_000): Promise<string[]> {
    const from = this.at;
    this.program.write(`${command}\nversion\n`);
    await this.next((l) => l.startsWith('ZooKeeper CLI version'), timeoutMs, `the end of "${command}"`);
    return this.program.lines.slice(from, this.at - 1);
  }
}

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

/** kazoo_read_only.py on `hosts`, idling `idleSeconds` in read-only mode as kazoo's test does (15 s there). */
function startKazoo(hosts: string, idleSeconds: number): LineReader {
  const kazoo = new LineProcess(PYTHON, [KAZOO_SCRIPT, hosts, String(idleSeconds)]);
  programs.push(kazoo);
  return new LineReader(kazoo);
}

/** The facts kazoo printed for its next step, which must be `name`. */
async function kazooStep(kazoo: LineReader, name: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const facts = parse(await kazoo.next((l) => l.startsWith('{'), timeoutMs, `kazoo's ${name} step`));
  if (facts.step === 'error') throw new Error(`kazoo failed:\n${String(facts.error)}\n${kazoo.program.lines.join('\n')}`);
  expect(facts.step).toBe(name);
  return facts;
}

describe.each(compatTargets())('%s: read-only mode with real clients', (kind) => {
  it("passes kazoo's own read-only test, and kazoo moves back to a read-write server when the quorum returns", async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install with \`apt-get install -y python3-kazoo\``);
    target = await startTarget(kind, { size: 3, extraConfig: readOnlyConfig });
    await createChroot(target, '/kazootests');
    const kazoo = startKazoo(`${target.connectString}/kazootests`, 15);
    const step = (name: string, timeoutMs: number) => kazooStep(kazoo, name, timeoutMs);
    expect((await step('started', 20_000)).state).toBe('CONNECTED');

    // kazoo's harness stops both members at once, with SIGTERM.
    const exits = await Promise.all([target.signalAndWait(2, 'SIGTERM'), target.signalAndWait(3, 'SIGTERM')]);
    expect(exits.map((e) => e.timedOut)).toEqual([false, false]);
    kazoo.program.write('members 2 and 3 are down\n');
    const readOnly = await step('read-only', 60_000);
    console.log(kind, 'kazoo read-only step', JSON.stringify(readOnly));
    expect(readOnly.state).toBe('CONNECTED_RO');
    expect(readOnly.children).toEqual([]);
    expect(readOnly.write).toBe('NotReadOnlyCallError');
    expect(readOnly.statesWhileIdle).toEqual([]);

    await target.restart(2);
    kazoo.program.write('the quorum is back\n');
    const readWrite = await step('read-write', 70_000);
    console.log(kind, 'kazoo read-write step', JSON.stringify(readWrite));
    expect(readWrite.state).toBe('CONNECTED');
    expect(readWrite.created).toBe('/after-quorum');
  }, 150_000);
});

describe.each(compatTargets())('%s: clients on an isolated read-only member find the read-write members by isro', (engine) => {
  it('kazoo, zkCli -r and Paddock client read there, are refused writes, then move to a read-write member', async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install with \`apt-get install -y python3-kazoo\``);
    if (!existsSync(ZKCLI_PATH)) throw new Error(`${ZKCLI_PATH} not found: install with \`apt-get install -y zookeeper\``);
    const dir = mkdtempSync(join(tmpdir(), `paddock-ro-${engine}-`));
    const local = await LocalCluster.create({
      nodes: 3,
      dir,
      engine,
      pollIntervalMs: 300,
      extraConfig: readOnlyConfig,
      apache: { jvmFlags: [...DEFAULT_JVM_FLAGS, '-Dreadonlymode.enabled=true'] },
    });
    cluster = { cluster: local, dir };
    await local.start();
    const members = await local.waitFor((ms) => ms.filter((m) => m.mode === 'leader').length === 1 && ms.every((m) => m.mode !== 'not serving'), 40_000, 'a leader');
    const [one, two, three] = members as [MemberState, MemberState, MemberState];
    const writer = await ZkClient.connect(members.map((m) => m.hostPort).join(','), { sessionTimeout: 10_000 });
    clients.push(writer);
    await writer.create('/kazootests', 'before');
    for (const m of members) {
      const reader = await ZkClient.connect(m.hostPort, { sessionTimeout: 10_000 });
      await reader.sync('/kazootests');
      await reader.close();
    }

    await local.killMember(2);
    await local.killMember(3);
    await waitFor('member 1 read-only', () => isro(one), (r) => r === 'ro');
    // Member 2 first: kazoo asks only the first server of its list whether it is read-write.
    const connect = [two, one, three].map((m) => m.hostPort).join(',');

    const ours = new ZkClient(connect, { sessionTimeout: 10_000, readOnly: true });
    clients.push(ours);
    await ours.waitForState('connectedReadOnly', 20_000);
    const readOnlySession = ours.sessionId;
    expect((await ours.getData('/kazootests')).data?.toString()).toBe('before');
    expect(await codeOf(ours.create('/kazootests/x', ''))).toBe(ErrorCode.notReadOnly);

    const kazoo = startKazoo(`${connect}/kazootests`, 1);
    expect((await kazooStep(kazoo, 'started', 30_000)).state).toBe('CONNECTED_RO');
    kazoo.program.write('go\n');
    const kazooReadOnly = await kazooStep(kazoo, 'read-only', 40_000);
    expect([kazooReadOnly.state, kazooReadOnly.write]).toEqual(['CONNECTED_RO', 'NotReadOnlyCallError']);

    const zkCli = new LineReader(
      new LineProcess('bash', ['-c', 'exec "$0" "$@" 2>&1', ZKCLI_PATH, '-server', connect, '-r'], {
        ...process.env,
        CLIENT_JVMFLAGS: '-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto',
      }),
    );
    programs.push(zkCli.program);
    await zkCli.next((l) => l.includes('state:ConnectedReadOnly'), 30_000, 'ConnectedReadOnly');
    expect(await zkCli.run('get /kazootests')).toContain('before');
    expect((await zkCli.run('create /kazootests/zk x')).join('\n')).toMatch(/Not a read-only call/);

    // Member 1 is cut off; members 2 and 3 come back and form a quorum without it.
    local.isolate(1);
    await local.startMember(2);
    await local.startMember(3);
    await waitFor('a read-write member', () => isro(two), (r) => r === 'rw', 60_000);
    expect(await isro(one)).toBe('ro');
    const quorumAt = Date.now();

    // Java's and Paddock's clients ask one server at a time, waiting twice as long after each "no" (up to 60 s).
    await ours.waitForState('connected', 90_000);
    const oursAfterS = (Date.now() - quorumAt) / 1000;
    expect(ours.sessionId).not.toBe(readOnlySession);
    expect(ours.currentServer).not.toBe(one.hostPort);
    expect(await ours.create('/kazootests/ours', '')).toBe('/kazootests/ours');

    kazoo.program.write('go\n');
    const kazooReadWrite = await kazooStep(kazoo, 'read-write', 90_000);
    expect([kazooReadWrite.state, kazooReadWrite.created]).toEqual(['CONNECTED', '/after-quorum']);

    await zkCli.next((l) => l.includes('state:SyncConnected'), 90_000, 'SyncConnected');
    const zkCliAfterS = (Date.now() - quorumAt) / 1000;
    expect(await zkCli.run('create /kazootests/zk x')).toContain('Created /kazootests/zk');
    console.log(`${engine}: after the quorum returned, Paddock's client moved in ${oursAfterS.toFixed(1)} s, kazoo in ${String(kazooReadWrite.rwAfterS)} s after its step, zkCli -r in ${zkCliAfterS.toFixed(1)} s`);
    local.heal(1);
  }, 240_000);
});
