// zoo.cfg's metricsProvider.* keys: the Prometheus provider with its port, host and exportJvmInfo; bad values name
// the key and the line.
import { describe, expect, it } from 'vitest';
import { parseZooCfg } from '../../../../node-core/server/config/zooCfg.js';
import { configErrorOf } from './configErrorOf.js';

const PROMETHEUS = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
const parse = (lines: string) => parseZooCfg(`dataDir=/tmp/x\nclientPort=2181\n${lines}`, '/etc/zoo.cfg');

const errorOf = (lines: string) => configErrorOf(() => parse(lines));

describe('metricsProvider keys', () => {
  it('default to no endpoint, port 7000 on every address, with process metrics', () => {
    expect(parse('').config.metrics).toEqual({ provider: 'default', httpHost: '0.0.0.0', httpPort: 7000, exportJvmInfo: true });
  });

  it('read the Prometheus provider and its settings without warnings', () => {
    const { config, warnings } = parse(
      `metricsProvider.className=${PROMETHEUS}\nmetricsProvider.httpPort=7070\nmetricsProvider.httpHost=127.0.0.1\nmetricsProvider.exportJvmInfo=false\n`,
    );
    expect(config.metrics).toEqual({ provider: 'prometheus', httpHost: '127.0.0.1', httpPort: 7070, exportJvmInfo: false });
    expect(warnings).toEqual([]);
  });

  it('refuse a port out of range, naming key and line', () => {
    const error = errorOf(`metricsProvider.className=${PROMETHEUS}\nmetricsProvider.httpPort=70000\n`);
    expect(error.key).toBe('metricsProvider.httpPort');
    expect(error.line).toBe(4);
    expect(error.message).toContain('out of range');
  });

  it('refuse a port that is not a number', () => {
    expect(errorOf('metricsProvider.httpPort=seven').key).toBe('metricsProvider.httpPort');
  });

  it('refuse a provider class Paddock does not have, saying which it has', () => {
    const error = errorOf('metricsProvider.className=com.example.StatsdProvider\n');
    expect(error.key).toBe('metricsProvider.className');
    expect(error.reason).toContain(PROMETHEUS);
  });

  it('refuse an exportJvmInfo that is not true or false', () => {
    expect(errorOf('metricsProvider.exportJvmInfo=yes').key).toBe('metricsProvider.exportJvmInfo');
  });
});
