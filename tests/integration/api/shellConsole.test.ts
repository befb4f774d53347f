// The GUI console runs zkCli commands on the API's connection with zkCli's output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type ZkTarget } from '../../helpers/zkTarget.js';
import { ZkClient } from '../../../node-core/client/index.js';
import { shellConsole } from '../../../node-core/api/shellConsole.js';

let target: ZkTarget;
let client: ZkClient;

beforeAll(async () => {
  target = await startTarget('paddock');
  client = await ZkClient.connect(target.connectString, { sessionTimeout: 10_000 });
});
afterAll(async () => {
  await client?.close();
  await target?.stop();
});

const run = (line: string) => shellConsole.run(line, { client, readOnly: false, connectionId: 'c1' });

describe('shell console', () => {
  it('runs zkCli commands and prints what zkCli prints', async () => {
    expect(await run('create /console "hello there"')).toEqual({ output: 'Created /console\n', ok: true });
    expect(await run('get /console')).toEqual({ output: 'hello there\n', ok: true });
    const stat = await run('stat /console');
    expect(stat.ok).toBe(true);
    expect(stat.output).toMatch(/^cZxid = 0x[0-9a-f]+\nctime = \w{3} \w{3} /);
    expect(stat.output).toMatch(/dataLength = 11\n/);
    expect(await run('ls /')).toEqual({ output: '[console, zookeeper]\n', ok: true });
  });

  it('reports failures in zkCli words and refuses commands that would end the session', async () => {
    expect(await run('get /missing')).toEqual({ output: 'Node does not exist: /missing\n', ok: false });
    expect(await run('create /console again')).toEqual({ output: 'Node already exists: /console\n', ok: false });
    expect((await run('close')).ok).toBe(false);
    expect((await run('frobnicate /x')).output).toBe('Command not found: frobnicate\n');
    expect(await run('get /console')).toEqual({ output: 'hello there\n', ok: true });
  });
});
