// Runs the scenario steps against one server (Apache ZooKeeper or Paddock) over raw ZkConnections and records a
// transcript: every reply header and decoded body, and each session's replies, watch events and closes in the
// order the session saw them. Steps run one at a time so that order is deterministic.
import { JuteReader, JuteWriter } from '../../../node-core/jute/index.js';
import { ConnectionLossError, SessionExpiredError, ZkConnection } from '../../../node-core/client/zkConnection.js';
import {
  AddWatchRequestCodec,
  ACLCodec,
  CreateRequestCodec,
  CreateTTLRequestCodec,
  ErrorCode,
  GetEphemeralsRequestCodec,
  MultiHeaderCodec,
  OpCode,
  PathRequestCodec,
  PathVersionRequestCodec,
  PathWatchRequestCodec,
  Perms,
  RemoveWatchesRequestCodec,
  SetACLRequestCodec,
  SetDataRequestCodec,
  SetWatches2Codec,
  SetWatchesCodec,
  StatCodec,
  AuthPacketCodec,
  Xid,
  opCodeName,
  writeMultiRequest,
  type ACL,
  type MultiOp,
  type Stat,
  type WatcherEvent,
} from '../../../node-core/protocol/index.js';
import type {
  AclSpec,
  MultiStepOp,
  RawTranscript,
  RawValue,
  SessionLogEntry,
  SessionName,
  Step,
  StepOutcome,
} from './scenarioTypes.js';

export interface RunOptions {
  host: string;
  port: number;
  /** Label stored in the transcript (e.g. "apache standalone"). */
  target: string;
  /** Longest wait for one reply before the step is recorded as a failure. */
  replyTimeoutMs?: number;
  /** How long awaitClose (and the close check after closeSession) waits for the server to hang up. */
  closeTimeoutMs?: number;
  /**
   * Text replaced in node data, for values that differ per run by construction (the ports an ensemble's
   * /zookeeper/config lists).
   */
  dataMasks?: readonly (readonly [string, string])[];
}

const sessionNames: readonly SessionName[] = ['A', 'B', 'C', 'D', 'E', 'F'];
const worldAll: ACL[] = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];

interface SessionState {
  name: SessionName;
  connection: ZkConnection | undefined;
  sessionId: bigint;
  passwd: Buffer;
  timeoutMs: number;
  lastZxid: bigint;
  log: SessionLogEntry[];
  /** The step whose reply this session is waiting for; its log entry may be written early (see onEvent). */
  inFlight: { step: number; logged: boolean } | undefined;
  /** Set while we drop the socket ourselves, so only closes the server chose are logged. */
  droppingOnPurpose: boolean;
  closeWaiters: (() => void)[];
}

class StepTimeout extends Error {}

function toAcl(specs: AclSpec[] | undefined): ACL[] {
  return specs === undefined ? worldAll : specs.map((a) => ({ perms: a.perms, id: { scheme: a.scheme, id: a.id } }));
}

function toData(data: string | null | undefined): Buffer | null {
  return data === undefined || data === null ? null : Buffer.from(data, 'utf8');
}

type ShowData = (data: Buffer | null) => RawValue;

/** Data as text when it is text, otherwise as hex, so the fixture stays readable. */
function dataShower(masks: readonly (readonly [string, string])[]): ShowData {
  return (data) => {
    if (data === null) return null;
    const text = data.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(data) || /[\u0000-\u0008\u000e-\u001f]/.test(text)) {
      return `hex:${data.toString('hex')}`;
    }
    return masks.reduce((masked, [from, to]) => masked.split(from).join(to), text);
  };
}

function statValue(stat: Stat): RawValue {
  return { ...stat };
}

function readStat(body: JuteReader): RawValue {
  return statValue(StatCodec.read(body));
}

function readAclList(body: JuteReader): RawValue {
  return body.readVector((r) => ACLCodec.read(r)).map((a) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id }));
}

const sorted = (names: string[]): string[] => [...names].sort();

function toMultiOp(op: MultiStepOp): MultiOp {
  switch (op.op) {
    case 'create':
    case 'create2':
    case 'createContainer':
    case 'createTTL':
      return {
        type: OpCode[op.op],
        request: {
          path: op.path,
          data: toData(op.data),
          acl: toAcl(op.acl),
          flags: op.mode ?? 0,
          ...(op.op === 'createTTL' ? { ttl: BigInt(op.ttl) } : {}),
        },
      };
    case 'delete':
    case 'check':
      return { type: OpCode[op.op], request: { path: op.path, version: op.version ?? -1 } };
    case 'setData':
      return { type: OpCode.setData, request: { path: op.path, data: toData(op.data), version: op.version ?? -1 } };
    case 'getData':
    case 'getChildren':
      return { type: OpCode[op.op], request: { path: op.path, watch: false } };
  }
}

/** Multi results keep the opcode the server put in each result header, not just the record shape. */
function readMultiResults(body: JuteReader, showData: ShowData): RawValue {
  const results: RawValue[] = [];
  for (;;) {
    const header = MultiHeaderCodec.read(body);
    if (header.done) {
      if (header.type !== -1 || header.err !== -1) results.push({ end: { type: header.type, err: header.err } });
      return results;
    }
    const base = { op: opCodeName(header.type), headerErr: header.err };
    switch (header.type) {
      case OpCode.create:
        results.push({ ...base, path: body.readString() });
        break;
      case OpCode.create2:
      case OpCode.createTTL:
      case OpCode.createContainer:
        results.push({ ...base, path: body.readString(), stat: readStat(body) });
        break;
      case OpCode.delete:
      case OpCode.deleteContainer:
      case OpCode.check:
        results.push(base);
        break;
      case OpCode.setData:
        results.push({ ...base, stat: readStat(body) });
        break;
      case OpCode.getData:
        results.push({ ...base, data: showData(body.readBuffer()), stat: readStat(body) });
        break;
      case OpCode.getChildren:
        results.push({ ...base, children: sorted(body.readStringVector()) });
        break;
      case OpCode.error:
        results.push({ ...base, err: body.readInt() });
        break;
      default:
        throw new Error(`multi result of unexpected type ${header.type}`);
    }
  }
}

interface Request {
  type: number;
  xid?: number;
  write?: (w: JuteWriter) => void;
  /** Decodes a successful reply body; the remainder, if any, is kept as hex. */
  read?: (body: JuteReader) => { [field: string]: RawValue };
}

function requestFor(step: Step, session: SessionState, showData: ShowData): Request {
  switch (step.op) {
    case 'create':
    case 'create2':
    case 'createContainer':
    case 'createTTL': {
      const a = step.args;
      const request = {
        path: a.path,
        data: toData(a.data),
        acl: toAcl(a.acl),
        flags: a.mode ?? 0,
        ...(step.op === 'createTTL' ? { ttl: BigInt(step.args.ttl) } : {}),
      };
      return {
        type: OpCode[step.op],
        write: (w) => (step.op === 'createTTL' ? CreateTTLRequestCodec : CreateRequestCodec).write(w, request),
        read:
          step.op === 'create'
            ? (r) => ({ path: r.readString() })
            : (r) => ({ path: r.readString(), stat: readStat(r) }),
      };
    }
    case 'delete':
    case 'check':
      return {
        type: OpCode[step.op],
        write: (w) => PathVersionRequestCodec.write(w, { path: step.args.path, version: step.args.version ?? -1 }),
      };
    case 'deleteContainer':
      return { type: OpCode.deleteContainer, write: (w) => PathRequestCodec.write(w, { path: step.args.path }) };
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getChildren2': {
      const args = { path: step.args.path, watch: step.args.watch ?? false };
      const readers: Record<typeof step.op, (r: JuteReader) => { [field: string]: RawValue }> = {
        exists: (r) => ({ stat: readStat(r) }),
        getData: (r) => ({ data: showData(r.readBuffer()), stat: readStat(r) }),
        getChildren: (r) => ({ children: sorted(r.readStringVector()) }),
        getChildren2: (r) => ({ children: sorted(r.readStringVector()), stat: readStat(r) }),
      };
      return {
        type: OpCode[step.op],
        write: (w) => PathWatchRequestCodec.write(w, args),
        read: readers[step.op],
      };
    }
    case 'setData':
      return {
        type: OpCode.setData,
        write: (w) =>
          SetDataRequestCodec.write(w, {
            path: step.args.path,
            data: toData(step.args.data),
            version: step.args.version ?? -1,
          }),
        read: (r) => ({ stat: readStat(r) }),
      };
    case 'getACL':
      return {
        type: OpCode.getACL,
        write: (w) => PathRequestCodec.write(w, { path: step.args.path }),
        read: (r) => ({ acl: readAclList(r), stat: readStat(r) }),
      };
    case 'setACL':
      return {
        type: OpCode.setACL,
        write: (w) =>
          SetACLRequestCodec.write(w, {
            path: step.args.path,
            acl: toAcl(step.args.acl),
            version: step.args.version ?? -1,
          }),
        read: (r) => ({ stat: readStat(r) }),
      };
    case 'getAllChildrenNumber':
      return {
        type: OpCode.getAllChildrenNumber,
        write: (w) => PathRequestCodec.write(w, { path: step.args.path }),
        read: (r) => ({ totalNumber: r.readInt() }),
      };
    case 'getEphemerals':
      return {
        type: OpCode.getEphemerals,
        write: (w) => GetEphemeralsRequestCodec.write(w, { prefixPath: step.args.prefix }),
        read: (r) => ({ ephemerals: sorted(r.readStringVector()) }),
      };
    case 'sync':
      return {
        type: OpCode.sync,
        write: (w) => PathRequestCodec.write(w, { path: step.args.path }),
        read: (r) => ({ path: r.readString() }),
      };
    case 'multi':
    case 'multiRead': {
      const ops = step.args.ops.map(toMultiOp);
      return {
        type: OpCode[step.op],
        write: (w) => writeMultiRequest(w, ops),
        read: (r) => ({ results: readMultiResults(r, showData) }),
      };
    }
    case 'setWatches':
    case 'setWatches2': {
      const a = step.args;
      const request = {
        relativeZxid: session.connection?.lastZxid ?? session.lastZxid,
        dataWatches: a.data ?? [],
        existWatches: a.exist ?? [],
        childWatches: a.child ?? [],
        persistentWatches: a.persistent ?? [],
        persistentRecursiveWatches: a.recursive ?? [],
      };
      const codec = step.op === 'setWatches' ? SetWatchesCodec : SetWatches2Codec;
      return { type: OpCode[step.op], xid: Xid.setWatches, write: (w) => codec.write(w, request) };
    }
    case 'addWatch':
      return {
        type: OpCode.addWatch,
        write: (w) => AddWatchRequestCodec.write(w, { path: step.args.path, mode: step.args.mode }),
        // Apache answers addWatch with an ErrorResponse record holding 0.
        read: (r) => ({ err: r.readInt() }),
      };
    case 'removeWatches':
    case 'checkWatches':
      return {
        type: OpCode[step.op],
        write: (w) => RemoveWatchesRequestCodec.write(w, { path: step.args.path, type: step.args.type }),
      };
    case 'auth':
      return {
        type: OpCode.auth,
        xid: Xid.auth,
        write: (w) =>
          AuthPacketCodec.write(w, { type: 0, scheme: step.args.scheme, auth: Buffer.from(step.args.auth, 'utf8') }),
      };
    case 'whoAmI':
      return {
        type: OpCode.whoAmI,
        read: (r) => ({
          clientInfo: r.readVector((x) => ({ authScheme: x.readString(), user: x.readString() })),
        }),
      };
    case 'ping':
      return { type: OpCode.ping, xid: Xid.ping };
    case 'closeSession':
      return { type: OpCode.closeSession };
    case 'raw': {
      const body = Buffer.from(step.args.bodyHex ?? '', 'hex');
      return { type: step.args.type, write: body.length > 0 ? (w) => w.writeRaw(body) : undefined };
    }
    default:
      throw new Error(`step op ${step.op} sends no request`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runScenario(steps: readonly Step[], options: RunOptions): Promise<RawTranscript> {
  const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 3_000;
  const sessions = new Map<SessionName, SessionState>(
    sessionNames.map((name) => [
      name,
      {
        name,
        connection: undefined,
        sessionId: 0n,
        passwd: Buffer.alloc(16),
        timeoutMs: 0,
        lastZxid: 0n,
        log: [],
        inFlight: undefined,
        droppingOnPurpose: false,
        closeWaiters: [],
      },
    ]),
  );
  const sessionIds = Object.fromEntries(sessionNames.map((n) => [n, [] as bigint[]])) as Record<SessionName, bigint[]>;
  const outcomes: StepOutcome[] = [];
  const showData = dataShower(options.dataMasks ?? []);
  const startedAt = Date.now();

  const attach = (session: SessionState, connection: ZkConnection): void => {
    session.connection = connection;
    connection.on('event', (event: WatcherEvent) => {
      if (session.connection !== connection) return;
      // A reply and a later event can arrive in one chunk: the event is emitted synchronously while our await on
      // the reply resumes only afterwards. The request having left the pending queue shows the reply came first.
      const flight = session.inFlight;
      if (flight !== undefined && !flight.logged && connection.outstanding === 0) {
        session.log.push({ kind: 'reply', step: flight.step });
        flight.logged = true;
      }
      session.log.push({ kind: 'event', type: event.type, state: event.state, path: event.path });
    });
    connection.on('close', () => {
      if (session.connection !== connection) return;
      session.connection = undefined;
      if (!session.droppingOnPurpose) session.log.push({ kind: 'closed' });
      for (const waiter of session.closeWaiters.splice(0)) waiter();
    });
  };

  const drop = (session: SessionState): void => {
    const connection = session.connection;
    if (connection === undefined) return;
    session.lastZxid = connection.lastZxid > session.lastZxid ? connection.lastZxid : session.lastZxid;
    session.droppingOnPurpose = true;
    connection.destroy();
    session.droppingOnPurpose = false;
    session.connection = undefined;
  };

  const waitForClose = async (session: SessionState): Promise<boolean> => {
    if (session.connection === undefined) return true;
    const closed = new Promise<boolean>((resolve) => session.closeWaiters.push(() => resolve(true)));
    return Promise.race([closed, sleep(closeTimeoutMs).then(() => false)]);
  };

  const open = async (session: SessionState, resume: boolean, outcome: StepOutcome): Promise<void> => {
    try {
      const connection = await ZkConnection.connect({
        host: options.host,
        port: options.port,
        sessionTimeout: session.timeoutMs,
        connectTimeoutMs: replyTimeoutMs,
        ...(resume ? { sessionId: session.sessionId, passwd: session.passwd, lastZxidSeen: session.lastZxid } : {}),
      });
      attach(session, connection);
      session.sessionId = connection.sessionId;
      session.passwd = connection.passwd;
      sessionIds[session.name].push(connection.sessionId);
      outcome.code = ErrorCode.ok;
      outcome.body = {
        sessionId: connection.sessionId,
        negotiatedTimeout: connection.negotiatedTimeout,
        passwdLength: connection.passwd.length,
        readOnly: connection.readOnly,
      };
    } catch (err) {
      if (err instanceof SessionExpiredError) outcome.code = ErrorCode.sessionExpired;
      else if (err instanceof ConnectionLossError) outcome.code = ErrorCode.connectionLoss;
      else throw err;
    }
  };

  const send = async (session: SessionState, step: Step, outcome: StepOutcome): Promise<void> => {
    const connection = session.connection;
    if (connection === undefined) {
      outcome.failure = 'not connected';
      return;
    }
    const request = requestFor(step, session, showData);
    const flight = { step: outcome.index, logged: false };
    session.inFlight = flight;
    try {
      const reply = await withTimeout(
        connection.request(request.type, request.write, request.xid),
        step.replyTimeoutMs ?? replyTimeoutMs,
        `${step.op} on session ${session.name}`,
      );
      if (!flight.logged) session.log.push({ kind: 'reply', step: outcome.index });
      flight.logged = true;
      const { xid, zxid, err } = reply.header;
      outcome.header = { xid, zxid, err };
      const body = reply.body;
      if (err === 0 && request.read !== undefined) {
        try {
          outcome.body = request.read(body);
        } catch (error) {
          outcome.body = { decodeError: (error as Error).message };
        }
      }
      // The reader exposes no raw bytes; a count is enough to flag a body Apache would not send.
      if (body.remaining > 0) outcome.body = { ...(outcome.body ?? {}), unreadBodyBytes: body.remaining };
    } catch (error) {
      if (error instanceof StepTimeout) {
        outcome.failure = 'timeout';
        drop(session);
      } else if (error instanceof ConnectionLossError) {
        outcome.failure = 'connection lost';
      } else {
        throw error;
      }
    } finally {
      session.inFlight = undefined;
    }
  };

  for (const [index, step] of steps.entries()) {
    const session = sessions.get(step.session)!;
    const outcome: StepOutcome = { index, session: step.session, op: step.op, sentAt: Date.now(), receivedAt: 0 };
    switch (step.op) {
      case 'connect':
        drop(session);
        session.timeoutMs = step.args.timeoutMs;
        session.lastZxid = 0n;
        await open(session, false, outcome);
        break;
      case 'reconnect':
        drop(session);
        await open(session, true, outcome);
        break;
      case 'destroy':
        drop(session);
        outcome.code = ErrorCode.ok;
        break;
      case 'awaitClose':
        outcome.code = (await waitForClose(session)) ? ErrorCode.ok : ErrorCode.operationTimeout;
        break;
      case 'awaitEvent': {
        const { type, path, timeoutMs } = step.args;
        const arrived = (): boolean => {
          const log = session.log;
          for (let i = log.length - 1; i >= 0 && log[i]!.kind !== 'reply'; i--) {
            const entry = log[i]!;
            if (entry.kind === 'event' && entry.type === type && entry.path === path) return true;
          }
          return false;
        };
        const deadline = Date.now() + timeoutMs;
        while (!arrived() && Date.now() < deadline) await sleep(20);
        outcome.code = arrived() ? ErrorCode.ok : ErrorCode.operationTimeout;
        break;
      }
      case 'closeSession': {
        await send(session, step, outcome);
        // The server hangs up after answering; recording whether it did keeps the session logs comparable.
        const closed = outcome.header !== undefined && (await waitForClose(session));
        outcome.body = { ...(outcome.body ?? {}), serverClosedConnection: closed };
        if (!closed) drop(session);
        break;
      }
      default:
        await send(session, step, outcome);
        if (session.connection !== undefined) session.lastZxid = session.connection.lastZxid;
    }
    outcome.receivedAt = Date.now();
    outcomes.push(outcome);
  }

  for (const session of sessions.values()) drop(session);
  return {
    target: options.target,
    startedAt,
    finishedAt: Date.now(),
    steps: outcomes,
    sessionLogs: Object.fromEntries([...sessions].map(([name, s]) => [name, s.log])) as Record<
      SessionName,
      SessionLogEntry[]
    >,
    sessionIds,
  };
}

