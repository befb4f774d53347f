// The simulated ensembles' membership as ZooKeeper's dynamic configuration text: every member on loopback ports
// derived from its id, voters as participants. The scripted ensemble and the simulator both render it this way.
import { renderQuorumConfig, type QuorumConfig } from '../../node-core/consensus/quorumConfig.js';

export function membership(voters: readonly number[], observers: readonly number[], version: bigint): QuorumConfig {
  const member = (id: number, role: 'participant' | 'observer') => ({ id, role, spec: `127.0.0.1:${2880 + id}:${3880 + id}:${role}` });
  const members = [...voters.map((id) => member(id, 'participant')), ...observers.map((id) => member(id, 'observer'))];
  return { members: members.sort((a, b) => a.id - b.id), version };
}

/** The configuration text of a membership (what /zookeeper/config holds and NEWLEADER carries). */
export function membershipText(voters: readonly number[], observers: readonly number[], version: bigint): string {
  return renderQuorumConfig(membership(voters, observers, version));
}
