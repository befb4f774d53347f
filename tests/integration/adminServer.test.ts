// The AdminServer over real HTTP on 127.0.0.1, answering like Apache ZooKeeper 3.8's Jetty AdminServer (bodies
// compared with ones captured from the real server).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminServer } from '../../node-core/server/adminServer.js';
import { toJacksonJson } from '../../node-core/server/jacksonJson.js';
import { JavaDouble } from '../../node-core/protocol/javaText.js';
import { createMemoryLogger } from '../../node-core/log/logger.js';
import { S0, S1, connection, fakeIntrospection, type FakeIntrospection } from '../unit/server/fakeIntrospection.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/zk38/admin/${name}.body`, import.meta.url), 'utf8');

/** Keys of a JSON object at every level, in order, so structures compare without their values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]);
  }
  return typeof value;
}

describe('AdminServer over HTTP', () => {
  let intro: FakeIntrospection;
  let admin: AdminServer;
  let base: string;

  beforeAll(async () => {
    intro = fakeIntrospection();
    intro.cnxns = [
      connection({
        remotePort: 55982,
        sessionId: S0,
        established: 1795569326384,
        sessionTimeout: 10000,
      }),
      connection({
        remotePort: 55996,
        sessionId: S1,
        established: 1795569326420,
        sessionTimeout: 10000,
      }),
    ];
    admin = new AdminServer(intro, { host: '127.0.0.1', port: 0, logger: createMemoryLogger() });
    const port = await admin.start();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await admin.stop();
  });

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('lists the same commands as ZooKeeper 3.8', async () => {
    const r = await get('/commands');
    expect(r.status).toBe(200);
    expect(r.text).toBe(fixture('_index'));
    expect((await get('/commands/')).text).toBe(fixture('_index'));
  });

  it('answers byte-for-byte like ZooKeeper for commands whose values the fake reproduces', async () => {
    for (const name of [
      'ruok',
      'leader',
      'voting_view',
      'zabstate',
      'is_read_only',
      'watches',
      'watches_by_path',
      'watch_summary',
      'dump',
      'dirs',
      'connections',
      'configuration',
      'hash',
      'observers',
      'last_snapshot',
      'get_trace_mask',
      'nosuch',
      'cnxns',
      'initial_configuration',
    ]) {
      const r = await get(`/commands/${name}`);
      expect(r.status, name).toBe(200);
      expect(r.type, name).toBe('application/json');
      expect(r.text, name).toBe(fixture(name));
    }
    // Aliases answer under the primary name.
    expect((await get('/commands/conf')).text).toBe(fixture('conf'));
  });

  it('monitor has the same keys as ZooKeeper 3.8 standalone', async () => {
    const ours = JSON.parse((await get('/commands/monitor')).text) as Record<string, unknown>;
    const real = JSON.parse(fixture('monitor')) as Record<string, unknown>;
    // Per-namespace keys exist only for top-level znodes that saw traffic (the fixture's server had some).
    const fixedKeys = (keys: string[]) => keys.filter((key) => !key.endsWith('_per_namespace'));
    expect(fixedKeys(Object.keys(ours))).toEqual(fixedKeys(Object.keys(real)));
    expect(ours.command).toBe('monitor');
    expect(ours.error).toBeNull();
    expect(ours.znode_count).toBe(10);
    expect((await get('/commands/monitor')).text).toContain('"connection_drop_probability" : 0.0,');
  });

  it('server_stats, stats and environment have ZooKeeper structure', async () => {
    for (const name of ['server_stats', 'stats', 'environment']) {
      const ours = JSON.parse((await get(`/commands/${name}`)).text) as unknown;
      expect(shape(ours), name).toEqual(shape(JSON.parse(fixture(name))));
    }
    expect((await get('/commands/srvr')).text).toContain('"command" : "server_stats"');
  });

  it('stat_reset and connection_stat_reset reset', async () => {
    expect((await get('/commands/stat_reset')).text).toBe(fixture('stat_reset'));
    expect((await get('/commands/connection_stat_reset')).text).toBe(fixture('connection_stat_reset'));
    expect(intro.resets).toEqual(['srst', 'crst']);
  });

  it('set_trace_mask takes its argument from the query string', async () => {
    const missing = JSON.parse((await get('/commands/set_trace_mask')).text) as { error: string };
    expect(missing.error).toBe('setTraceMask requires long traceMask argument');
    expect((await get('/commands/set_trace_mask?traceMask=2')).text).toContain('"tracemask" : 2');
    await get('/commands/set_trace_mask?traceMask=306');
  });

  it('refuses other paths and methods', async () => {
    expect((await get('/elsewhere')).status).toBe(404);
    const post = await fetch(`${base}/commands/ruok`, { method: 'POST' });
    expect(post.status).toBe(405);
    await post.text();
  });

  it('answers "not serving" while the server is not serving, except for the commands that need no server', async () => {
    intro.serving = false;
    try {
      expect(JSON.parse((await get('/commands/ruok')).text)).toEqual({
        command: 'ruok',
        error: 'This ZooKeeper instance is not currently serving requests',
      });
      expect((await get('/commands/zabstate')).text).toBe(fixture('zabstate'));
      const env = JSON.parse((await get('/commands/environment')).text) as { error: null };
      expect(env.error).toBeNull();
    } finally {
      intro.serving = true;
    }
  });

  it('lets the ensemble register extra commands', async () => {
    admin.registerCommand('election', () => new Map([['state', 'LOOKING']]), { aliases: ['elec'] });
    expect((await get('/commands/elec')).text).toBe(
      '{\n  "state" : "LOOKING",\n  "command" : "election",\n  "error" : null\n}',
    );
    expect((await get('/commands')).text).toContain('<a href="/commands/election">election</a>');
  });

  it('reports quorum state for ensemble members', async () => {
    intro.quorumValue = {
      myid: 2,
      isLeader: false,
      leaderId: 1,
      leaderAddress: '127.0.0.1',
      peerState: 'following - broadcast',
      zabState: 'broadcast',
      voting: true,
      quorumAddress: '/127.0.0.1:2889',
      electionAddress: '/127.0.0.1:3889',
      clientAddress: '/127.0.0.1:2182',
      votingView: [
        {
          id: 1,
          serverAddresses: ['127.0.0.1:2888'],
          electionAddresses: ['127.0.0.1:3888'],
          clientAddress: '127.0.0.1:2181',
          learnerType: 'participant',
        },
      ],
      quorumSize: 3,
      observers: [],
    };
    try {
      expect(JSON.parse((await get('/commands/leader')).text)).toEqual({
        is_leader: false,
        leader_id: 1,
        leader_ip: '127.0.0.1',
        command: 'leader',
        error: null,
      });
      const zab = JSON.parse((await get('/commands/zabstate')).text) as Record<string, unknown>;
      expect(zab).toMatchObject({ myid: 2, voting: true, last_zxid: '0x7', zab_epoch: 0, zab_counter: 7, zabstate: 'broadcast' });
      const view = (await get('/commands/voting_view')).text;
      expect(view).toContain('"1" : {\n      "server_addresses" : [ "127.0.0.1:2888" ],');
      expect(view).toContain('"learner_type" : "participant"');
    } finally {
      intro.quorumValue = null;
    }
  });
});

describe('toJacksonJson', () => {
  it('lays out values as Jackson default pretty printer does', () => {
    expect(toJacksonJson(new Map())).toBe('{ }');
    expect(toJacksonJson([])).toBe('[ ]');
    expect(toJacksonJson({ a: [1n, 2n], b: new JavaDouble(1), c: 0.575, d: { e: [{ f: null }] } })).toBe(
      '{\n  "a" : [ 1, 2 ],\n  "b" : 1.0,\n  "c" : 0.575,\n  "d" : {\n    "e" : [ {\n      "f" : null\n    } ]\n  }\n}',
    );
  });
});

describe('lifecycle', () => {
  it('does not listen when admin.enableServer=false and stops cleanly', async () => {
    const disabled = fakeIntrospection('dataDir=/tmp/x\nclientPort=2181\nadmin.enableServer=false\n');
    const server = new AdminServer(disabled, { logger: createMemoryLogger() });
    expect(await server.start()).toBeUndefined();
    await server.stop();
    const enabled = new AdminServer(fakeIntrospection(), { host: '127.0.0.1', port: 0, logger: createMemoryLogger() });
    const port = await enabled.start();
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/commands/ruok`, { headers: { connection: 'keep-alive' } });
    await res.text();
    await enabled.stop();
    await expect(fetch(`http://127.0.0.1:${port}/commands/ruok`)).rejects.toThrow();
  });
});
