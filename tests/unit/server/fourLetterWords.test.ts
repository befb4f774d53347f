// Four-letter words rendered from a fake introspection against the text Apache ZooKeeper 3.8.0 really printed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatJavaDate, formatJavaDouble, javaHex } from '../../../node-core/protocol/javaText.js';
import { MNTR_KEYS, monitorEntries } from '../../../node-core/server/monitorEntries.js';
import {
  FOUR_LETTER_WORDS,
  isKnownFourLetterWord,
  refusalText,
  resolveWhitelist,
  runFourLetterWord,
  setTraceMask,
} from '../../../node-core/server/fourLetterWords.js';
import { defaultEnvironment, fullVersion } from '../../../node-core/server/introspection.js';
import { S0, S1, connection, fakeIntrospection } from './fakeIntrospection.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/zk38/${name}`, import.meta.url), 'utf8');
const ALL = ['*'];

describe('isKnownFourLetterWord', () => {
  it('recognises every ZooKeeper 3.8 word and telnet close, and nothing else', () => {
    for (const w of FOUR_LETTER_WORDS) expect(isKnownFourLetterWord(Buffer.from(w))).toBe(w);
    expect(isKnownFourLetterWord(Buffer.from([0xff, 0xf4, 0xff, 0xfd]))).toBe('telnet close');
    expect(isKnownFourLetterWord(Buffer.from([0, 0, 0, 44]))).toBeNull();
    expect(isKnownFourLetterWord(Buffer.from('xxxx'))).toBeNull();
    expect(isKnownFourLetterWord(Buffer.from('ru'))).toBeNull();
  });
});

describe('whitelist', () => {
  it('defaults to srvr only, * enables all, isro joins in read-only mode', () => {
    expect([...resolveWhitelist([])]).toEqual(['srvr']);
    expect(resolveWhitelist(['*']).has('wchp')).toBe(true);
    expect(resolveWhitelist([' ruok ', 'stat']).has('ruok')).toBe(true);
    expect(resolveWhitelist(['ruok']).has('srvr')).toBe(true);
    expect(resolveWhitelist([], true).has('isro')).toBe(true);
  });

  it('refuses with ZooKeeper exact text', () => {
    const intro = fakeIntrospection();
    expect(runFourLetterWord('wchc', intro, ['ruok', 'stat'])).toBe(fixture('notserving/refused-wchc.txt'));
    expect(runFourLetterWord('dump', intro, [])).toBe(refusalText('dump'));
    expect(runFourLetterWord('srvr', intro, [])).toContain('Zookeeper version:');
  });

  it('the config default lets only srvr through', () => {
    const intro = fakeIntrospection('dataDir=/tmp/x\n');
    expect(runFourLetterWord('ruok', intro, intro.config.fourLetterWordWhitelist)).toBe(refusalText('ruok'));
  });
});

describe('outputs match the captured ZooKeeper 3.8 text', () => {
  it('ruok, isro, dirs, gtmk', () => {
    const intro = fakeIntrospection();
    expect(runFourLetterWord('ruok', intro, ALL)).toBe(fixture('4lw/ruok.txt'));
    expect(runFourLetterWord('isro', intro, ALL)).toBe(fixture('4lw/isro.txt'));
    expect(runFourLetterWord('dirs', intro, ALL)).toBe(fixture('4lw/dirs.txt'));
    setTraceMask(306n);
    expect(runFourLetterWord('gtmk', intro, ALL)).toBe(fixture('4lw/gtmk.txt'));
    expect(runFourLetterWord('stmk', intro, ALL, { stmkMask: 2n })).toBe('2');
    expect(runFourLetterWord('gtmk', intro, ALL)).toBe('2');
    setTraceMask(306n);
    intro.readOnly = true;
    expect(runFourLetterWord('isro', intro, ALL)).toBe('ro');
  });

  it('srvr', () => {
    const intro = fakeIntrospection();
    intro.statsValue = { ...intro.statsValue, packetsReceived: 21, packetsSent: 20 };
    expect(runFourLetterWord('srvr', intro, ALL)).toBe(fixture('4lw/srvr.txt'));
  });

  it('stat lists clients briefly', () => {
    const intro = fakeIntrospection();
    intro.cnxns = [
      connection({ remotePort: 55982, packetsReceived: 13, packetsSent: 13, sessionId: S0 }),
      connection({ remotePort: 56016, interestOps: 0, packetsReceived: 1 }),
      connection({ remotePort: 55996, packetsReceived: 5, packetsSent: 5, sessionId: S1 }),
    ];
    expect(runFourLetterWord('stat', intro, ALL)).toBe(fixture('4lw/stat.txt'));
  });

  it('cons prints full connection details, omitting lcxid after a reset', () => {
    const intro = fakeIntrospection();
    const common = { lastOperation: 'PING', sessionTimeout: 10000, lastZxid: 7n };
    intro.cnxns = [
      connection({
        ...common,
        remotePort: 55982,
        packetsReceived: 15,
        packetsSent: 15,
        sessionId: S0,
        established: 1795569326384,
        lastCxid: 10,
        lastResponseTime: 214161,
        lastLatency: 0,
        minLatency: 0,
        avgLatency: 1,
        maxLatency: 4,
      }),
      connection({
        ...common,
        remotePort: 55996,
        packetsReceived: 7,
        packetsSent: 7,
        sessionId: S1,
        established: 1795569326420,
        lastCxid: 2,
        lastResponseTime: 214357,
        lastLatency: 1,
        minLatency: 0,
        avgLatency: 0,
        maxLatency: 1,
      }),
      connection({ remotePort: 37152, interestOps: 0, packetsReceived: 1 }),
    ];
    expect(runFourLetterWord('cons', intro, ALL)).toBe(fixture('4lw/cons.txt'));
    intro.cnxns = [connection({ ...common, sessionId: S0, lastCxid: -1, lastZxid: -1n })];
    const line = runFourLetterWord('cons', intro, ALL);
    expect(line).not.toContain('lcxid');
    expect(line).toContain('lzxid=0xffffffffffffffff');
  });

  it('conf', () => {
    expect(runFourLetterWord('conf', fakeIntrospection(), ALL)).toBe(fixture('4lw/conf.txt'));
  });

  it('wchs, wchc, wchp', () => {
    const intro = fakeIntrospection();
    expect(runFourLetterWord('wchs', intro, ALL)).toBe(fixture('4lw/wchs.txt'));
    expect(runFourLetterWord('wchc', intro, ALL)).toBe(fixture('4lw/wchc.txt'));
    expect(runFourLetterWord('wchp', intro, ALL)).toBe(fixture('4lw/wchp.txt'));
  });

  it('dump', () => {
    expect(runFourLetterWord('dump', fakeIntrospection(), ALL)).toBe(fixture('4lw/dump.txt'));
  });

  it('crst and srst reset and confirm', () => {
    const intro = fakeIntrospection();
    expect(runFourLetterWord('crst', intro, ALL)).toBe(fixture('4lw/crst.txt'));
    expect(runFourLetterWord('srst', intro, ALL)).toBe(fixture('4lw/srst.txt'));
    expect(intro.resets).toEqual(['crst', 'srst']);
  });

  it('envi has the same keys in the same order', () => {
    const keys = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => l.slice(0, l.indexOf('=')));
    const intro = fakeIntrospection();
    const ours = runFourLetterWord('envi', intro, ALL);
    expect(ours.startsWith('Environment:\n')).toBe(true);
    expect(keys(ours)).toEqual(keys(fixture('4lw/envi.txt')));
    expect(keys(defaultEnvironment(fullVersion()).map((e) => `${e.key}=${e.value}`).join('\n'))).toEqual(
      keys(fixture('4lw/envi.txt')),
    );
  });

  it('envi version parses as 3.8.0 the way kazoo server_version() does', () => {
    const intro = fakeIntrospection();
    intro.environment = () => defaultEnvironment(fullVersion(new Date('2025-01-02T03:04:00Z')));
    const text = runFourLetterWord('envi', intro, ALL);
    const parsed = new Map<string, string>();
    for (const line of text.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) parsed.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    const version = parsed.get('zookeeper.version') ?? '';
    expect(version).toBe('3.8.0-paddock-0.1.0, built on 2025-01-02 03:04 UTC');
    const digits = /([\d.]*).*/s.exec(version)?.[1] ?? '';
    expect(digits.split('.').map(Number)).toEqual([3, 8, 0]);
  });
});

describe('mntr', () => {
  // Per-namespace keys (zk_*_<namespace>_read/write_per_namespace) appear only for top-level znodes that saw
  // traffic; the fixture's server had some, a fresh server has none, so they are not part of the fixed key list.
  const fixtureKeys = fixture('4lw/mntr.txt')
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t')[0])
    .filter((key) => !key?.endsWith('_per_namespace'));

  it('lists exactly the keys of a real standalone ZooKeeper 3.8, in order', () => {
    expect(MNTR_KEYS.map((k) => `zk_${k}`)).toEqual(fixtureKeys);
    const ours = runFourLetterWord('mntr', fakeIntrospection(), ALL)
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t')[0]);
    expect(ours).toEqual(fixtureKeys);
  });

  it('formats values as ZooKeeper does (longs plain, doubles with a decimal point)', () => {
    const intro = fakeIntrospection();
    intro.statsValue = { ...intro.statsValue, avgLatency: 0.9 };
    intro.metricsValue = { snap_count: 5, avg_fsynctime: 2 };
    const lines = new Map(
      runFourLetterWord('mntr', intro, ALL)
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t') as [string, string]),
    );
    const real = new Map(
      fixture('4lw/mntr.txt')
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t') as [string, string]),
    );
    for (const key of [
      'zk_server_state',
      'zk_ephemerals_count',
      'zk_num_alive_connections',
      'zk_avg_latency',
      'zk_znode_count',
      'zk_watch_count',
      'zk_connection_drop_probability',
      'zk_approximate_data_size',
      'zk_max_client_response_size',
    ]) {
      expect(lines.get(key), key).toBe(real.get(key));
    }
    expect(lines.get('zk_snap_count')).toBe('5');
    expect(lines.get('zk_avg_fsynctime')).toBe('2.0');
    expect(lines.get('zk_avg_unavailable_time')).toBe('0.0');
    expect(lines.get('zk_version')).toBe(intro.version);
  });

  it('adds the ensemble keys for a leader', () => {
    const intro = fakeIntrospection();
    intro.state = 'leader';
    intro.quorumValue = {
      myid: 1,
      isLeader: true,
      leaderId: 1,
      leaderAddress: '127.0.0.1:2888',
      peerState: 'leading - broadcast',
      zabState: 'broadcast',
      voting: true,
      quorumAddress: '127.0.0.1:2888',
      electionAddress: '127.0.0.1:3888',
      clientAddress: '127.0.0.1:2181',
      votingView: [],
      quorumSize: 3,
      leader: {
        learners: 2,
        syncedFollowers: 2,
        syncedNonVotingFollowers: 0,
        syncedObservers: 0,
        pendingSyncs: 0,
        leaderUptime: 5,
        lastProposalSize: 10,
        minProposalSize: 5,
        maxProposalSize: 20,
      },
      observers: [],
    };
    const keys = monitorEntries(intro).map(([k]) => k);
    expect(keys.slice(0, 3)).toEqual(['version', 'server_state', 'peer_state']);
    for (const k of ['quorum_size', 'learners', 'synced_followers', 'pending_syncs', 'max_proposal_size']) {
      expect(keys).toContain(k);
    }
    expect(runFourLetterWord('srvr', intro, ALL)).toContain('Mode: leader\nNode count: 10\nProposal sizes last/min/max: 10/5/20\n');
  });
});

describe('a server that is not serving', () => {
  it('answers as ZooKeeper 3.8 does', () => {
    const intro = fakeIntrospection();
    intro.serving = false;
    expect(runFourLetterWord('stat', intro, ALL)).toBe(fixture('notserving/stat.txt'));
    expect(runFourLetterWord('mntr', intro, ALL)).toBe(fixture('notserving/mntr.txt'));
    expect(runFourLetterWord('isro', intro, ALL)).toBe(fixture('notserving/isro.txt'));
    expect(runFourLetterWord('ruok', intro, ALL)).toBe(fixture('notserving/ruok.txt'));
    for (const w of ['srvr', 'cons', 'conf', 'crst', 'srst', 'dirs', 'dump', 'wchs', 'wchc', 'wchp']) {
      expect(runFourLetterWord(w, intro, ALL), w).toBe('This ZooKeeper instance is not currently serving requests\n');
    }
    expect(runFourLetterWord('envi', intro, ALL)).toMatch(/^Environment:\n/);
    expect(intro.resets).toEqual([]);
  });
});

describe('Java formatting helpers', () => {
  it('prints doubles, hex and dates as Java does', () => {
    expect(formatJavaDouble(0)).toBe('0.0');
    expect(formatJavaDouble(1)).toBe('1.0');
    expect(formatJavaDouble(0.0476)).toBe('0.0476');
    expect(formatJavaDouble(0.0001)).toBe('1.0E-4');
    expect(formatJavaDouble(12345678)).toBe('1.2345678E7');
    expect(javaHex(-1n)).toBe('ffffffffffffffff');
    expect(javaHex(7)).toBe('7');
    expect(formatJavaDate(Date.parse('2026-11-25T01:15:53Z'), 'UTC')).toBe('Wed Nov 25 01:15:53 UTC 2026');
  });
});
