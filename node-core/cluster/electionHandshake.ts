// Rewrites the first message on a leader-election connection so a peer's call-back goes through a proxy too.
// A ZooKeeper server opening an election connection first sends {long protocolVersion, long sid, int length,
// "host:port" of its own election address}; when the receiver has the higher sid it drops the connection and dials
// back to that advertised address, which would bypass the supervisor's proxies (and with them isolate/cutLink).

const PROTOCOL_VERSION_V1 = -65536n;
const PROTOCOL_VERSION_V2 = -65535n;
/** Real servers send one or a few addresses; anything longer is not a handshake we understand. */
const MAX_ADDRESS_BYTES = 4096;

export type HandshakeResult =
  /** More bytes are needed before deciding. */
  | { kind: 'incomplete' }
  /** Forward these bytes (the rewritten header and whatever followed it) and stop inspecting. */
  | { kind: 'done'; bytes: Buffer; sid: bigint | undefined };

/**
 * Looks at the bytes a connecting server has sent so far; once the initial message is complete, replaces its
 * advertised election address with `replacementAddress` ("host:port"). Old-style headers (a bare sid) and
 * anything unrecognised pass through unchanged.
 */
export function rewriteInitialMessage(received: Buffer, replacementAddress: string): HandshakeResult {
  if (received.length < 8) return { kind: 'incomplete' };
  const version = received.readBigInt64BE(0);
  if (version >= 0n) return { kind: 'done', bytes: received, sid: version };
  if (version !== PROTOCOL_VERSION_V1 && version !== PROTOCOL_VERSION_V2) {
    return { kind: 'done', bytes: received, sid: undefined };
  }
  if (received.length < 20) return { kind: 'incomplete' };
  const sid = received.readBigInt64BE(8);
  const length = received.readInt32BE(16);
  if (length <= 0 || length > MAX_ADDRESS_BYTES) return { kind: 'done', bytes: received, sid };
  if (received.length < 20 + length) return { kind: 'incomplete' };
  const address = Buffer.from(replacementAddress, 'utf8');
  const header = Buffer.alloc(20);
  header.writeBigInt64BE(version, 0);
  header.writeBigInt64BE(sid, 8);
  header.writeInt32BE(address.length, 16);
  return { kind: 'done', bytes: Buffer.concat([header, address, received.subarray(20 + length)]), sid };
}
