// Runs one zkCli.sh session script against Apache ZooKeeper and against Paddock and requires the normalised
// transcripts to be identical: zkCli prints server results and error codes in fixed words, so any difference in
// what the server answers shows up as a differing line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZkCli, type ZkCliTranscript } from '../helpers/zkCli.js';
import { compatTargets, startTarget, type TargetKind, type ZkTarget } from '../helpers/zkTarget.js';
import { ZKCLI_SCRIPT, digest } from '../helpers/zkCliScript.js';

const targets = compatTargets();


const transcripts = new Map<TargetKind, ZkCliTranscript>();

// The Apache transcript doubles as the reference Paddock's implementers read; regenerate it with
// PADDOCK_COMPAT_WRITE_FIXTURES=1 (the comparison itself always uses a transcript from the same run).
const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/compat/', import.meta.url));

/** One text block per run, so a mismatch shows as a readable diff of commands and their output. */
function render(t: ZkCliTranscript): string {
  const steps = t.steps.map((s) => [`> ${s.command}`, ...s.output].join('\n'));
  // the Closed event races JVM exit, and the two connect/watch events may arrive between any two commands
  const events = t.events.filter((e) => !e.includes('state:Closed')).sort();
  return [...steps, '# events', ...events].join('\n');
}

function outputOf(t: ZkCliTranscript, command: string): string[] {
  const step = t.steps.find((s) => s.command === command);
  if (step === undefined) throw new Error(`no step ${command}`);
  return step.output;
}

describe.each(targets)('zkCli.sh against %s', (kind) => {
  let target: ZkTarget | undefined;

  beforeAll(async () => {
    target = await startTarget(kind);
  });

  afterAll(async () => {
    await target?.stop();
  });

  it('runs the scenario script in one session', async () => {
    const t = await runZkCli(target!.hostPort, ZKCLI_SCRIPT);
    transcripts.set(kind, t);
    if (kind === 'apache' && process.env.PADDOCK_COMPAT_WRITE_FIXTURES === '1') {
      mkdirSync(FIXTURE_DIR, { recursive: true });
      writeFileSync(`${FIXTURE_DIR}zkCli-apache-3.8.txt`, `${render(t)}\n`);
    }

    expect(outputOf(t, 'create /app v1')).toEqual(['Created /app']);
    expect(outputOf(t, 'create /app again')).toEqual(['Node already exists: /app']);
    expect(outputOf(t, 'create -s /app/seq- s1')).toEqual(['Created /app/seq-0000000001']);
    expect(outputOf(t, 'create /app/eph/child x')).toEqual(['Ephemerals cannot have children: /app/eph/child']);
    expect(outputOf(t, 'create /missing/child x')).toEqual(['Node does not exist: /missing/child']);
    expect(outputOf(t, 'get /app/nodata')).toEqual(['null']);
    expect(outputOf(t, 'get /app/empty')).toEqual(['']);
    expect(outputOf(t, 'set -v 0 /app stale')).toEqual(['version No is not valid : /app']);
    expect(outputOf(t, 'delete /app')).toEqual(['Node not empty: /app']);
    expect(outputOf(t, 'delete -v 9 /app/tree/a/b')).toEqual(['version No is not valid : /app/tree/a/b']);
    expect(outputOf(t, 'set /ro w')).toEqual(['Insufficient permission : /ro']);
    expect(outputOf(t, 'setAcl -v 5 /later auth:alice:secret:cdrwa')).toEqual(['Acl is not valid : /later']);
    expect(outputOf(t, 'setAcl -v 5 /secure auth:alice:secret:cdrwa')).toEqual(['version No is not valid : /secure']);
    expect(outputOf(t, 'get /foreign')).toEqual(['Insufficient permission : /foreign']);
    expect(outputOf(t, 'getAcl /secure')).toEqual([`'digest,'${digest('alice', 'secret')}`, ': cdrwa']);
    expect(outputOf(t, 'get -s /app')).toEqual([
      'v1',
      'cZxid = <zxid>',
      'ctime = <time>',
      'mZxid = <zxid>',
      'mtime = <time>',
      'pZxid = <zxid>',
      'cversion = 5',
      'dataVersion = 0',
      'aclVersion = 0',
      'ephemeralOwner = 0x0',
      'dataLength = 2',
      'numChildren = 5',
    ]);
    expect(outputOf(t, 'stat /app/eph')).toContain('ephemeralOwner = <session>');
    expect(outputOf(t, 'ls -R /app')).toEqual([
      '/app',
      '/app/empty',
      '/app/eph',
      '/app/nodata',
      '/app/seq-0000000001',
      '/app/seq-0000000002',
      '/app/tree',
      '/app/tree/a',
      '/app/tree/a/b',
      '/app/tree/c',
    ]);
    expect(t.events).toContain('WatchedEvent state:SyncConnected type:NodeDataChanged path:/app');
    expect(t.events).toContain('WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/app');
  });
});

// Registered only when both targets run (the comparison needs both), so a run shows no skipped tests.
if (targets.length >= 2) describe('zkCli.sh transcripts', () => {
  it('are identical for paddock and apache zookeeper', () => {
    const apache = transcripts.get('apache');
    const paddock = transcripts.get('paddock');
    if (apache === undefined) throw new Error('no apache zookeeper transcript: its run failed above');
    if (paddock === undefined) throw new Error('no paddock transcript: its run failed above');
    expect(render(paddock)).toEqual(render(apache));
  });
});
