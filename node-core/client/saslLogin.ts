// The client half of ZooKeeper's SASL exchange (DIGEST-MD5), run on each new connection before anything else, as
// the Java client does with a JAAS Client section and kazoo with sasl_options.
import { OpCode, SaslTokenCodec } from '../protocol/index.js';
import { SaslError, digestMd5Response } from '../protocol/saslDigestMd5.js';
import type { ZkConnection } from './zkConnection.js';

export interface SaslCredentials {
  mechanism: 'DIGEST-MD5';
  username: string;
  password: string;
}

async function exchange(connection: ZkConnection, token: Buffer): Promise<Buffer | undefined> {
  const reply = await connection.request(OpCode.sasl, (w) => SaslTokenCodec.write(w, { token }));
  if (reply.header.err !== 0) return undefined;
  return SaslTokenCodec.read(reply.body).token ?? Buffer.alloc(0);
}

/** 'authFailed' when the server refuses the password, or cannot prove it knows it (a wrong rspauth). */
export async function saslLogin(connection: ZkConnection, credentials: SaslCredentials): Promise<'ok' | 'authFailed'> {
  const challenge = await exchange(connection, Buffer.alloc(0));
  if (challenge === undefined) return 'authFailed';
  let answer;
  try {
    answer = digestMd5Response(challenge, credentials.username, credentials.password);
  } catch (error) {
    if (error instanceof SaslError) return 'authFailed';
    throw error;
  }
  const rspauth = await exchange(connection, answer.token);
  return rspauth !== undefined && answer.verifyRspauth(rspauth) ? 'ok' : 'authFailed';
}
