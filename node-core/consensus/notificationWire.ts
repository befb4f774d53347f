// Converts between the election notification as consensus uses it (sids as numbers) and the wire record.
import { notificationVersion, type NotificationMessage, type ServerStateValue } from '../protocol/quorumPackets.js';
import type { Notification } from './fastLeaderElection.js';

export function toWireNotification(notification: Notification, config: Buffer): NotificationMessage {
  return {
    state: notification.state,
    leader: BigInt(notification.leader),
    zxid: notification.zxid,
    electionEpoch: notification.electionEpoch,
    peerEpoch: notification.peerEpoch,
    version: notificationVersion,
    config,
  };
}

/** Null for a state outside LOOKING..OBSERVING, which FastLeaderElection drops. */
export function fromWireNotification(message: NotificationMessage): Notification | null {
  if (message.state < 0 || message.state > 3) return null;
  return {
    state: message.state as ServerStateValue,
    leader: Number(message.leader),
    zxid: message.zxid,
    electionEpoch: message.electionEpoch,
    peerEpoch: message.peerEpoch,
    version: message.version,
  };
}
