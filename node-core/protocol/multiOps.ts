// The multi and multiRead request/response bodies: a run of (MultiHeader, op record) pairs closed by {-1, true, -1}.
import type { JuteReader } from '../jute/juteReader.js';
import type { JuteWriter } from '../jute/juteWriter.js';
import { JuteError } from '../jute/juteError.js';
import { OpCode } from './opCodes.js';
import {
  CreateRequestCodec,
  CreateTTLRequestCodec,
  Create2ResponseCodec,
  CreateResponseCodec,
  ErrorResponseCodec,
  GetChildrenResponseCodec,
  GetDataResponseCodec,
  MultiHeaderCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  SetDataRequestCodec,
  StatCodec,
  multiEnd,
  type CreateRequest,
  type PathVersionRequest,
  type PathWatchRequest,
  type SetDataRequest,
  type Stat,
} from './records.js';

export type MultiOp =
  | { type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL; request: CreateRequest }
  | { type: typeof OpCode.delete | typeof OpCode.check; request: PathVersionRequest }
  | { type: typeof OpCode.setData; request: SetDataRequest }
  | { type: typeof OpCode.getChildren | typeof OpCode.getData; request: PathWatchRequest };

export function readMultiRequest(reader: JuteReader): MultiOp[] {
  const ops: MultiOp[] = [];
  for (;;) {
    const header = MultiHeaderCodec.read(reader);
    if (header.done) return ops;
    switch (header.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
        ops.push({ type: header.type, request: CreateRequestCodec.read(reader) });
        break;
      case OpCode.createTTL:
        ops.push({ type: header.type, request: CreateTTLRequestCodec.read(reader) });
        break;
      case OpCode.delete:
      case OpCode.check:
        ops.push({ type: header.type, request: PathVersionRequestCodec.read(reader) });
        break;
      case OpCode.setData:
        ops.push({ type: header.type, request: SetDataRequestCodec.read(reader) });
        break;
      case OpCode.getChildren:
      case OpCode.getData:
        ops.push({ type: header.type, request: PathWatchRequestCodec.read(reader) });
        break;
      default:
        throw new JuteError(`invalid type ${header.type} in multi`);
    }
  }
}

export function writeMultiRequest(writer: JuteWriter, ops: readonly MultiOp[]): void {
  for (const op of ops) {
    MultiHeaderCodec.write(writer, { type: op.type, done: false, err: -1 });
    switch (op.type) {
      case OpCode.createTTL:
        CreateTTLRequestCodec.write(writer, op.request);
        break;
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
        CreateRequestCodec.write(writer, op.request);
        break;
      case OpCode.delete:
      case OpCode.check:
        PathVersionRequestCodec.write(writer, op.request);
        break;
      case OpCode.setData:
        SetDataRequestCodec.write(writer, op.request);
        break;
      case OpCode.getChildren:
      case OpCode.getData:
        PathWatchRequestCodec.write(writer, op.request);
        break;
    }
  }
  MultiHeaderCodec.write(writer, multiEnd);
}

/** One result of a multi or multiRead, as OpResult models it. */
export type MultiResult =
  | { type: typeof OpCode.create; path: string }
  | { type: typeof OpCode.create2; path: string; stat: Stat }
  | { type: typeof OpCode.delete | typeof OpCode.check }
  | { type: typeof OpCode.setData; stat: Stat }
  | { type: typeof OpCode.getChildren; children: string[] }
  | { type: typeof OpCode.getData; data: Buffer | null; stat: Stat }
  | { type: typeof OpCode.error; err: number };

export function writeMultiResponse(writer: JuteWriter, results: readonly MultiResult[]): void {
  for (const result of results) {
    MultiHeaderCodec.write(writer, { type: result.type, done: false, err: result.type === OpCode.error ? result.err : 0 });
    switch (result.type) {
      case OpCode.create:
        CreateResponseCodec.write(writer, { path: result.path });
        break;
      case OpCode.create2:
        Create2ResponseCodec.write(writer, { path: result.path, stat: result.stat });
        break;
      case OpCode.setData:
        StatCodec.write(writer, result.stat);
        break;
      case OpCode.getChildren:
        GetChildrenResponseCodec.write(writer, { children: result.children });
        break;
      case OpCode.getData:
        GetDataResponseCodec.write(writer, { data: result.data, stat: result.stat });
        break;
      case OpCode.error:
        ErrorResponseCodec.write(writer, { err: result.err });
        break;
      default:
        break;
    }
  }
  MultiHeaderCodec.write(writer, multiEnd);
}

export function readMultiResponse(reader: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const header = MultiHeaderCodec.read(reader);
    if (header.done) return results;
    switch (header.type) {
      case OpCode.create:
        results.push({ type: OpCode.create, path: CreateResponseCodec.read(reader).path });
        break;
      case OpCode.create2:
      case OpCode.createTTL:
      case OpCode.createContainer: {
        const r = Create2ResponseCodec.read(reader);
        results.push({ type: OpCode.create2, path: r.path, stat: r.stat });
        break;
      }
      case OpCode.delete:
      case OpCode.deleteContainer:
      case OpCode.check:
        results.push({ type: header.type === OpCode.check ? OpCode.check : OpCode.delete });
        break;
      case OpCode.setData:
        results.push({ type: OpCode.setData, stat: StatCodec.read(reader) });
        break;
      case OpCode.getChildren:
        results.push({ type: OpCode.getChildren, children: GetChildrenResponseCodec.read(reader).children });
        break;
      case OpCode.getData: {
        const r = GetDataResponseCodec.read(reader);
        results.push({ type: OpCode.getData, data: r.data, stat: r.stat });
        break;
      }
      case OpCode.error:
        results.push({ type: OpCode.error, err: ErrorResponseCodec.read(reader).err });
        break;
      default:
        throw new JuteError(`invalid type ${header.type} in multi response`);
    }
  }
}
