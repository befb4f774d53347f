// What four-letter words and the AdminServer show of an ensemble member's quorum (ZooKeeper's QuorumPeer MXBean
// figures): its addresses, the voting view, and as leader how many learners are synced.
import type { QuorumPeer } from '../../consensus/index.js';
import type { ZooConfig } from '../config/zooCfgTypes.js';
import type { QuorumIntrospection } from '../introspection.js';
import type { ZooKeeperServer } from '../zooKeeperServer.js';

export function quorumIntrospection(config: ZooConfig, myId: number, peer: QuorumPeer | undefined, server: ZooKeeperServer): QuorumIntrospection {
  const me = config.servers.find((s) => s.id === myId)!;
  const leading = peer?.state === 'leading';
  const leaderSpec = config.servers.find((s) => s.id === peer?.leaderId);
  const voters = config.servers.filter((s) => s.role === 'participant');
  const synced = new Set(peer?.leader?.syncedLearners ?? []);
  const syncedLearners = (role: 'participant' | 'observer') => config.servers.filter((s) => s.role === role && synced.has(s.id)).length;
  return {
    myid: myId,
    isLeader: leading,
    leaderId: peer?.leaderId ?? -1,
    leaderAddress: leaderSpec ? `${leaderSpec.host}:${leaderSpec.quorumPort}` : null,
    peerState: `${peer?.state ?? 'looking'} - ${server.isServing ? 'broadcast' : 'election'}`,
    zabState: server.isServing ? 'broadcast' : 'election',
    voting: me.role === 'participant',
    quorumAddress: `${me.host}:${me.quorumPort}`,
    electionAddress: `${me.host}:${me.electionPort}`,
    clientAddress: `${config.clientPortAddress ?? '0.0.0.0'}:${config.clientPort ?? 0}`,
    votingView: voters.map((s) => ({
      id: s.id,
      serverAddresses: [`${s.host}:${s.quorumPort}`],
      electionAddresses: [`${s.host}:${s.electionPort}`],
      clientAddress: `${s.clientHost ?? s.host}:${s.clientPort ?? 0}`,
      learnerType: s.role,
    })),
    quorumSize: voters.length,
    leader: leading
      ? {
          learners: config.servers.length - 1,
          syncedFollowers: syncedLearners('participant'),
          syncedNonVotingFollowers: 0,
          syncedObservers: syncedLearners('observer'),
          pendingSyncs: 0,
          leaderUptime: server.startedAt ? Date.now() - server.startedAt : 0,
          lastProposalSize: 0,
          minProposalSize: 0,
          maxProposalSize: 0,
        }
      : undefined,
    observers: [],
  };
}
