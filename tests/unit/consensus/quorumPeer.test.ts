// QuorumPeer through the shared ActionExecutor in a scripted ensemble (instant, in-order disks and network).
import { describe, expect, it } from 'vitest';
import { QuorumPeer } from '../../../node-core/consensus/quorumPeer.js';
import { ScriptedEnsemble } from '../../sim/scriptedEnsemble.js';

function startedEnsemble(voters: number[]): ScriptedEnsemble {
  const ensemble = new ScriptedEnsemble({ voters });
  ensemble.start();
  return ensemble;
}

describe('QuorumPeer', () => {
  it('elects, establishes an epoch, and replicates a write to every member in order', () => {
    const ensemble = startedEnsemble([1, 2, 3]);
    ensemble.tick(1000);
    const leader = ensemble.leader()!;
    expect(leader.leaderId).toBe(3);
    expect([1, 2, 3].every((id) => ensemble.peer(id).isServing)).toBe(true);
    expect([1, 2, 3].map((id) => ensemble.peer(id).currentEpoch)).toEqual([1n, 1n, 1n]);
    expect(ensemble.write(1, 'via follower')).toBe(true);
    expect(ensemble.write(3, 'direct')).toBe(true);
    expect(leader.lastLoggedZxid).toBe(0x100000001n); // the forwarded request is still on its way
    ensemble.tick(100);
    for (const id of [1, 2, 3]) {
      expect(ensemble.member(id).commits).toEqual([0x100000001n, 0x100000002n]);
      expect(ensemble.member(id).store.applied.map((e) => e.data)).toEqual(['direct', 'via follower']);
    }
    expect(ensemble.violations).toEqual([]);
  });

  it('sends a follower back to election when its leader falls silent, and elects a new leader without it', () => {
    const ensemble = startedEnsemble([1, 2, 3]);
    ensemble.tick(1000);
    ensemble.cut.add(3);
    ensemble.tick(450);
    expect(ensemble.peer(1).state).toBe('following');
    ensemble.tick(200);
    expect(ensemble.peer(3).state).not.toBe('leading'); // the old leader also lost its quorum
    ensemble.tick(1500);
    const leader = ensemble.leader()!;
    expect(leader.leaderId).toBe(2);
    expect(leader.epoch).toBe(2n);
    expect(ensemble.peer(1).isServing).toBe(true);
  });

  it('starts from durable state only: votes with what was logged and the persisted epochs', () => {
    const peer = new QuorumPeer({ myId: 2, voters: [1, 2, 3], tickTime: 100, initLimit: 10, syncLimit: 5 });
    const actions = peer.start(0, {
      acceptedEpoch: 4n,
      currentEpoch: 3n,
      appliedZxid: 0x300000002n,
      logTail: [{ zxid: 0x300000003n, data: Buffer.from('x') }],
    });
    const sent = actions.filter((a) => a.kind === 'sendNotification');
    expect(sent.map((a) => a.kind === 'sendNotification' && a.to)).toEqual([1, 3]);
    expect(sent[0]).toMatchObject({ notification: { leader: 2, zxid: 0x300000003n, peerEpoch: 3n, electionEpoch: 1n } });
    expect(peer.state).toBe('looking');
    expect(peer.acceptedEpoch).toBe(4n);
  });
});
