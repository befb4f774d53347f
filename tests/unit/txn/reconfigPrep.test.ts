import { describe, expect, it } from 'vitest';
import { ErrorCode as E } from '../../../node-core/protocol/errorCodes.js';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import type { ReconfigRequest } from '../../../node-core/protocol/records.js';
import type { PreparerOptions } from '../../../node-core/txn/prepRequest.js';
import { anonymous, errOf, harness, session } from './prepHarness.js';

const superUser = [{ scheme: 'super', id: '' }];
const staticConfig = 'server.1=h:11:12:participant\nserver.2=h:21:22:participant\nserver.3=h:31:32:participant\nversion=0';
const joiner = 'server.4=h:41:42:participant;h:2184';

function ensembleHarness(options: Partial<PreparerOptions> = {}) {
  const h = harness({ reconfigEnabled: true, isQuorumSynced: () => true, ...options });
  h.tree.setData('/zookeeper/config', Buffer.from(staticConfig), -1, 0n, 0n);
  const reconfig = (r: Partial<ReconfigRequest>, authInfo = superUser) =>
    h.prepare({
      sessionId: session,
      cxid: 9,
      type: OpCode.reconfig,
      body: { joiningServers: null, leavingServers: null, newMembers: null, curConfigId: -1n, ...r },
      authInfo,
    });
  return { ...h, reconfig };
}

describe('reconfig preparation', () => {
  it('writes the new membership, versioned by its zxid, into /zookeeper/config with stat version -1', () => {
    const h = ensembleHarness();
    const prepared = h.reconfig({ joiningServers: joiner });
    expect(prepared.header.type).toBe(OpCode.reconfig);
    expect(prepared.txn).toEqual({
      type: OpCode.reconfig,
      path: '/zookeeper/config',
      data: Buffer.from(`${staticConfig.replace('\nversion=0', '')}\nserver.4=h:41:42:participant;h:2184\nversion=1`),
      version: -1,
    });
    const applied = h.apply(prepared);
    expect(applied.stat).toMatchObject({ version: -1, mzxid: 1n });
  });

  it('is ReconfigDisabled without reconfigEnabled and Unimplemented on a standalone server', () => {
    expect(errOf(ensembleHarness({ reconfigEnabled: false }).reconfig({ joiningServers: joiner }))).toBe(E.reconfigDisabled);
    expect(errOf(ensembleHarness({ isQuorumSynced: undefined }).reconfig({ joiningServers: joiner }))).toBe(E.unimplemented);
  });

  it('checks the config version: -1 takes any, otherwise it must be the version in force', () => {
    const h = ensembleHarness();
    expect(errOf(h.reconfig({ joiningServers: joiner, curConfigId: 5n }))).toBe(E.badVersion);
    h.apply(h.reconfig({ joiningServers: joiner, curConfigId: 0n }));
    expect(errOf(h.reconfig({ leavingServers: '4', curConfigId: 0n }))).toBe(E.badVersion);
    expect(errOf(h.reconfig({ leavingServers: '4', curConfigId: h.zxid - 1n }))).toBe(0);
  });

  it('allows one reconfig at a time: another one before the first applies is ReconfigInProgress', () => {
    const h = ensembleHarness();
    const first = h.reconfig({ joiningServers: joiner });
    expect(errOf(h.reconfig({ leavingServers: '4' }))).toBe(E.reconfigInProgress);
    h.apply(first);
    expect(errOf(h.reconfig({ leavingServers: '4' }))).toBe(0);
  });

  it('needs a synced quorum of the new voters (NewConfigNoQuorum) and WRITE on /zookeeper/config', () => {
    const seen: number[][] = [];
    const h = ensembleHarness({ isQuorumSynced: (voters) => (seen.push([...voters]), false) });
    expect(errOf(h.reconfig({ joiningServers: joiner }))).toBe(E.newConfigNoQuorum);
    expect(seen).toEqual([[1, 2, 3, 4]]);
    const open = ensembleHarness();
    expect(errOf(open.reconfig({ joiningServers: joiner }, anonymous))).toBe(E.noAuth);
    expect(errOf(ensembleHarness({ skipAcl: true }).reconfig({ joiningServers: joiner }, anonymous))).toBe(0);
  });

  it('refuses malformed requests with BadArguments', () => {
    const h = ensembleHarness();
    expect(errOf(h.reconfig({ joiningServers: 'server.4=h:41:42' }))).toBe(E.badArguments);
    expect(errOf(h.reconfig({ leavingServers: '2,3' }))).toBe(E.badArguments);
  });
});
