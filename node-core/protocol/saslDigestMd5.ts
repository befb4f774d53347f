// SASL DIGEST-MD5 (RFC 2831) as ZooKeeper uses it: qop "auth" only, realm and host fixed to "zk-sasl-md5" and the
// service "zookeeper" (ZooKeeper hard-codes them rather than use the host name, and kazoo and the Java client
// follow). Both halves live here so the server and Paddock's client compute the same digests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const zkSaslServerName = 'zk-sasl-md5';
export const zkSaslProtocol = 'zookeeper';
const digestUri = `${zkSaslProtocol}/${zkSaslServerName}`;

export class SaslError extends Error {}

/** Parses `key=value,key="quoted, value"` directives; a repeated key is a protocol error, as RFC 2831 says. */
export function parseDirectives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ',' || text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new SaslError(`malformed directive at offset ${i}`);
    const key = text.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let value = '';
    if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        value += text[i] ?? '';
      }
      if (text[i] !== '"') throw new SaslError(`unterminated quoted value of ${key}`);
      i++;
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end < 0 ? text.length : end).trim();
      i = end < 0 ? text.length : end;
    }
    if (out.has(key)) throw new SaslError(`directive ${key} given twice`);
    out.set(key, value);
  }
  return out;
}

/** RFC 2831 2.1.2.1: with charset=utf-8, a string that fits ISO 8859-1 is still hashed as ISO 8859-1. */
function credentialBytes(text: string): Buffer {
  return [...text].every((c) => c.codePointAt(0)! <= 0xff) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

const md5 = (data: Buffer | string): Buffer => createHash('md5').update(data).digest();
const md5Hex = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');

export interface DigestInputs {
  username: string;
  realm: string;
  password: string;
  nonce: string;
  cnonce: string;
  nc: string;
  authzid: string | undefined;
}

/** The response value (a2Prefix "AUTHENTICATE") or the server's rspauth (a2Prefix ""), for any digest-uri. */
export function digestMd5Value(inputs: DigestInputs, a2Prefix: string, uri = digestUri): string {
  const secret = md5(credentialBytes(`${inputs.username}:${inputs.realm}:${inputs.password}`));
  const a1Tail = `:${inputs.nonce}:${inputs.cnonce}${inputs.authzid !== undefined ? `:${inputs.authzid}` : ''}`;
  const ha1 = md5Hex(Buffer.concat([secret, Buffer.from(a1Tail, 'utf8')]));
  const ha2 = md5Hex(`${a2Prefix}:${uri}`);
  return md5Hex(`${ha1}:${inputs.nonce}:${inputs.nc}:${inputs.cnonce}:auth:${ha2}`);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SaslStep {
  /** The token to send back (null: nothing). */
  token: Buffer | null;
  /** Set once the client is authenticated: the id its "sasl" ACL entries name. */
  authorizationId?: string;
}

/**
 * One connection's server side of the exchange: an empty first token gets the challenge, the client's response is
 * verified against the user's password and answered with rspauth. Throws SaslError on anything else.
 */
export class DigestMd5Server {
  private nonce: string | undefined;
  private completeId: string | undefined;

  constructor(private readonly passwordOf: (user: string) => string | undefined) {}

  get complete(): boolean {
    return this.completeId !== undefined;
  }

  evaluate(token: Buffer): SaslStep {
    if (this.completeId !== undefined) return { token: null, authorizationId: this.completeId };
    if (this.nonce === undefined) {
      this.nonce = randomBytes(24).toString('base64');
      const challenge = `realm="${zkSaslServerName}",nonce="${this.nonce}",qop="auth",charset=utf-8,algorithm=md5-sess`;
      return { token: Buffer.from(challenge, 'utf8') };
    }
    const d = parseDirectives(token.toString('utf8'));
    const username = d.get('username');
    if (username === undefined || username === '') throw new SaslError('DIGEST-MD5: no username in the response');
    const password = this.passwordOf(username);
    if (password === undefined) throw new SaslError(`DIGEST-MD5: unknown user ${username}`);
    if (d.get('nonce') !== this.nonce) throw new SaslError('DIGEST-MD5: nonce does not match the challenge');
    if ((d.get('realm') ?? zkSaslServerName) !== zkSaslServerName) throw new SaslError(`DIGEST-MD5: unknown realm ${d.get('realm')}`);
    if ((d.get('qop') ?? 'auth') !== 'auth') throw new SaslError(`DIGEST-MD5: qop ${d.get('qop')} is not offered`);
    if (d.get('digest-uri') !== digestUri) throw new SaslError(`DIGEST-MD5: digest-uri ${d.get('digest-uri')} is not ${digestUri}`);
    const nc = d.get('nc') ?? '';
    if (parseInt(nc, 16) !== 1) throw new SaslError('DIGEST-MD5: nonce count must be 1');
    const cnonce = d.get('cnonce');
    if (cnonce === undefined || cnonce === '') throw new SaslError('DIGEST-MD5: no cnonce');
    const authzid = d.get('authzid');
    // ZooKeeper's callback handler authorizes a user only as itself.
    if (authzid !== undefined && authzid !== username) throw new SaslError(`DIGEST-MD5: ${username} may not act as ${authzid}`);
    const inputs: DigestInputs = { username, realm: d.get('realm') ?? zkSaslServerName, password, nonce: this.nonce, cnonce, nc, authzid };
    if (!sameText(digestMd5Value(inputs, 'AUTHENTICATE'), (d.get('response') ?? '').toLowerCase())) {
      throw new SaslError(`DIGEST-MD5: wrong password for ${username}`);
    }
    this.completeId = username;
    return { token: Buffer.from(`rspauth=${digestMd5Value(inputs, '')}`, 'utf8'), authorizationId: username };
  }
}

/** The client's answer to a server challenge; `verifyRspauth` then checks the server's final token. */
export function digestMd5Response(
  challenge: Buffer,
  username: string,
  password: string,
  cnonce = randomBytes(24).toString('base64'),
): { token: Buffer; verifyRspauth(token: Buffer): boolean } {
  const c = parseDirectives(challenge.toString('utf8'));
  const nonce = c.get('nonce');
  if (nonce === undefined) throw new SaslError('DIGEST-MD5: the challenge has no nonce');
  const qops = (c.get('qop') ?? 'auth').split(',').map((q) => q.trim());
  if (!qops.includes('auth')) throw new SaslError(`DIGEST-MD5: the server offers only ${qops.join(',')}`);
  const realm = c.get('realm') ?? zkSaslServerName;
  const inputs: DigestInputs = { username, realm, password, nonce, cnonce, nc: '00000001', authzid: undefined };
  const quote = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`;
  const response =
    `charset=utf-8,username=${quote(username)},realm=${quote(realm)},nonce=${quote(nonce)},nc=00000001,` +
    `cnonce=${quote(cnonce)},digest-uri=${quote(digestUri)},maxbuf=65536,response=${digestMd5Value(inputs, 'AUTHENTICATE')},qop=auth`;
  return {
    token: Buffer.from(response, 'utf8'),
    verifyRspauth: (token) => parseDirectives(token.toString('utf8')).get('rspauth') === digestMd5Value(inputs, ''),
  };
}
