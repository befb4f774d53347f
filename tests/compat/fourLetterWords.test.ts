// Four-letter words and the AdminServer compared with Apache ZooKeeper 3.8 in one run: the same mntr keys, the
// same srvr/stat layout, ruok through nc as operators type it, and the same JSON fields from /commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { startTarget, type ZkTarget } from '../helpers/zkTarget.js';

let apache: ZkTarget;
let paddock: ZkTarget;

beforeAll(async () => {
  [apache, paddock] = await Promise.all([startTarget('apache'), startTarget('paddock')]);
}, 120_000);

afterAll(async () => {
  await Promise.all([apache?.stop(), paddock?.stop()]);
});

const keysOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => line.split('\t')[0]);

const labelsOf = (text: string) =>
  text
    .split('\n')
    .map((line) => /^([A-Za-z /]+):/.exec(line)?.[1])
    .filter((label): label is string => label !== undefined);

async function adminJson(target: ZkTarget, command: string): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${target.members[0]!.adminPort}/commands/${command}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('four-letter words', () => {
  it('answers ruok with imok through nc', () => {
    for (const target of [apache, paddock]) {
      const answer = execFileSync('bash', ['-c', `echo ruok | nc -q 1 127.0.0.1 ${target.members[0]!.clientPort}`], {
        encoding: 'utf8',
      });
      expect(answer).toBe('imok');
    }
  });

  it('lists the same mntr keys, in the same order, as Apache ZooKeeper 3.8 standalone', async () => {
    const apacheKeys = keysOf(await apache.fourLetterWord('mntr'));
    const paddockKeys = keysOf(await paddock.fourLetterWord('mntr'));
    expect(apacheKeys.length).toBeGreaterThan(100);
    expect(paddockKeys).toEqual(apacheKeys);
  });

  it('lays out srvr and stat like Apache ZooKeeper 3.8', async () => {
    for (const word of ['srvr', 'stat']) {
      expect(labelsOf(await paddock.fourLetterWord(word))).toEqual(labelsOf(await apache.fourLetterWord(word)));
    }
    expect(await paddock.fourLetterWord('srvr')).toMatch(/^Zookeeper version: 3\.8\.0-paddock/);
    expect(await paddock.fourLetterWord('srvr')).toMatch(/^Mode: standalone$/m);
    expect(await paddock.fourLetterWord('srvr')).toMatch(/^Node count: 5$/m);
  });

  it('answers isro and conf as Apache ZooKeeper 3.8 does', async () => {
    expect(await paddock.fourLetterWord('isro')).toBe(await apache.fourLetterWord('isro'));
    const confKeys = (text: string) => text.split('\n').map((l) => l.split('=')[0]).filter(Boolean).sort();
    expect(confKeys(await paddock.fourLetterWord('conf'))).toEqual(confKeys(await apache.fourLetterWord('conf')));
  });
});

describe('AdminServer', () => {
  it('answers /commands/<name> with the same top-level fields as Apache ZooKeeper 3.8', async () => {
    for (const command of ['monitor', 'server_stats', 'ruok', 'connections', 'environment', 'watch_summary', 'is_read_only']) {
      const [a, p] = await Promise.all([adminJson(apache, command), adminJson(paddock, command)]);
      expect(Object.keys(p).sort(), command).toEqual(Object.keys(a).sort());
      expect(p.command).toBe(a.command);
      expect(p.error).toBeNull();
    }
  });
});
