// zoo.cfg parsing: Properties syntax, ZooKeeper 3.8 defaults, validation errors naming file:line, warnings for keys
// only Java understands, server.N forms, rendering.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProperties } from '../../../../node-core/server/config/javaProperties.js';
import { loadZooCfg, parseZooCfg } from '../../../../node-core/server/config/zooCfg.js';
import { renderConfForConfCommand, renderZooCfg } from '../../../../node-core/server/config/zooCfgRender.js';
import type { ZooConfig } from '../../../../node-core/server/config/zooCfgTypes.js';
import { configErrorOf } from './configErrorOf.js';

const FILE = '/etc/paddock/zoo.cfg';
const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/zk38/${name}`, import.meta.url), 'utf8');
const parse = (text: string) => parseZooCfg(text, FILE, { cwd: '/srv' });

const errorOf = (text: string) => configErrorOf(() => parse(text));

describe('Properties syntax', () => {
  it('accepts =, : and whitespace separators, comments, continuations and escapes', () => {
    const entries = parseProperties(
      [
        '# comment',
        '! also a comment',
        '',
        '  tickTime = 2000  ',
        'dataDir:/var/lib/zk',
        'clientPort 2181',
        'a.long.value=one,\\',
        '    two,\\',
        '    three',
        'escaped=tab\\there\\u0041',
        'key\\ with\\ space=v',
        'empty=',
        'bare',
        '# comment ending in a backslash \\',
        'next=1',
      ].join('\n'),
    );
    expect(entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ['tickTime', '2000  ', 4],
      ['dataDir', '/var/lib/zk', 5],
      ['clientPort', '2181', 6],
      ['a.long.value', 'one,two,three', 7],
      ['escaped', 'tab\thereA', 10],
      ['key with space', 'v', 11],
      ['empty', '', 12],
      ['bare', '', 13],
      ['next', '1', 15],
    ]);
  });

  it('handles CRLF files', () => {
    expect(parseProperties('a=1\r\nb=2\r\n').map((e) => [e.key, e.value, e.line])).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
    ]);
  });
});

describe('defaults', () => {
  it('match ZooKeeper 3.8 when only dataDir is set', () => {
    const { config, warnings } = parse('dataDir=/var/lib/zookeeper\n');
    expect(config.tickTime).toBe(3000);
    expect(config.dataDir).toBe('/var/lib/zookeeper');
    expect(config.dataLogDir).toBe('/var/lib/zookeeper');
    expect(config.clientPort).toBeUndefined();
    expect(config.secureClientPort).toBeUndefined();
    expect(config.maxClientCnxns).toBe(60);
    expect(config.minSessionTimeout).toBe(6000);
    expect(config.maxSessionTimeout).toBe(60000);
    expect(config.snapCount).toBe(100000);
    expect(config.autopurge).toEqual({ snapRetainCount: 3, purgeIntervalHours: 0 });
    expect(config.fourLetterWordWhitelist).toEqual([]);
    expect(config.admin).toEqual({
      enableServer: true,
      serverAddress: '0.0.0.0',
      serverPort: 8080,
      commandURL: '/commands',
      idleTimeout: 30000,
    });
    expect(config.juteMaxBuffer).toBe(0xfffff);
    expect(config.initLimit).toBe(10);
    expect(config.syncLimit).toBe(5);
    expect(config.electionAlg).toBe(3);
    expect(config.globalOutstandingLimit).toBe(1000);
    expect(config.forceSync).toBe(true);
    expect(config.standaloneEnabled).toBe(true);
    expect(config.reconfigEnabled).toBe(false);
    expect(config.readOnlyModeEnabled).toBe(false);
    expect(config.extendedTypesEnabled).toBe(false);
    expect(config.skipACL).toBe(false);
    expect(config.servers).toEqual([]);
    expect(config.clientPortListenBacklog).toBe(-1);
    expect(warnings.map((w) => w.key)).toEqual(['clientPort']);
  });

  it('session timeouts follow tickTime', () => {
    const { config } = parse('tickTime=2000\ndataDir=/d\nclientPort=2181\n');
    expect([config.minSessionTimeout, config.maxSessionTimeout]).toEqual([4000, 40000]);
  });
});

describe('real files', () => {
  it("parses Debian's /etc/zookeeper/conf/zoo.cfg without error or warning", () => {
    const { config, warnings } = parse(fixture('debian-zoo.cfg'));
    expect(warnings).toEqual([]);
    expect(config.dataDir).toBe('/tmp/zookeeper');
    expect(config.clientPort).toBe(2181);
    expect(config.tickTime).toBe(2000);
  });

  it('parses the config used for the captured fixtures', () => {
    const { config, warnings } = parse(fixture('standalone-zoo.cfg'));
    expect(warnings).toEqual([]);
    expect(config.fourLetterWordWhitelist).toEqual(['*']);
    expect(config.admin.serverPort).toBe(21912);
    expect(config.clientPortAddress).toBe('127.0.0.1');
    expect(config.initialConfigText).toBe(fixture('standalone-zoo.cfg'));
  });

  it('parses the ensemble config', () => {
    const { config, warnings } = parse(fixture('quorum-zoo.cfg'));
    expect(config.servers.map((s) => s.id)).toEqual([1, 2]);
    expect(config.fourLetterWordWhitelist).toContain('mntr');
    expect(warnings.map((w) => w.message).join()).toContain('2 voters');
  });
});

describe('validation errors name file:line: key', () => {
  const cases: [string, string, RegExp][] = [
    ['dataDir=/d\ntickTime=abc\n', `${FILE}:2: tickTime: `, /not an integer/],
    ['dataDir=/d\n\ntickTime=0\n', `${FILE}:3: tickTime: `, /greater than 0/],
    ['dataDir=/d\nclientPort=70000\n', `${FILE}:2: clientPort: `, /out of range/],
    ['dataDir=/d\nclientPort=-1\n', `${FILE}:2: clientPort: `, /out of range/],
    ['dataDir=/d\nadmin.serverPort=99999\n', `${FILE}:2: admin.serverPort: `, /out of range/],
    ['dataDir=/d\nminSessionTimeout=50000\nmaxSessionTimeout=40000\n', `${FILE}:2: minSessionTimeout: `, /larger/],
    ['dataDir=/d\ntickTime=2000\nminSessionTimeout=50000\n', `${FILE}:3: minSessionTimeout: `, /larger/],
    ['dataDir=/d\nserver.1=host-only\n', `${FILE}:2: server.1: `, /does not have the form/],
    ['dataDir=/d\nserver.1=h:2888:x\n', `${FILE}:2: server.1: `, /address unresolved/],
    ['dataDir=/d\nserver.1=h:2888:2888\n', `${FILE}:2: server.1: `, /must be different/],
    ['dataDir=/d\nserver.1=h:2888:3888:voter\n', `${FILE}:2: server.1: `, /peer type/],
    ['dataDir=/d\nserver.x=h:2888:3888\n', `${FILE}:2: server.x: `, /not a server id/],
    ['dataDir=/d\nserver.1=a:1:2\nserver.2=b:1:2\nserver.1=c:1:2\n', `${FILE}:4: server.1: `, /duplicate server id 1/],
    ['dataDir=/d\nserver.1=a:1:2\nserver.01=c:1:2\n', `${FILE}:3: server.01: `, /duplicate server id 1/],
    ['dataDir=/d\nelectionAlg=1\n', `${FILE}:2: electionAlg: `, /only 3/],
    ['dataDir=/d\nstandaloneEnabled=yes\n', `${FILE}:2: standaloneEnabled: `, /'true' or 'false'/],
    ['dataDir=/d\nforceSync=maybe\n', `${FILE}:2: forceSync: `, /'yes' or 'no'/],
    ['dataDir=/d\npeerType=witness\n', `${FILE}:2: peerType: `, /peertype/],
    ['dataDir=/d\nclientPortAddress=127.0.0.1\n', `${FILE}:2: clientPortAddress: `, /clientPort is not set/],
    ['dataDir=/d\nadmin.commandURL=commands\n', `${FILE}:2: admin.commandURL: `, /must start with/],
    ['dataDir=/d\nsnapCount=1\n', `${FILE}:2: snapCount: `, /at least 2/],
    ['dataDir=/d\nclientPort=1\npaddock.sessionPasswords=apache\n', `${FILE}:3: paddock.sessionPasswords: `, /'ensembleSecret' or 'zookeeper'/],
    ['dataDir=/d\nssl.clientAuth=maybe\n', `${FILE}:2: ssl.clientAuth: `, /need, want or none/],
    ['dataDir=/d\nserver.1=a:1:2\nserver.2=a:2:3\n', `${FILE}:3: server.2: `, /already used/],
    ['dataDir=/d\ndynamicConfigFile=/x\nserver.1=a:1:2\n', `${FILE}:3: server.1: `, /separate dynamic config/],
  ];
  for (const [text, prefix, reason] of cases) {
    it(prefix + reason.source, () => {
      const e = errorOf(text);
      expect(e.message.startsWith(prefix), e.message).toBe(true);
      expect(e.message).toMatch(reason);
    });
  }

  it('names the file (without a line) for a missing dataDir', () => {
    const e = errorOf('tickTime=2000\nclientPort=2181\n');
    expect(e.message).toBe(`${FILE}: dataDir: dataDir is not set`);
    expect(e.line).toBeUndefined();
  });
});

describe('warnings, never failures, for keys Paddock does not use', () => {
  it('warns for Java-only and unknown keys with their line', () => {
    const { warnings } = parse(
      [
        'dataDir=/d',
        'clientPort=2181',
        'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
        'authProvider.1=com.example.LdapAuthenticationProvider',
        'metricsProvider.numWorkerThreads=2',
        'metricsProvider.maxQueueSize=1000',
        'sslQuorum=true',
        'quorum.auth.enableSasl=true',
        'jvm.pause.monitor=true',
        'totallyUnknown=1',
        'maxCnxns=100',
      ].join('\n'),
    );
    expect(warnings.map((w) => [w.line, w.key])).toEqual([
      [3, 'serverCnxnFactory'],
      [4, 'authProvider.1'],
      [5, 'metricsProvider.numWorkerThreads'],
      [6, 'metricsProvider.maxQueueSize'],
      [7, 'sslQuorum'],
      [8, 'quorum.auth.enableSasl'],
      [9, 'jvm.pause.monitor'],
      [10, 'totallyUnknown'],
    ]);
    expect(warnings[7].message).toMatch(/unknown key/);
    expect(warnings[0].message).toMatch(/Java implementation/);
  });

  it('warns for JKS/PKCS12 stores but reads PEM ones', () => {
    const { config, warnings } = parse(
      [
        'dataDir=/d',
        'clientPort=2181',
        'secureClientPort=2281',
        'ssl.keyStore.location=/etc/zk/server.pem',
        'ssl.keyStore.type=PEM',
        'ssl.keyStore.password=secret',
        'ssl.trustStore.location=/etc/zk/truststore.jks',
        'ssl.trustStore.type=JKS',
      ].join('\n'),
    );
    expect(config.secureClientPort).toBe(2281);
    expect(config.ssl.keyStoreLocation).toBe('/etc/zk/server.pem');
    expect(config.ssl.keyStoreType).toBe('PEM');
    expect(config.ssl.keyStorePassword).toBe('secret');
    expect(config.ssl.trustStoreType).toBe('JKS');
    expect(warnings.map((w) => [w.line, w.key])).toEqual([[8, 'ssl.trustStore.type']]);
  });

  it('warns about dynamicConfigFile and repeated keys', () => {
    const { config, warnings } = parse('dataDir=/d\nclientPort=2181\ntickTime=2000\ntickTime=1000\ndynamicConfigFile=/x.dyn\n');
    expect(config.tickTime).toBe(1000);
    expect(warnings.map((w) => [w.line, w.key])).toEqual([
      [4, 'tickTime'],
      [5, 'dynamicConfigFile'],
    ]);
  });

  it('resets a too-small autopurge.snapRetainCount with a warning, as ZooKeeper does', () => {
    const { config, warnings } = parse('dataDir=/d\nclientPort=1\nautopurge.snapRetainCount=1\n');
    expect(config.autopurge.snapRetainCount).toBe(3);
    expect(warnings).toHaveLength(1);
  });
});

describe('system-property spellings', () => {
  it('honours the names ZooKeeper users put in zoo.cfg, with or without zookeeper.', () => {
    const { config, warnings } = parse(
      [
        'dataDir=/d',
        'clientPort=2181',
        'zookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
        'readonlymode.enabled=true',
        'jute.maxbuffer=4194304',
        'zookeeper.extendedTypesEnabled=true',
        'zookeeper.forceSync=no',
        'zookeeper.4lw.commands.whitelist=ruok, mntr ,srvr',
        'zookeeper.skipACL=yes',
        'zookeeper.snapCount=5000',
        'globalOutstandingLimit=500',
        'localSessionsEnabled=true',
        'quorumListenOnAllIPs=true',
        'syncEnabled=false',
        'preAllocSize=1024',
        'connectToLearnerMasterLimit=7',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(config.superDigest).toBe('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    expect(config.readOnlyModeEnabled).toBe(true);
    expect(config.juteMaxBuffer).toBe(4194304);
    expect(config.extendedTypesEnabled).toBe(true);
    expect(config.forceSync).toBe(false);
    expect(config.fourLetterWordWhitelist).toEqual(['ruok', 'mntr', 'srvr']);
    expect(config.skipACL).toBe(true);
    expect(config.snapCount).toBe(5000);
    expect(config.globalOutstandingLimit).toBe(500);
    expect(config.localSessionsEnabled).toBe(true);
    expect(config.quorumListenOnAllIPs).toBe(true);
    expect(config.syncEnabled).toBe(false);
    expect(config.preAllocSizeKb).toBe(1024);
    expect(config.connectToLearnerMasterLimit).toBe(7);
    expect(config.raw['zookeeper.forceSync']).toBe('no');
  });
});

describe('server.N', () => {
  it('reads every form', () => {
    const { config } = parse(
      [
        'dataDir=/d',
        'server.1=zk1:2888:3888',
        'server.2=zk2:2888:3888;2181',
        'server.3=zk3:2888:3888:participant;10.0.0.3:2182',
        'server.4=zk4:2888:3888:observer',
        'server.5=[fe80::1]:2888:3888:observer;[::1]:2183',
      ].join('\n'),
    );
    expect(config.servers).toEqual([
      { id: 1, host: 'zk1', quorumPort: 2888, electionPort: 3888, role: 'participant' },
      { id: 2, host: 'zk2', quorumPort: 2888, electionPort: 3888, role: 'participant', clientHost: '0.0.0.0', clientPort: 2181 },
      { id: 3, host: 'zk3', quorumPort: 2888, electionPort: 3888, role: 'participant', clientHost: '10.0.0.3', clientPort: 2182 },
      { id: 4, host: 'zk4', quorumPort: 2888, electionPort: 3888, role: 'observer' },
      { id: 5, host: 'fe80::1', quorumPort: 2888, electionPort: 3888, role: 'observer', clientHost: '::1', clientPort: 2183 },
    ]);
  });

  it('refuses multi-address lines and an ensemble of observers only', () => {
    expect(errorOf('dataDir=/d\nserver.1=a:1:2|b:1:2\n').message).toMatch(/multiple addresses/);
    expect(errorOf('dataDir=/d\nserver.1=a:1:2:observer\nserver.2=b:1:2:observer\n').message).toMatch(/no participants/);
  });
});

describe('paths', () => {
  it('resolves relative dataDir against the working directory, with a warning', () => {
    const { config, warnings } = parse('dataDir=data\ndataLogDir=./logs\nclientPort=2181\n');
    expect(config.dataDir).toBe('/srv/data');
    expect(config.dataLogDir).toBe('/srv/logs');
    expect(warnings.map((w) => w.key)).toEqual(['dataDir', 'dataLogDir']);
  });
});

describe('rendering', () => {
  const strip = (c: ZooConfig) => {
    const { sourcePath: _s, initialConfigText: _t, raw: _r, ...rest } = c;
    return rest;
  };

  it('renderZooCfg round-trips', () => {
    const original = parse(
      [
        'tickTime=2000',
        'dataDir=/var/zk',
        'dataLogDir=/var/zk-log',
        'clientPort=2181',
        'clientPortAddress=127.0.0.1',
        'maxSessionTimeout=30000',
        'autopurge.purgeInterval=1',
        '4lw.commands.whitelist=*',
        'admin.serverPort=0',
        'admin.serverAddress=127.0.0.1',
        'forceSync=no',
        'readonlymode.enabled=true',
        'ssl.keyStore.location=/k.pem',
        'ssl.keyStore.type=PEM',
        'standaloneEnabled=false',
        'server.1=127.0.0.1:2888:3888',
        'server.2=127.0.0.1:2889:3889:observer;127.0.0.1:2182',
      ].join('\n'),
    ).config;
    const text = renderZooCfg(original);
    const again = parse(text);
    expect(strip(again.config)).toEqual(strip(original));
    expect(text).toContain('server.2=127.0.0.1:2889:3889:observer;127.0.0.1:2182\n');
    expect(text).not.toContain('snapCount');
  });

  it('renders the conf command exactly as ZooKeeper 3.8 standalone', () => {
    const { config } = parse(fixture('standalone-zoo.cfg'));
    expect(renderConfForConfCommand(config, { dataDirSize: 67109337, dataLogSize: 67109337 })).toBe(
      fixture('4lw/conf.txt'),
    );
  });

  it('adds the quorum section for ensemble members', () => {
    const { config } = parse(fixture('quorum-zoo.cfg'));
    const text = renderConfForConfCommand(config, { dataDirSize: 1, dataLogSize: 2, quorum: { myid: 2 } });
    expect(text).toContain('serverId=2\ninitLimit=5\nsyncLimit=2\nelectionAlg=3\nelectionPort=21926\nquorumPort=21925\n');
    expect(text.endsWith(
      'peerType=0\nmembership: \nserver.1=127.0.0.1:21923:21924:participant\nserver.2=127.0.0.1:21925:21926:participant\nversion=0',
    )).toBe(true);
  });
});

describe('loadZooCfg', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paddock-zoocfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file and, for an ensemble, myid', () => {
    const data = path.join(dir, 'data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'myid'), '2\n');
    const cfg = path.join(dir, 'zoo.cfg');
    writeFileSync(cfg, `dataDir=${data}\nclientPort=2181\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\n`);
    const { config } = loadZooCfg(cfg);
    expect(config.myid).toBe(2);
    expect(config.sourcePath).toBe(cfg);
  });

  it('fails naming the file when myid is missing or the file does not exist', () => {
    const cfg = path.join(dir, 'nomyid.cfg');
    writeFileSync(cfg, `dataDir=${path.join(dir, 'empty')}\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\n`);
    expect(() => loadZooCfg(cfg)).toThrow(/nomyid\.cfg: myid: .*myid file is missing/);
    expect(() => loadZooCfg(path.join(dir, 'absent.cfg'))).toThrow(/absent\.cfg: file: file does not exist/);
  });

  it('does not need myid for a standalone server', () => {
    const cfg = path.join(dir, 'standalone.cfg');
    writeFileSync(cfg, `dataDir=${path.join(dir, 'sa')}\nclientPort=2181\n`);
    expect(loadZooCfg(cfg).config.myid).toBeUndefined();
  });
});

describe('limits an operator sets', () => {
  it('defaults: ZooKeeper 10 s sessionless-connection timeout and a 64 MiB output buffer', () => {
    const { config } = parse('dataDir=/d\nclientPort=2181\n');
    expect(config.sessionlessCnxnTimeout).toBe(10_000);
    expect(config.clientOutputBufferLimit).toBe(64 * 1024 * 1024);
  });

  it('reads nio.sessionlessCnxnTimeout under both spellings, and clientOutputBufferLimit', () => {
    const short = parse('dataDir=/d\nclientPort=2181\nnio.sessionlessCnxnTimeout=2500\nclientOutputBufferLimit=4194304\n');
    expect(short.warnings).toEqual([]);
    expect(short.config.sessionlessCnxnTimeout).toBe(2500);
    expect(short.config.clientOutputBufferLimit).toBe(4194304);
    const java = parse('dataDir=/d\nclientPort=2181\nzookeeper.nio.sessionlessCnxnTimeout=4000\n');
    expect(java.warnings).toEqual([]);
    expect(java.config.sessionlessCnxnTimeout).toBe(4000);
    expect(renderZooCfg(short.config)).toMatch(/^nio\.sessionlessCnxnTimeout=2500$/m);
    expect(renderZooCfg(short.config)).toMatch(/^clientOutputBufferLimit=4194304$/m);
  });

  it('refuses an output buffer limit smaller than a reply may be', () => {
    expect(errorOf('dataDir=/d\nclientOutputBufferLimit=65536\n').message).toMatch(
      /zoo\.cfg:2: clientOutputBufferLimit: must be at least 2097152 bytes/,
    );
    expect(errorOf('dataDir=/d\nnio.sessionlessCnxnTimeout=0\n').message).toMatch(/nio\.sessionlessCnxnTimeout/);
  });
});

describe('fastleader.maxNotificationInterval', () => {
  it('defaults to ZooKeeper 60 s and reads the zoo.cfg key and the Java property name', () => {
    expect(parse('dataDir=/d\nclientPort=2181\n').config.fastleaderMaxNotificationInterval).toBe(60_000);
    const plain = parse('dataDir=/d\nclientPort=2181\nfastleader.maxNotificationInterval=5000\n');
    expect(plain.warnings).toEqual([]);
    expect(plain.config.fastleaderMaxNotificationInterval).toBe(5000);
    const java = parse('dataDir=/d\nclientPort=2181\nzookeeper.fastleader.maxNotificationInterval=3000\n');
    expect(java.warnings).toEqual([]);
    expect(java.config.fastleaderMaxNotificationInterval).toBe(3000);
    expect(renderZooCfg(plain.config)).toMatch(/^fastleader\.maxNotificationInterval=5000$/m);
    expect(errorOf('dataDir=/d\nfastleader.maxNotificationInterval=-1\n').message).toMatch(/fastleader\.maxNotificationInterval/);
  });
});

describe('paddock.sessionPasswords', () => {
  it('defaults to ensembleSecret, reads zookeeper, and renders only a value that differs from the default', () => {
    const plain = parse('dataDir=/d\nclientPort=2181\n');
    expect(plain.config.sessionPasswords).toBe('ensembleSecret');
    expect(renderZooCfg(plain.config)).not.toMatch(/sessionPasswords/);
    const zk = parse('dataDir=/d\nclientPort=2181\npaddock.sessionPasswords=zookeeper\n');
    expect(zk.warnings).toEqual([]);
    expect(zk.config.sessionPasswords).toBe('zookeeper');
    expect(renderZooCfg(zk.config)).toMatch(/^paddock\.sessionPasswords=zookeeper$/m);
  });
});
