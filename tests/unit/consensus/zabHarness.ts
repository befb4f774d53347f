// Hand-driving helpers for the ZAB state machines: a ZabContext that records actions, and packet shorthands.
import { DiskTickets, type ZabAction } from '../../../node-core/consensus/actions.js';
import { History, type Txn } from '../../../node-core/consensus/history.js';
import type { ZabContext } from '../../../node-core/consensus/zabContext.js';
import { quorumPacket, type QuorumPacket } from '../../../node-core/protocol/quorumPackets.js';

export interface RecordingContext extends ZabContext {
  actions: ZabAction[];
  take(): ZabAction[];
  /** Packets sent (to anyone, or to `to`) since the last take, as "TYPE zxid" strings. */
  sent(to?: number): QuorumPacket[];
}

export function txn(zxid: bigint, text = `t${zxid.toString(16)}`): Txn {
  return { zxid, data: Buffer.from(text) };
}

export function makeContext(options: {
  myId: number;
  voters: number[];
  tail?: Txn[];
  base?: bigint;
  applied?: bigint;
  acceptedEpoch?: bigint;
  currentEpoch?: bigint;
  keep?: number;
}): RecordingContext {
  const history = new History(options.tail ?? [], options.base ?? 0n, options.applied ?? options.base ?? 0n, options.keep ?? 500);
  const ctx: RecordingContext = {
    myId: options.myId,
    voters: options.voters,
    timings: { tickTime: 100, initLimit: 10, syncLimit: 5 },
    history,
    disk: new DiskTickets(),
    configData: Buffer.alloc(0),
    acceptedEpoch: options.acceptedEpoch ?? 0n,
    currentEpoch: options.currentEpoch ?? 0n,
    actions: [],
    emit(action) {
      this.actions.push(action);
    },
    log() {},
    take() {
      const out = this.actions;
      this.actions = [];
      return out;
    },
    sent(to) {
      return this.actions
        .filter((a): a is Extract<ZabAction, { kind: 'sendPacket' }> => a.kind === 'sendPacket' && (to === undefined || a.to === to))
        .map((a) => a.packet);
    },
  };
  return ctx;
}

export const packet = quorumPacket;

export function kinds(actions: ZabAction[]): string[] {
  return actions.map((a) => (a.kind === 'sendPacket' ? `send ${typeName(a.packet.type)}` : a.kind));
}

const names: Record<number, string> = {
  1: 'REQUEST', 2: 'PROPOSAL', 3: 'ACK', 4: 'COMMIT', 5: 'PING', 7: 'SYNC', 8: 'INFORM', 10: 'NEWLEADER', 11: 'FOLLOWERINFO',
  12: 'UPTODATE', 13: 'DIFF', 14: 'TRUNC', 15: 'SNAP', 16: 'OBSERVERINFO', 17: 'LEADERINFO', 18: 'ACKEPOCH',
};

export function typeName(type: number): string {
  return names[type] ?? String(type);
}

export function lastTicket(actions: ZabAction[]): number {
  const withTicket = actions.filter((a): a is Extract<ZabAction, { ticket: number }> => 'ticket' in a);
  return withTicket[withTicket.length - 1]!.ticket;
}
