// Dynamic reconfiguration on a real 3-node Paddock ensemble (reconfigEnabled=true): a fourth member joins through
// reconfig and serves, every member shows the new /zookeeper/config, a restarted member keeps the membership it
// stored, the member leaves again, and the refusals answer with ZooKeeper's codes. Apache ZooKeeper 3.8 was probed
// with the same steps for the reply shapes (GetDataResponse with the config text, stat version -1).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../../node-core/client/zkClient.js';
import { ConnectionLossError } from '../../../node-core/client/zkConnection.js';
import { ErrorCode } from '../../../node-core/protocol/errorCodes.js';
import { fourLetterWord, serverMode } from '../../helpers/fourLetterWord.js';
import { PADDOCK_BIN, REPO_ROOT } from '../../helpers/paddockServer.js';
import { freePorts } from '../../helpers/ports.js';
import { startTarget, type ZkTarget } from '../../helpers/zkTarget.js';

const HOST = '127.0.0.1';
const superDigest = `super:${createHash('sha1').update('super:secret').digest('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -999;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

async function superClient(hostPort: string): Promise<ZkClient> {
  const client = await ZkClient.connect(hostPort);
  await client.addAuth('digest', 'super:secret');
  return client;
}

async function configOn(hostPort: string): Promise<string> {
  const client = await ZkClient.connect(hostPort);
  try {
    await client.sync('/zookeeper/config');
    return (await client.getData('/zookeeper/config')).data?.toString() ?? '';
  } finally {
    await client.close();
  }
}

describe('dynamic reconfiguration (Paddock, reconfigEnabled)', () => {
  let target: ZkTarget;
  let joiner: ChildProcess | undefined;
  let joinerLine = '';
  let joinerClientPort = 0;
  let joinerDataDir = '';

  beforeAll(async () => {
    target = await startTarget('paddock', {
      size: 3,
      superDigest,
      extraConfig: { reconfigEnabled: true, tickTime: 500, initLimit: 10, syncLimit: 5 },
    });
  });

  afterAll(async () => {
    if (joiner?.pid !== undefined) {
      try {
        process.kill(-joiner.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await target?.stop();
  });

  it('refuses without admin rights, with a stale config version, and without a synced quorum of the new voters', async () => {
    const anonymous = await ZkClient.connect(target.connectString);
    const admin = await superClient(target.connectString);
    try {
      const before = (await anonymous.getData('/zookeeper/config')).data!.toString();
      expect(before).toMatch(/^server\.1=.*\nserver\.2=.*\nserver\.3=.*\nversion=0$/);
      const spare = 'server.9=127.0.0.1:1:2:participant;127.0.0.1:3';
      expect(await codeOf(anonymous.reconfig({ joiningServers: spare }))).toBe(ErrorCode.noAuth);
      expect(await codeOf(admin.reconfig({ joiningServers: spare, fromConfig: 5n }))).toBe(ErrorCode.badVersion);
      const one = before.split('\n')[0]!;
      const absent = 'server.8=127.0.0.1:4:5:participant;127.0.0.1:6,server.9=127.0.0.1:7:8:participant;127.0.0.1:9';
      expect(await codeOf(admin.reconfig({ newMembers: `${one},${absent}` }))).toBe(ErrorCode.newConfigNoQuorum);
      expect(await codeOf(admin.reconfig({ joiningServers: 'server.9=127.0.0.1:1:2:participant' }))).toBe(ErrorCode.badArguments);
      expect((await anonymous.getData('/zookeeper/config')).data!.toString()).toBe(before);
    } finally {
      await anonymous.close();
      await admin.close();
    }
  });

  it('adds a fourth member that was started with the joined configuration', async () => {
    const [clientPort, adminPort, quorumPort, electionPort] = (await freePorts(4)) as [number, number, number, number];
    joinerClientPort = clientPort;
    const memberDir = join(target.dir, 'server4');
    joinerDataDir = join(memberDir, 'data');
    mkdirSync(joinerDataDir, { recursive: true });
    writeFileSync(join(joinerDataDir, 'myid'), '4\n');
    joinerLine = `server.4=${HOST}:${quorumPort}:${electionPort}:participant;${HOST}:${clientPort}`;
    const servers = target.members.map((m) => `server.${m.id}=${HOST}:${m.quorumPort}:${m.electionPort}`);
    const cfg = [
      'tickTime=500',
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${joinerDataDir}`,
      `clientPort=${clientPort}`,
      `clientPortAddress=${HOST}`,
      `admin.serverAddress=${HOST}`,
      `admin.serverPort=${adminPort}`,
      '4lw.commands.whitelist=*',
      'reconfigEnabled=true',
      `DigestAuthenticationProvider.superDigest=${superDigest}`,
      ...servers,
      joinerLine,
    ];
    writeFileSync(join(memberDir, 'zoo.cfg'), `${cfg.join('\n')}\n`);
    const log = openSync(join(memberDir, 'server.log'), 'a');
    try {
      joiner = spawn(process.execPath, [PADDOCK_BIN, 'server', join(memberDir, 'zoo.cfg')], {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    // Before the reconfig the joiner syncs with the leader as a non-voting follower and serves.
    await until('the joiner to serve', async () => serverMode(HOST, clientPort));

    const admin = await superClient(target.connectString);
    let reply;
    try {
      reply = await admin.reconfig({ joiningServers: joinerLine });
    } finally {
      await admin.close();
    }
    const text = reply.data!.toString();
    expect(text).toContain(`\n${joinerLine}\n`);
    expect(text).toMatch(new RegExp(`\\nversion=${reply.stat.mzxid.toString(16)}$`));
    expect(reply.stat.version).toBe(-1);

    for (const hostPort of [...target.members.map((m) => m.hostPort), `${HOST}:${clientPort}`]) {
      expect(await until(`the new config on ${hostPort}`, async () => ((await configOn(hostPort)) === text ? true : undefined))).toBe(true);
    }
    const version = reply.stat.mzxid.toString(16);
    for (const m of target.members) expect(readdirSync(m.dataDir)).toContain(`zoo.cfg.dynamic.${version}`);
    expect(readdirSync(joinerDataDir)).toContain(`zoo.cfg.dynamic.${version}`);

    // The new member serves reads and writes in the ensemble.
    const onJoiner = await ZkClient.connect(`${HOST}:${clientPort}`);
    const onFirst = await ZkClient.connect(target.members[0]!.hostPort);
    try {
      await onJoiner.create('/via-joiner', Buffer.from('4'));
      await onFirst.sync('/via-joiner');
      expect((await onFirst.getData('/via-joiner')).data?.toString()).toBe('4');
    } finally {
      await onJoiner.close();
      await onFirst.close();
    }
    expect(await fourLetterWord(HOST, clientPort, 'srvr')).toMatch(/Mode: (follower|leader)/);
  });

  it('keeps the new membership when a member restarts', async () => {
    const expected = await configOn(target.members[0]!.hostPort);
    const follower = target.members.find((m) => m.id !== 1) ?? target.members[1]!;
    await target.kill(follower.id);
    await target.restart(follower.id);
    expect(target.logTail(follower.id, 400)).toMatch(/Using the dynamic configuration version/);
    expect(await until('the restarted member to agree', async () => ((await configOn(follower.hostPort)) === expected ? true : undefined))).toBe(true);
  });

  it('removes the fourth member again', async () => {
    const admin = await superClient(target.members[0]!.hostPort);
    let text: string;
    try {
      const before = await configOn(target.members[0]!.hostPort);
      const version = BigInt(`0x${/version=([0-9a-f]+)$/.exec(before)![1]}`);
      try {
        text = (await admin.reconfig({ leavingServers: '4', fromConfig: version })).data!.toString();
      } catch (error) {
        // When member 4 leads, removing it ends its leadership and every member re-elects right after the commit;
        // as with Apache ZooKeeper, the client's connection may then close before the reply leaves. A
        // ConnectionLoss leaves the outcome unknown, so read it, as a client must: the committed config.
        if (!(error instanceof ConnectionLossError)) throw error;
        text = await until('the committed config after a ConnectionLoss', async () => {
          const after = await configOn(target.members[0]!.hostPort);
          return after !== before ? after : undefined;
        });
      }
    } finally {
      await admin.close().catch(() => undefined);
    }
    expect(text).not.toContain('server.4=');
    expect(text.split('\n')).toHaveLength(4);
    for (const m of target.members) {
      expect(await until(`the shrunk config on ${m.id}`, async () => ((await configOn(m.hostPort)) === text ? true : undefined))).toBe(true);
    }
    // Three voters again: the ensemble keeps serving writes.
    const client = await ZkClient.connect(target.connectString);
    try {
      await client.create('/after-remove', Buffer.from('x'));
    } finally {
      await client.close();
    }
    expect(existsSync(joinerDataDir)).toBe(true);
  });
});

describe('reconfig refused by configuration', () => {
  it('is ReconfigDisabled by default and Unimplemented on a standalone server', async () => {
    for (const [extraConfig, code] of [
      [{}, ErrorCode.reconfigDisabled],
      [{ reconfigEnabled: true, skipACL: 'yes' }, ErrorCode.unimplemented],
    ] as const) {
      const standalone = await startTarget('paddock', { size: 1, extraConfig });
      try {
        const client = await ZkClient.connect(standalone.connectString);
        try {
          expect(await codeOf(client.reconfig({ leavingServers: '2' }))).toBe(code);
        } finally {
          await client.close();
        }
      } finally {
        await standalone.stop();
      }
    }
  });
});
