import { describe, expect, it } from 'vitest';
import { parseQuorumConfig } from '../../../node-core/consensus/quorumConfig.js';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import type { ReconfigRequest } from '../../../node-core/protocol/records.js';
import { ReconfigArgumentError, configChangeOfEntry, requestedMembership } from '../../../node-core/txn/reconfigTxn.js';
import { encodeTxnEntry } from '../../../node-core/txn/txnRecords.js';

const current = parseQuorumConfig('server.1=h:11:12:participant\nserver.2=h:21:22:participant\nserver.3=h:31:32:participant\nversion=0');
const request = (r: Partial<ReconfigRequest>): ReconfigRequest => ({ joiningServers: null, leavingServers: null, newMembers: null, curConfigId: -1n, ...r });
const ids = (members: { id: number }[]) => members.map((m) => m.id);

describe('requestedMembership', () => {
  it('adds and removes incrementally', () => {
    const added = requestedMembership(request({ joiningServers: 'server.4=h:41:42:participant;h:2184' }), current, true);
    expect(ids(added)).toEqual([1, 2, 3, 4]);
    expect(added[3]!.spec).toBe('h:41:42:participant;h:2184');
    expect(ids(requestedMembership(request({ leavingServers: '2, 3', joiningServers: 'server.5=h:51:52;2185' }), current, true))).toEqual([1, 5]);
    // an empty request is a new version of the same membership, as in ZooKeeper
    expect(ids(requestedMembership(request({}), current, true))).toEqual([1, 2, 3]);
  });

  it('replaces everything with newMembers', () => {
    const members = requestedMembership(request({ newMembers: 'server.7=h:71:72;2187,server.8=h:81:82:observer;2188,server.9=h:91:92;2189' }), current, true);
    expect(members.map((m) => [m.id, m.role])).toEqual([
      [7, 'participant'],
      [8, 'observer'],
      [9, 'participant'],
    ]);
  });

  it('refuses with BadArguments what ZooKeeper refuses', () => {
    const refused = (r: Partial<ReconfigRequest>, standalone = true) => () => requestedMembership(request(r), current, standalone);
    expect(refused({ joiningServers: 'server.4=h:41:42' })).toThrow(/at least 3 ports/); // no client port
    expect(refused({ joiningServers: 'server.4' })).toThrow(ReconfigArgumentError);
    expect(refused({ joiningServers: 'server.4=h:11:42;2184' })).toThrow(ReconfigArgumentError); // address taken
    expect(refused({ leavingServers: 'two' })).toThrow(ReconfigArgumentError);
    expect(refused({ leavingServers: '2,3' })).toThrow(/at least 2 followers/);
    expect(refused({ leavingServers: '2,3' }, false)).not.toThrow();
    expect(refused({ leavingServers: '1,2,3' }, false)).toThrow(/at least 1 follower/);
    expect(refused({ newMembers: 'nonsense' })).toThrow(ReconfigArgumentError);
  });
});

describe('configChangeOfEntry', () => {
  const header = (type: number) => ({ clientId: 1n, cxid: 1, zxid: 0x100000005n, time: 0n, type });
  it('reads the membership a logged reconfig installs', () => {
    const data = Buffer.from('server.1=h:11:12:participant\nserver.4=h:41:42:observer;0.0.0.0:2184\nversion=100000005');
    const entry = encodeTxnEntry(header(OpCode.reconfig), { type: OpCode.reconfig, path: '/zookeeper/config', data, version: -1 });
    const change = configChangeOfEntry(entry);
    expect(change).toMatchObject({ voters: [1], observers: [4], version: 0x100000005n });
    expect(change!.configData.equals(data)).toBe(true);
  });

  it('ignores every other transaction, setData on the config node included', () => {
    const data = Buffer.from('server.1=h:11:12\nversion=1');
    expect(configChangeOfEntry(encodeTxnEntry(header(OpCode.setData), { type: OpCode.setData, path: '/zookeeper/config', data, version: 1 }))).toBeNull();
    expect(configChangeOfEntry(Buffer.from('short'))).toBeNull();
  });
});
