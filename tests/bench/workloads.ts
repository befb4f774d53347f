// The benchmark's workloads: which request each client sends next, encoded with node-core's protocol codecs so
// Paddock and Apache ZooKeeper receive byte-identical traffic.
import type { JuteWriter } from '../../node-core/jute/index.js';
import {
  CreateMode,
  CreateRequestCodec,
  OpCode,
  PathWatchRequestCodec,
  Perms,
  SetDataRequestCodec,
  type ACL,
} from '../../node-core/protocol/index.js';

export const workloadNames = ['getData', 'exists', 'setData', 'mix-90-10', 'create-100', 'create-1k'] as const;
export type WorkloadName = (typeof workloadNames)[number];
/** Used only to fill the data tree before memory and recovery measurements; not a reported workload. */
export type LoadOnlyWorkload = 'load-100';
export type AnyWorkload = WorkloadName | LoadOnlyWorkload;

export const workloadLabels: Record<WorkloadName, string> = {
  getData: 'getData (100 B, 1,000 nodes)',
  exists: 'exists (1,000 nodes)',
  setData: 'setData (100 B, 1,000 nodes)',
  'mix-90-10': '90/10 getData/setData',
  'create-100': 'create sequential 100 B',
  'create-1k': 'create sequential 1 KiB',
};

/** Latency: 1 client with 1 request in flight. Throughput: many clients with many pipelined requests each. */
export type Shape = 'latency' | 'throughput';
export const shapes: readonly Shape[] = ['latency', 'throughput'];

/** What one topology measures of a workload: its latency run, its throughput run, or both. */
export interface WorkloadRun {
  workload: WorkloadName;
  shapes: Shape[];
}

export function isWorkloadName(name: string): name is WorkloadName {
  return (workloadNames as readonly string[]).includes(name);
}

/** Where each workload works; prepared by the orchestrator before the clients start. */
export interface WorkloadContext {
  /** Parent of the sequential creates of this run (a fresh node per run keeps child lists comparable). */
  createParent: string;
  /** The pre-created nodes that reads and setData address: keyPath(keysParent, 0 .. keyCount-1). */
  keysParent: string;
  keyCount: number;
  /** Global index of the client, so clients spread their keys instead of all hitting the same node. */
  clientIndex: number;
}

export interface PlannedOp {
  type: number;
  write: (writer: JuteWriter) => void;
}

export const openAcl: ACL[] = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];
export const smallPayload = Buffer.alloc(100, 0x61);
export const kibPayload = Buffer.alloc(1024, 0x62);

export function keyPath(keysParent: string, index: number): string {
  return `${keysParent}/k${String(index).padStart(6, '0')}`;
}

function createSequential(parent: string, data: Buffer): PlannedOp {
  const request = { path: `${parent}/c-`, data, acl: openAcl, flags: CreateMode.persistentSequential };
  return { type: OpCode.create, write: (w) => CreateRequestCodec.write(w, request) };
}

function readOp(type: number, path: string): PlannedOp {
  const request = { path, watch: false };
  return { type, write: (w) => PathWatchRequestCodec.write(w, request) };
}

function setDataOp(path: string): PlannedOp {
  const request = { path, data: smallPayload, version: -1 };
  return { type: OpCode.setData, write: (w) => SetDataRequestCodec.write(w, request) };
}

/** Returns the op source of one client: call it with 0, 1, 2, ... for the client's successive requests. */
export function opSource(workload: AnyWorkload, ctx: WorkloadContext): (seq: number) => PlannedOp {
  // a prime stride spreads clients over the keys, so concurrent writers rarely touch the same node
  const offset = (ctx.clientIndex * 7919) % Math.max(1, ctx.keyCount);
  const key = (seq: number) => keyPath(ctx.keysParent, (offset + seq) % ctx.keyCount);
  switch (workload) {
    case 'getData':
      return (seq) => readOp(OpCode.getData, key(seq));
    case 'exists':
      return (seq) => readOp(OpCode.exists, key(seq));
    case 'setData':
      return (seq) => setDataOp(key(seq));
    case 'mix-90-10':
      return (seq) => (seq % 10 === 9 ? setDataOp(key(seq)) : readOp(OpCode.getData, key(seq)));
    case 'create-100':
    case 'load-100': {
      const op = createSequential(ctx.createParent, smallPayload);
      return () => op;
    }
    case 'create-1k': {
      const op = createSequential(ctx.createParent, kibPayload);
      return () => op;
    }
  }
}
