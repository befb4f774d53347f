// Renders what a scripted ensemble's members do as one line each, for the golden traces in tests/sim/testdata:
// deterministic (no clock, no addresses), short enough to read, and exact enough that a protocol change shows.
import type { DiskAction, Notification } from '../../node-core/consensus/index.js';
import { zxidHex } from '../../node-core/consensus/index.js';
import { quorumPacketTypeName, serverStateName, type QuorumPacket } from '../../node-core/protocol/quorumPackets.js';

export function describeNotification(notification: Notification): string {
  const { leader, zxid, electionEpoch, peerEpoch, state } = notification;
  // An observer votes for nobody: sid and epoch Long.MIN_VALUE.
  const who = leader < 0 ? 'none' : String(leader);
  const epoch = peerEpoch < 0n ? 'none' : String(peerEpoch);
  return `vote leader=${who} zxid=${zxidHex(zxid)} round=${electionEpoch} peerEpoch=${epoch} ${serverStateName(state)}`;
}

export function describePacket(packet: QuorumPacket): string {
  const data = packet.data === null ? '' : ` ${describeData(packet.data)}`;
  return `${quorumPacketTypeName(packet.type)} ${zxidHex(packet.zxid)}${data}`;
}

/** Short printable payloads (the scripted transactions) as text, anything else by size. */
export function describeData(data: Buffer): string {
  const text = data.toString('utf8');
  return data.length > 0 && data.length <= 48 && /^[\x20-\x7e]*$/.test(text) ? `"${text}"` : `<${data.length} bytes>`;
}

export function describeDisk(action: DiskAction): string {
  switch (action.kind) {
    case 'persistAcceptedEpoch':
      return `acceptedEpoch=${action.epoch}`;
    case 'persistCurrentEpoch':
      return `currentEpoch=${action.epoch}`;
    case 'logTxns':
      return `log ${action.txns.map((t) => zxidHex(t.zxid)).join(',')}`;
    case 'truncateLog':
      return `truncate after ${zxidHex(action.zxid)}`;
    case 'installSnapshot':
      return `snapshot at ${zxidHex(action.zxid)} + ${action.txns.length} txns`;
  }
}
