// The client-protocol codec against bytes that Apache ZooKeeper 3.8 and its Java client exchanged (recorded by
// tests/fixtures/wire/captureZkCliTraffic.ts): every frame decodes to the values the zkCli command carried, and
// re-encoding what was decoded gives back exactly the recorded bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JuteReader, JuteWriter } from '../../../node-core/jute/index.js';
import {
  ConnectRequestCodec,
  ConnectResponseCodec,
  ErrorCode,
  OpCode,
  ReplyHeaderCodec,
  RequestHeaderCodec,
  WatcherEventCodec,
  readRequestBody,
  readResponseBody,
  writeRequestBody,
  writeResponseBody,
  type ACL,
  type RecordCodec,
} from '../../../node-core/protocol/index.js';

interface Fixture {
  server: string;
  commands: string[];
  toServer: string[];
  toClient: string[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/wire/zkcli-apache-3.8.json', import.meta.url), 'utf8'),
) as Fixture;
const toServer = fixture.toServer.map((hex) => Buffer.from(hex, 'hex'));
const toClient = fixture.toClient.map((hex) => Buffer.from(hex, 'hex'));

const openAcl: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function decodeWhole<T>(codec: RecordCodec<T>, frame: Buffer): T {
  const reader = new JuteReader(frame);
  const value = codec.read(reader);
  expect(reader.remaining, 'bytes left after the record').toBe(0);
  return value;
}

function encode<T>(codec: RecordCodec<T>, value: T): Buffer {
  const writer = new JuteWriter();
  codec.write(writer, value);
  return writer.toBuffer();
}

interface Request {
  xid: number;
  type: number;
  body: unknown;
  frame: Buffer;
}

function decodeRequest(frame: Buffer): Request {
  const reader = new JuteReader(frame);
  const header = RequestHeaderCodec.read(reader);
  const body = readRequestBody(header.type, reader);
  expect(reader.remaining, `bytes left after opcode ${header.type}`).toBe(0);
  return { ...header, body, frame };
}

function encodeRequest(request: Request): Buffer {
  const writer = new JuteWriter();
  RequestHeaderCodec.write(writer, { xid: request.xid, type: request.type });
  writeRequestBody(request.type, writer, request.body);
  return writer.toBuffer();
}

const requests = toServer.slice(1).map(decodeRequest);
const requestByXid = new Map(requests.map((r) => [r.xid, r]));
const byType = (type: number) => requests.filter((r) => r.type === type);

describe(`client frames from zkCli to Apache ZooKeeper 3.8`, () => {
  it('ConnectRequest: protocol 0, no zxid seen, 30 s, new session, empty password, read-write', () => {
    const request = decodeWhole(ConnectRequestCodec, toServer[0]!);
    expect(request).toEqual({
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut: 30_000,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: false,
    });
    expect(encode(ConnectRequestCodec, request)).toEqual(toServer[0]);
  });

  it('every request re-encodes to the recorded bytes', () => {
    expect(requests.length).toBe(toServer.length - 1);
    for (const request of requests) expect(encodeRequest(request).toString('hex'), `opcode ${request.type}`).toBe(request.frame.toString('hex'));
  });

  it('the creates carry their mode in the flags, the ACL, and a TTL where asked', () => {
    const creates = byType(OpCode.create).map((r) => r.body);
    expect(creates).toEqual([
      { path: '/wire', data: Buffer.from('v1'), acl: openAcl, flags: 0 },
      { path: '/wire/eph', data: Buffer.from('e'), acl: openAcl, flags: 1 },
      { path: '/wire/seq-', data: Buffer.from('s1'), acl: openAcl, flags: 2 },
    ]);
    expect(byType(OpCode.createContainer).map((r) => r.body)).toEqual([{ path: '/wire-container', data: null, acl: openAcl, flags: 4 }]);
    expect(byType(OpCode.createTTL).map((r) => r.body)).toEqual([
      { path: '/wire-ttl', data: Buffer.from('t'), acl: openAcl, flags: 5, ttl: 60_000n },
    ]);
  });

  it('reads say whether they leave a watch', () => {
    // `config` reads /zookeeper/config with getData.
    expect(byType(OpCode.getData).map((r) => r.body)).toEqual([
      { path: '/wire', watch: false },
      { path: '/wire', watch: true },
      { path: '/zookeeper/config', watch: false },
    ]);
    expect(byType(OpCode.getChildren2).map((r) => r.body)).toEqual([
      { path: '/wire', watch: false },
      { path: '/wire', watch: true },
    ]);
    expect(byType(OpCode.exists).map((r) => r.body)).toEqual([
      { path: '/wire', watch: false },
      { path: '/nope', watch: false },
    ]);
  });

  it('setData, setACL, delete carry -1 for "any version" and the version given otherwise', () => {
    expect(byType(OpCode.setData).map((r) => r.body)).toEqual([
      { path: '/wire', data: Buffer.from('v2'), version: -1 },
      { path: '/wire', data: Buffer.from('stale'), version: 9 },
    ]);
    const [setAcl] = byType(OpCode.setACL);
    expect(setAcl!.body).toEqual({
      path: '/wire',
      acl: [
        { perms: 31, id: { scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' } },
        { perms: 1, id: { scheme: 'world', id: 'anyone' } },
      ],
      version: -1,
    });
    expect(byType(OpCode.delete).map((r) => r.body)).toEqual([
      { path: '/wire/eph', version: -1 },
      { path: '/nope', version: -1 },
    ]);
  });

  it('auth goes out with xid -4; addWatch, removeWatches and closeSession with their opcodes', () => {
    const [auth] = byType(OpCode.auth);
    expect(auth!.xid).toBe(-4);
    expect(auth!.body).toEqual({ type: 0, scheme: 'digest', auth: Buffer.from('alice:secret') });
    expect(byType(OpCode.addWatch).map((r) => r.body)).toEqual([{ path: '/wire', mode: 1 }]);
    expect(byType(OpCode.removeWatches).map((r) => r.body)).toEqual([{ path: '/wire', type: 3 }]);
    expect(byType(OpCode.whoAmI)).toHaveLength(1);
    expect(requests.at(-1)!.type).toBe(OpCode.closeSession);
  });

  it('client xids count up from 1, skipping the special auth xid', () => {
    const ordinary = requests.filter((r) => r.xid > 0).map((r) => r.xid);
    expect(ordinary).toEqual(ordinary.map((_, i) => i + 1));
  });
});

describe('server frames from Apache ZooKeeper back to zkCli', () => {
  it('ConnectResponse: the granted timeout, a session id and a 16-byte password', () => {
    const response = decodeWhole(ConnectResponseCodec, toClient[0]!);
    expect(response.protocolVersion).toBe(0);
    expect(response.timeOut).toBe(30_000);
    expect(response.sessionId).not.toBe(0n);
    expect(response.passwd).toHaveLength(16);
    expect(response.readOnly).toBe(false);
    expect(encode(ConnectResponseCodec, response)).toEqual(toClient[0]);
  });

  const replies = toClient.slice(1).map((frame) => {
    const reader = new JuteReader(frame);
    const header = ReplyHeaderCodec.read(reader);
    if (header.xid === -1) return { header, frame, event: WatcherEventCodec.read(reader), remaining: reader.remaining };
    const request = requestByXid.get(header.xid);
    if (request === undefined) throw new Error(`reply to unknown xid ${header.xid}`);
    const body = header.err === 0 ? readResponseBody(request.type, reader) : null;
    return { header, frame, request, body, remaining: reader.remaining };
  });

  it('every reply decodes whole and re-encodes to the recorded bytes', () => {
    for (const reply of replies) {
      expect(reply.remaining).toBe(0);
      const writer = new JuteWriter();
      ReplyHeaderCodec.write(writer, reply.header);
      if ('event' in reply) WatcherEventCodec.write(writer, reply.event!);
      else if (reply.header.err === 0) writeResponseBody(reply.request!.type, writer, reply.body);
      expect(writer.toBuffer().toString('hex'), `reply to xid ${reply.header.xid}`).toBe(reply.frame.toString('hex'));
    }
  });

  it('the data watch fires NodeDataChanged on /wire in state SyncConnected, with xid -1 and zxid -1', () => {
    const events = replies.filter((r) => 'event' in r);
    expect(events.map((r) => r.event)).toEqual([{ type: 3, state: 3, path: '/wire' }]);
    expect(events[0]!.header.zxid).toBe(-1n);
  });

  it('failures are a header alone with the KeeperException code', () => {
    const failed = replies.filter((r) => r.header.err !== 0).map((r) => [r.request!.type, r.header.err, r.frame.length]);
    expect(failed).toEqual([
      [OpCode.setData, ErrorCode.badVersion, 16],
      [OpCode.exists, ErrorCode.noNode, 16],
      [OpCode.delete, ErrorCode.noNode, 16],
    ]);
  });

  it('replies carry the values the server returned: sequential name, whoAmI ids, counts, ephemerals', () => {
    const bodyOf = (type: number) => replies.filter((r) => r.request?.type === type && r.header.err === 0).map((r) => r.body);
    expect(bodyOf(OpCode.create)).toEqual([{ path: '/wire' }, { path: '/wire/eph' }, { path: '/wire/seq-0000000001' }]);
    expect(bodyOf(OpCode.whoAmI)).toEqual([
      { clientInfo: [{ authScheme: 'digest', user: 'alice' }, { authScheme: 'ip', user: '127.0.0.1' }] },
    ]);
    expect(bodyOf(OpCode.getAllChildrenNumber)).toEqual([{ totalNumber: 2 }]);
    expect(bodyOf(OpCode.getEphemerals)).toEqual([{ ephemerals: ['/wire/eph'] }]);
    expect(bodyOf(OpCode.sync)).toEqual([{ path: '/wire' }]);
    const [children] = bodyOf(OpCode.getChildren2) as { children: string[]; stat: { numChildren: number } }[];
    expect(children!.children.slice().sort()).toEqual(['eph', 'seq-0000000001']);
    expect(children!.stat.numChildren).toBe(2);
  });

  it('zxids in reply headers never go backwards; the auth reply (xid -4) carries zxid 0', () => {
    expect(replies.find((r) => r.header.xid === -4)!.header).toEqual({ xid: -4, zxid: 0n, err: 0 });
    const zxids = replies.filter((r) => r.header.xid > 0).map((r) => r.header.zxid);
    for (let i = 1; i < zxids.length; i++) expect(zxids[i]! >= zxids[i - 1]!).toBe(true);
  });
});
