// Apache ZooKeeper's C client shell (cli_mt, batch mode: one command per process and session) against each target;
// the normalised outputs of Apache ZooKeeper and Paddock must be identical.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/runProcess.js';
import { compatTargets, startTarget, type TargetKind, type ZkTarget } from '../helpers/zkTarget.js';

const CLI_MT = '/usr/lib/zookeeper/bin/cli_mt';
const targets = compatTargets();

// Batch mode takes everything after the command word as the path (no data argument; create always stores "new"),
// and `exists` never exits, so the script sticks to commands that end on their own.
const SCRIPT = [
  'create /cm',
  'create /cm/kid',
  'create /cm',
  'create +s /cm/s-',
  'create +e /cm/e',
  'get /cm',
  'get /nope',
  'ls /cm',
  'ls2 /cm',
  'delete /cm',
  'delete /cm/kid',
  'delete /cm/kid',
];

/**
 * Drops per-run noise (latency, session id, times, zxids) and sorts child names, which ZooKeeper lists in
 * HashSet order.
 */
function normalise(command: string, output: string): string[] {
  let lines = output
    .split('\n')
    .filter((line) => line !== '')
    .filter((line) => !/^time = \d+ msec$/.test(line) && !line.startsWith('Got a new session id: '))
    .map((line) =>
      line.replace(/^\t(ctime|mtime) ?= ?.*$/, '\t$1 = <time>').replace(/^\t(czxid|mzxid)=[0-9a-f]+$/, '\t$1=<zxid>'),
    );
  // cli_mt prints session events from its watcher thread, racing the main thread's lines: their place says
  // nothing about the server, so they are moved to the front (their number and text are still compared).
  const sessionEvents = lines.filter((line) => line.startsWith('Watcher SESSION_EVENT'));
  lines = [...sessionEvents, ...lines.filter((line) => !line.startsWith('Watcher SESSION_EVENT'))];
  if (!command.startsWith('ls')) return lines;
  const isChild = (line: string) => /^\t[^=\s]+$/.test(line);
  const children = lines.filter(isChild).sort();
  return lines.map((line) => (isChild(line) ? children.shift()! : line));
}

type Transcript = Array<{ command: string; lines: string[] }>;
const transcripts = new Map<TargetKind, Transcript>();

describe.each(targets)('cli_mt against %s', (kind) => {
  let target: ZkTarget | undefined;

  beforeAll(async () => {
    if (!existsSync(CLI_MT)) throw new Error(`${CLI_MT} not found: install with \`apt-get install -y zookeeper-bin\``);
    target = await startTarget(kind);
  });

  afterAll(async () => {
    await target?.stop();
  });

  it('runs the batch commands', async () => {
    const transcript: Transcript = [];
    for (const command of SCRIPT) {
      const run = await runProcess(CLI_MT, [target!.hostPort, `cmd:${command}`], { timeoutMs: 10_000 });
      transcript.push({ command, lines: normalise(command, run.stdout + run.stderr) });
    }
    transcripts.set(kind, transcript);
    // the first run of a command that appears twice
    const out = (c: string) => transcript.find((t) => t.command === c)!.lines;
    const last = (c: string) => transcript.filter((t) => t.command === c).at(-1)!.lines;
    expect(out('create /cm')).toContain('[/cm]: rc = 0');
    expect(out('create /cm')).toContain('\tname = /cm');
    expect(last('create /cm')).toContain('[/cm]: rc = -110');
    expect(out('create /cm/kid')).toContain('[/cm/kid]: rc = 0');
    expect(out('create +s /cm/s-')).toContain('\tname = /cm/s-0000000001');
    expect(out('get /cm')).toEqual(
      expect.arrayContaining([
        '/cm: rc = 0',
        ' value_len = 3',
        'new',
        '\tversion=0\taversion=0',
        '\tephemeralOwner = 0',
      ]),
    );
    expect(out('get /nope')).toContain('/nope: rc = -101');
    expect(out('ls /cm')).toEqual(expect.arrayContaining(['/cm: rc = 0', '\tkid', '\ts-0000000001']));
    expect(out('delete /cm')).toContain('/cm: rc = -111');
    expect(out('delete /cm/kid')).toContain('/cm/kid: rc = 0');
    expect(last('delete /cm/kid')).toContain('/cm/kid: rc = -101');
  });
});

// Registered only when both targets run (the comparison needs both), so a run shows no skipped tests.
if (targets.length >= 2) describe('cli_mt outputs', () => {
  it('are identical for paddock and apache zookeeper', () => {
    const apache = transcripts.get('apache');
    const paddock = transcripts.get('paddock');
    if (apache === undefined) throw new Error('no apache zookeeper outputs: its run failed above');
    if (paddock === undefined) throw new Error('no paddock outputs: its run failed above');
    const render = (t: Transcript) => t.map(({ command, lines }) => [`> ${command}`, ...lines].join('\n')).join('\n');
    expect(render(paddock)).toEqual(render(apache));
  });
});
