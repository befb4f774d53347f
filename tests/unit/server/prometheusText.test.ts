// The /metrics text: ZooKeeper 3.8's families for each role, in simpleclient 0.9's format, with mntr's values.
import { describe, expect, it } from 'vitest';
import { prometheusText, registeredFamilies } from '../../../node-core/server/prometheusText.js';
import { fakeIntrospection } from './fakeIntrospection.js';
import { expectedTypes, parseExposition, zk38Families, type FamilyRegistrar } from '../../helpers/prometheusFamilies.js';
import type { QuorumIntrospection } from '../../../node-core/server/introspection.js';

const typesOf = (families: { name: string; kind: string }[]) => new Map(families.map((f) => [f.name, f.kind]));

function quorum(overrides: Partial<QuorumIntrospection> = {}): QuorumIntrospection {
  return { myid: 1, peerState: 'leading - broadcast', quorumSize: 3, observers: [], ...overrides } as QuorumIntrospection;
}

describe('registered families', () => {
  const cases: [string, (f: ReturnType<typeof fakeIntrospection>) => void, FamilyRegistrar[]][] = [
    ['a server that does not serve yet', (f) => void (f.serving = false), ['all']],
    ['a standalone server', () => undefined, ['all', 'serving']],
    ['a leader', (f) => ((f.state = 'leader'), (f.quorumValue = quorum())), ['all', 'serving', 'quorum', 'leader']],
    ['a follower', (f) => ((f.state = 'follower'), (f.quorumValue = quorum())), ['all', 'serving', 'quorum', 'follower']],
    ['an observer', (f) => ((f.state = 'observer'), (f.quorumValue = quorum())), ['all', 'serving', 'quorum']],
  ];
  for (const [what, setUp, registrars] of cases) {
    it(`are ZooKeeper 3.8's for ${what}`, () => {
      const intro = fakeIntrospection();
      setUp(intro);
      expect(typesOf(registeredFamilies(intro))).toEqual(expectedTypes(registrars));
    });
  }

  it('give every summary the quantiles its detail level has', () => {
    const quantiles = new Map(registeredFamilies(fakeIntrospection()).map((f) => [f.name, (f.quantiles ?? []).map(String)]));
    for (const family of zk38Families().filter((f) => f.type === 'summary')) {
      expect(quantiles.get(family.name), family.name).toEqual(family.quantiles);
    }
  });
});

describe('prometheusText', () => {
  it('writes HELP and TYPE for every family, samples for the unlabelled ones, with mntr values', () => {
    const intro = fakeIntrospection();
    intro.metricsValue = { commit_count: 7, cnt_fsynctime: 4, sum_fsynctime: 10, avg_fsynctime: 2.5 };
    const scrape = parseExposition(prometheusText(intro, false));
    expect(scrape.types).toEqual(expectedTypes(['all', 'serving']));
    for (const name of scrape.types.keys()) expect(scrape.help.get(name)).toBe(name);
    expect(scrape.samples.get('znode_count')).toBe(intro.statsValue.nodeCount);
    expect(scrape.samples.get('packets_received')).toBe(20);
    expect(scrape.samples.get('commit_count')).toBe(7);
    expect(scrape.samples.get('fsynctime_count')).toBe(4);
    expect(scrape.samples.get('fsynctime_sum')).toBe(10);
    expect(scrape.samples.get('fsynctime{quantile="0.5",}')).toBe(2.5);
    expect([...scrape.samples.keys()].some((k) => k.startsWith('write_per_namespace'))).toBe(false);
  });

  it('prints values as simpleclient does: Java doubles, NaN quantiles for an empty window', () => {
    const text = prometheusText(fakeIntrospection(), false);
    expect(text).toContain('\nznode_count ' + `${fakeIntrospection().statsValue.nodeCount}.0\n`);
    expect(text).toContain('\nreadlatency{quantile="0.99",} NaN\n');
    expect(text).toContain('\nreadlatency_count 0.0\n');
    expect(text).toContain('# HELP looking_count looking_count\n# TYPE looking_count counter\nlooking_count 0.0\n');
  });

  it('adds the process families with exportJvmInfo only', () => {
    const intro = fakeIntrospection();
    expect(prometheusText(intro, false)).not.toContain('process_cpu_seconds_total');
    const scrape = parseExposition(prometheusText(intro, true));
    expect(scrape.types.get('process_cpu_seconds_total')).toBe('counter');
    expect(scrape.samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
