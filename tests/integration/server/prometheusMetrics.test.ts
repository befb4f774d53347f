// metricsProvider.className=...PrometheusMetricsProvider on real `paddock server` processes: GET /metrics answers in
// Prometheus text format with ZooKeeper 3.8's family names and types for a standalone server and for each role of a
// 3-member ensemble (the leader-only gauges on the leader only), with the values mntr reports; a port that cannot
// be bound stops the start with the key named. Debian's ZooKeeper has no Prometheus provider jar, so the reference
// is the family list derived from 3.8's sources (tests/fixtures/zk38/prometheus/metric-families.txt).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PADDOCK_BIN, startPaddock } from '../../helpers/paddockServer.js';
import { freePort, freePorts } from '../../helpers/ports.js';
import { serverMode } from '../../helpers/fourLetterWord.js';
import { expectedTypes, parseExposition, type FamilyRegistrar } from '../../helpers/prometheusFamilies.js';
import type { ZkTarget } from '../../helpers/zkEnsemble.js';

const PROMETHEUS = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';

let target: ZkTarget | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await target?.stop();
  target = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function scrape(port: number): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

function mntrValue(mntr: string, key: string): number {
  const line = mntr.split('\n').find((l) => l.startsWith(`zk_${key}\t`));
  if (line === undefined) throw new Error(`mntr has no zk_${key}`);
  return Number(line.split('\t')[1]);
}

describe('Prometheus /metrics', () => {
  it('serves a standalone server the families of 3.8 with its values', async () => {
    const port = await freePort();
    target = await startPaddock({
      extraConfig: { 'metricsProvider.className': PROMETHEUS, 'metricsProvider.httpHost': '127.0.0.1', 'metricsProvider.httpPort': port },
    });
    const first = await scrape(port);
    expect(first.status).toBe(200);
    expect(first.contentType).toContain('text/plain; version=0.0.4');
    const metrics = parseExposition(first.text);
    const expected = expectedTypes(['all', 'serving']);
    const zkOnly = new Map([...metrics.types].filter(([name]) => !name.startsWith('process_')));
    expect(zkOnly).toEqual(expected);
    for (const name of metrics.types.keys()) expect(metrics.help.has(name), name).toBe(true);

    const mntr = await target.fourLetterWord('mntr');
    expect(metrics.samples.get('znode_count')).toBe(mntrValue(mntr, 'znode_count'));
    expect(metrics.samples.get('ephemerals_count')).toBe(mntrValue(mntr, 'ephemerals_count'));
    expect(metrics.samples.get('uptime')).toBeGreaterThan(0);
    expect(metrics.types.get('process_cpu_seconds_total')).toBe('counter');

    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  it('gives each member of a 3-member ensemble the families of its role, leader-only ones on the leader', async () => {
    const ports = await freePorts(3);
    target = await startPaddock({
      size: 3,
      extraConfig: { 'metricsProvider.className': PROMETHEUS, 'metricsProvider.httpHost': '127.0.0.1', 'metricsProvider.exportJvmInfo': false },
      memberConfig: (id) => ({ 'metricsProvider.httpPort': ports[id - 1]! }),
    });
    const roles: string[] = [];
    for (const member of target.members) {
      const mode = await serverMode('127.0.0.1', member.clientPort);
      roles.push(mode ?? 'none');
      const registrars: FamilyRegistrar[] = ['all', 'serving', 'quorum'];
      if (mode === 'leader') registrars.push('leader');
      if (mode === 'follower') registrars.push('follower');
      const metrics = parseExposition((await scrape(ports[member.id - 1]!)).text);
      expect(metrics.types, `member ${member.id} (${mode})`).toEqual(expectedTypes(registrars));
      expect(metrics.samples.get('quorum_size')).toBe(3);
      if (mode === 'leader') {
        expect(metrics.samples.get('learners')).toBe(2);
        expect(metrics.samples.get('synced_followers')).toBe(2);
      } else {
        expect(metrics.types.has('learners')).toBe(false);
      }
    }
    expect(roles.sort()).toEqual(['follower', 'follower', 'leader']);
  });

  it('refuses to start when the metrics port is taken, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paddock-metrics-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    cleanups.push(() => blocker.close());
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(
      cfg,
      `dataDir=${dir}/data\nclientPort=${await freePort()}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n` +
        `metricsProvider.className=${PROMETHEUS}\nmetricsProvider.httpHost=127.0.0.1\nmetricsProvider.httpPort=${port}\n`,
    );
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [PADDOCK_BIN, 'server', cfg], { timeout: 20_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${cfg}: metricsProvider.httpPort: ${port}: cannot serve /metrics on 127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/EADDRINUSE|in use/);
  });
});
