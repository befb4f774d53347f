// Temporary probe of Apache ZooKeeper's reconfig answers (deleted once Paddock matches them).
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { startTarget } from '../../helpers/zkTarget.js';
import { apacheLauncher } from '../../helpers/apacheZk.js';
import { freePorts } from '../../helpers/ports.js';
import { ZkClient } from '../../../node-core/client/zkClient.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('probe', async () => {
  const target = await startTarget('apache', { size: 3, extraConfig: { reconfigEnabled: true, skipACL: 'yes', standaloneEnabled: false } });
  const [cp, ap, qp, ep] = await freePorts(4);
  const memberDir = join(target.dir, 'server4');
  const m4 = { id: 4, clientPort: cp!, adminPort: ap!, quorumPort: qp!, electionPort: ep!, hostPort: `127.0.0.1:${cp}`, dataDir: join(memberDir, 'data'), configPath: join(memberDir, 'zoo.cfg'), logPath: join(memberDir, 'server.log'), pid: undefined };
  mkdirSync(m4.dataDir, { recursive: true });
  writeFileSync(join(m4.dataDir, 'myid'), '4\n');
  const client = await ZkClient.connect(target.connectString.split(',')[0]!);
  try {
    const show = async (label: string, p: Promise<unknown>) => {
      try { const v = await p; console.log(label, JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x && x.type === 'Buffer' ? Buffer.from(x.data).toString() : x))); }
      catch (e) { console.log(label, 'ERR', (e as Error).message, (e as { code?: number }).code); }
    };
    await show('config', client.getData('/zookeeper/config'));
    await show('acl', client.getACL('/zookeeper/config'));
    console.log('files1', readdirSync(join(target.members[0]!.dataDir, '..')), readdirSync(target.members[0]!.dataDir));
    const lines = target.members.map((m) => `server.${m.id}=127.0.0.1:${m.quorumPort}:${m.electionPort}:participant;127.0.0.1:${m.clientPort}`);
    const joinLine = `server.4=127.0.0.1:${qp}:${ep}:participant;127.0.0.1:${cp}`;
    await show('noquorum', client.reconfig({ joiningServers: joinLine }));
    await show('badversion', client.reconfig({ joiningServers: joinLine, fromConfig: 5n }));
    writeFileSync(m4.configPath, `tickTime=2000\ninitLimit=5\nsyncLimit=2\ndataDir=${m4.dataDir}\nclientPort=${cp}\nclientPortAddress=127.0.0.1\nadmin.serverPort=${ap}\nreconfigEnabled=true\nskipACL=yes\nstandaloneEnabled=false\n4lw.commands.whitelist=*\n${lines.join('\n')}\n${joinLine}\n`);
    const cmd = apacheLauncher.command(m4, target.dir, {});
    const fd = openSync(m4.logPath, 'a');
    const child = spawn(cmd.file, cmd.args, { cwd: cmd.cwd ?? target.dir, detached: true, stdio: ['ignore', fd, fd] });
    await sleep(6000);
    await show('add', client.reconfig({ joiningServers: joinLine }));
    await show('config-after', client.getData('/zookeeper/config'));
    const c4 = await ZkClient.connect(`127.0.0.1:${cp}`);
    await show('config-4', c4.getData('/zookeeper/config'));
    await c4.close();
    console.log('files2', readdirSync(join(target.members[0]!.dataDir, '..')), readdirSync(target.members[0]!.dataDir));
    for (const f of readdirSync(join(target.members[0]!.dataDir, '..'))) if (f.startsWith('zoo.cfg')) console.log(f, '\n' + readFileSync(join(target.members[0]!.dataDir, '..', f), 'utf8'));
    await show('remove', client.reconfig({ leavingServers: '4' }));
    await show('remove-again', client.reconfig({ leavingServers: '4' }));
    await show('nonincr', client.reconfig({ newMembers: lines.join(',') }));
    await show('empty', client.reconfig({}));
    await show('remove-all-but-1', client.reconfig({ leavingServers: '2,3' }));
    await sleep(3000);
    console.log('srvr4', await (async () => { try { return await target.fourLetterWord('srvr', 1); } catch (e) { return String(e); } })());
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
  } finally {
    await client.close();
    await target.stop();
  }
}, 120_000);
