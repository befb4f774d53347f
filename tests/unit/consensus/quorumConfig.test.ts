import { describe, expect, it } from 'vitest';
import {
  QuorumConfigError,
  configChangeOf,
  parseMemberSpec,
  parseQuorumConfig,
  renderDynamicConfigFile,
  renderQuorumConfig,
} from '../../../node-core/consensus/quorumConfig.js';

// The text Apache ZooKeeper 3.8 put in /zookeeper/config after adding server 4 (reconfig with reconfigEnabled=true).
const apacheText =
  'server.1=127.0.0.1:44349:33615:participant\n' +
  'server.2=127.0.0.1:45555:46135:participant\n' +
  'server.3=127.0.0.1:40427:39407:participant\n' +
  'server.4=127.0.0.1:39047:44667:participant;127.0.0.1:34545\n' +
  'version=100000004';

describe('quorum configuration text', () => {
  it('parses and renders ZooKeeper\'s /zookeeper/config text byte for byte', () => {
    const config = parseQuorumConfig(apacheText);
    expect(config.version).toBe(0x100000004n);
    expect(config.members.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(renderQuorumConfig(config)).toBe(apacheText);
  });

  it('normalises specs: default role participant, bare client port on the wildcard address, observers kept', () => {
    expect(parseMemberSpec(5, 'h:1:2').spec).toBe('h:1:2:participant');
    expect(parseMemberSpec(5, 'h:1:2;2181').spec).toBe('h:1:2:participant;0.0.0.0:2181');
    expect(parseMemberSpec(5, '[::1]:1:2:observer;[::1]:2181')).toEqual({ id: 5, spec: '[::1]:1:2:observer;[::1]:2181', role: 'observer' });
  });

  it('accepts comma separated members (a non-incremental reconfig\'s newMembers) and sorts them by id', () => {
    const config = parseQuorumConfig('server.3=h:5:6;7,server.1=h:1:2:observer;3');
    expect(config.members.map((m) => [m.id, m.role])).toEqual([
      [1, 'observer'],
      [3, 'participant'],
    ]);
    expect(config.version).toBe(0n);
    const change = configChangeOf({ ...config, version: 0x200000001n });
    expect(change.voters).toEqual([3]);
    expect(change.observers).toEqual([1]);
    expect(change.configData.toString()).toBe('server.1=h:1:2:observer;0.0.0.0:3\nserver.3=h:5:6:participant;0.0.0.0:7\nversion=200000001');
  });

  it('refuses what is not a membership', () => {
    expect(() => parseQuorumConfig('tickTime=2000')).toThrow(QuorumConfigError);
    expect(() => parseQuorumConfig('server.1=h:1')).toThrow(QuorumConfigError);
    expect(() => parseQuorumConfig('server.1=h:1:2:leader')).toThrow(QuorumConfigError);
    expect(() => parseQuorumConfig('server.1=h:1:x')).toThrow(QuorumConfigError);
    expect(() => parseQuorumConfig('version=xyz')).toThrow(QuorumConfigError);
  });

  it('writes the dynamic file as ZooKeeper does: member lines, no version', () => {
    expect(renderDynamicConfigFile(parseQuorumConfig(apacheText))).toBe(apacheText.replace('version=100000004', ''));
  });
});
