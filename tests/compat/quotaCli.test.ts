// Quotas as ZooKeeper 3.8 keeps them: Debian's zkCli runs setquota/listquota/delquota (and writes over the limits)
// against Apache ZooKeeper and against Paddock, both started with enforceQuota=true, and `paddock cli` runs the same
// script against Paddock. Each must print ZooKeeper's transcript, leave the same /zookeeper/quota nodes behind and
// log the exceeded limits in ZooKeeper's words.
import { afterEach, describe, expect, it } from 'vitest';
import { ZkClient } from '../../node-core/client/index.js';
import { dumpTree } from '../helpers/treeDump.js';
import { runPaddockCli, runZkCli, type ZkCliTranscript } from '../helpers/zkCli.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';

// Each command with the lines ZooKeeper 3.8's zkCli prints for it (stdout and stderr together, normalised).
const SCRIPT: Array<[command: string, output: string[]]> = [
  ['create /q a', ['Created /q']],
  ['create /q/c1 bb', ['Created /q/c1']],
  ['setquota -n 3 /q', []],
  ['listquota /q', ['absolute path is /zookeeper/quota/q/zookeeper_limits', 'Output quota for /q count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=-1', 'Output stat for /q count=2,bytes=3']],
  ['get /zookeeper/quota/q/zookeeper_limits', ['count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=-1']],
  ['get -s /zookeeper/quota/q/zookeeper_stats', ['count=2,bytes=3', 'cZxid = <zxid>', 'ctime = <time>', 'mZxid = <zxid>', 'mtime = <time>', 'pZxid = <zxid>', 'cversion = 0', 'dataVersion = 0', 'aclVersion = 0', 'ephemeralOwner = 0x0', 'dataLength = 15', 'numChildren = 0']],
  ['setquota -b 10 /q', []],
  ['setquota -N 4 -B 20 /q', ["org.apache.commons.cli.AlreadySelectedException: The option 'B' was specified but an option from this group has already been selected: 'N'"]],
  ['setquota -N 4 /q', []],
  ['setquota -B 20 /q', []],
  ['listquota /q', ['absolute path is /zookeeper/quota/q/zookeeper_limits', 'Output quota for /q count=3,bytes=10=;byteHardLimit=20;countHardLimit=4', 'Output stat for /q count=2,bytes=3']],
  ['create /q/c2 cc', ['Created /q/c2']],
  ['create /q/c3 dd', ['Created /q/c3']],
  ['create /q/c4 ee', ['Quota has exceeded : /q/c4']],
  ['set /q/c1 0123456789012345', ['Quota has exceeded : /q/c1']],
  ['set /q/c1 01234', []],
  ['listquota /q', ['absolute path is /zookeeper/quota/q/zookeeper_limits', 'Output quota for /q count=3,bytes=10=;byteHardLimit=20;countHardLimit=4', 'Output stat for /q count=4,bytes=10']],
  ['setquota -n 0 /q', ['the num quota must be greater than zero']],
  ['setquota -b -1 /q', ['the bytes quota must be greater than or equal to zero']],
  ['setquota -n x /q', ['NumberFormatException happens when parsing the option value']],
  ['setquota /q', ['org.apache.commons.cli.MissingOptionException: Missing required option: [-n num soft quota, -b bytes soft quota, -N num hard quota, -B bytes hard quota]']],
  ['setquota -n 3', ['setquota -n|-b|-N|-B val path']],
  ['setquota -n 5 /nonexist', ['/nonexist does not exist.']],
  ['setquota -n 5 /q/c1', ['/q/c1 has a parent /q which has a quota']],
  ['setquota -n 5 /', ['Path must not end with / character']],
  ['setquota -n 5 /zookeeper/quota/x', ['cannot set a quota under the path: /zookeeper/quota']],
  ['listquota /nonexist', ['absolute path is /zookeeper/quota/nonexist/zookeeper_limits', 'quota for /nonexist does not exist.']],
  ['delquota -b /q', []],
  ['listquota /q', ['absolute path is /zookeeper/quota/q/zookeeper_limits', 'Output quota for /q count=3,bytes=-1=;byteHardLimit=20;countHardLimit=4', 'Output stat for /q count=4,bytes=10']],
  ['delquota -n -b /q', ["org.apache.commons.cli.AlreadySelectedException: The option 'b' was specified but an option from this group has already been selected: 'n'"]],
  ['delquota /nonexist', ['Quota does not exist for /nonexist']],
  ['delquota /q', []],
  ['listquota /q', ['absolute path is /zookeeper/quota/q/zookeeper_limits', 'quota for /q does not exist.']],
  ['ls /zookeeper/quota', ['[]']],
  ['create /r', ['Created /r']],
  ['create /r/s', ['Created /r/s']],
  ['create /r/s/t', ['Created /r/s/t']],
  ['setquota -n 2 /r/s', []],
  ['setquota -n 9 /r', ['/r has a child /r/s which has a quota']],
  ['setquota -n 9 /r/s/t', ['/r/s/t has a parent /r/s which has a quota']],
  ['ls -R /zookeeper/quota', ['/zookeeper/quota', '/zookeeper/quota/r', '/zookeeper/quota/r/s', '/zookeeper/quota/r/s/zookeeper_limits', '/zookeeper/quota/r/s/zookeeper_stats']],
  // over a soft limit: logged by the server, not refused
  ['create /r/s/u x', ['Created /r/s/u']],
  ['delete /r/s/t', []],
  ['listquota /r/s', ['absolute path is /zookeeper/quota/r/s/zookeeper_limits', 'Output quota for /r/s count=2,bytes=-1=;byteHardLimit=-1;countHardLimit=-1', 'Output stat for /r/s count=2,bytes=1']],
  ['delquota /r/s', []],
  ['ls -R /zookeeper/quota', ['/zookeeper/quota']],
  ['setquota -b 5 /r', []],
  ['setquota -n 1 /r', ['[Warning]: the count quota you create is less than the existing count:3']],
  ['delquota -n /r', []],
  ['listquota /r', ['absolute path is /zookeeper/quota/r/zookeeper_limits', 'Output quota for /r count=-1,bytes=5=;byteHardLimit=-1;countHardLimit=-1', 'Output stat for /r count=3,bytes=1']],
];

const commands = SCRIPT.map(([command]) => command);
const expected = SCRIPT.map(([command, output]) => ({ command, output }));

let target: ZkTarget | undefined;

afterEach(async () => {
  await target?.stop();
  target = undefined;
});

/** Every node under /zookeeper/quota with the fields that must agree (zxids and times differ between runs). */
async function quotaNodes(t: ZkTarget): Promise<unknown[]> {
  const client = await ZkClient.connect(t.connectString, { sessionTimeout: 10_000 });
  try {
    return (await dumpTree(client, '/zookeeper/quota')).map((n) => ({
      path: n.path,
      data: n.data === null ? null : Buffer.from(n.data, 'hex').toString('utf8'),
      children: n.children,
      version: n.stat.version,
      dataLength: n.stat.dataLength,
      numChildren: n.stat.numChildren,
    }));
  } finally {
    await client.close();
  }
}

function transcriptOf(t: ZkCliTranscript) {
  return t.steps.map((s) => ({ command: s.command, output: s.output }));
}

const quotaLog = (t: ZkTarget) => t.logTail(1, 400).split('\n').filter((l) => l.includes('Quota exceeded')).map((l) => l.replace(/^.*?Message:/, 'Message:'));

describe.each(compatTargets())('%s: setquota, listquota and delquota with enforceQuota=true', (kind) => {
  const shells = kind === 'paddock' ? (['zkCli', 'paddock cli'] as const) : (['zkCli'] as const);

  it.each(shells)("%s prints ZooKeeper's transcript and leaves ZooKeeper's quota nodes", async (shell) => {
    target = await startTarget(kind, { extraConfig: { enforceQuota: true } });
    const run = shell === 'zkCli' ? runZkCli : runPaddockCli;
    const transcript = await run(target.hostPort, commands);
    expect(transcriptOf(transcript), transcript.raw).toEqual(expected);
    expect(await quotaNodes(target)).toEqual([
      { path: '/zookeeper/quota', data: '', children: ['r'], version: 0, dataLength: 0, numChildren: 1 },
      { path: '/zookeeper/quota/r', data: null, children: ['zookeeper_limits', 'zookeeper_stats'], version: 0, dataLength: 0, numChildren: 2 },
      {
        path: '/zookeeper/quota/r/zookeeper_limits',
        data: 'count=-1,bytes=5=;byteHardLimit=-1;countHardLimit=-1',
        children: [],
        version: 2,
        dataLength: 52,
        numChildren: 0,
      },
      { path: '/zookeeper/quota/r/zookeeper_stats', data: 'count=3,bytes=1', children: [], version: 0, dataLength: 15, numChildren: 0 },
    ]);
    expect(quotaLog(target)).toEqual([
      'Message:Quota exceeded: /q [current count=5, hardCountLimit=4] Value:null',
      'Message:Quota exceeded: /q [current bytes=21, hardByteLimit=20] Value:null',
      'Message:Quota exceeded: /r/s [current count=3, softCountLimit=2] Value:null',
    ]);
  });
});
