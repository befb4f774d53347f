// DIGEST-MD5 against RFC 2831's worked example (computed there independently of this code), and the server half
// against the client half through a whole exchange, including every way a response can be wrong.
import { describe, expect, it } from 'vitest';
import {
  DigestMd5Server,
  SaslError,
  digestMd5Response,
  digestMd5Value,
  parseDirectives,
} from '../../../node-core/protocol/saslDigestMd5.js';

describe('DIGEST-MD5 digests', () => {
  // RFC 2831 section 4: chris/secret at elwood.innosoft.com, IMAP.
  const example = {
    username: 'chris',
    realm: 'elwood.innosoft.com',
    password: 'secret',
    nonce: 'OA6MG9tEQGm2hh',
    cnonce: 'OA6MHXh6VqTrRk',
    nc: '00000001',
    authzid: undefined,
  };

  it('computes the response and rspauth of RFC 2831 section 4', () => {
    expect(digestMd5Value(example, 'AUTHENTICATE', 'imap/elwood.innosoft.com')).toBe('d388dad90d4bbd760a152321f2143af7');
    expect(digestMd5Value(example, '', 'imap/elwood.innosoft.com')).toBe('ea40f60335c427b5527b84dbabcdfffd');
  });

  it('parses quoted, escaped and bare directives, and refuses a repeated one', () => {
    const d = parseDirectives('realm="a,b",nonce="x\\"y",qop=auth, charset=utf-8');
    expect(Object.fromEntries(d)).toEqual({ realm: 'a,b', nonce: 'x"y', qop: 'auth', charset: 'utf-8' });
    expect(() => parseDirectives('nonce="a",nonce="b"')).toThrow(SaslError);
  });
});

describe('DIGEST-MD5 server', () => {
  const users = new Map([['bob', 'bobsecret']]);
  const server = () => new DigestMd5Server((user) => users.get(user));

  it('challenges an empty first token, accepts the right password and proves itself with rspauth', () => {
    const s = server();
    const challenge = s.evaluate(Buffer.alloc(0));
    const d = parseDirectives(challenge.token!.toString());
    expect(d.get('realm')).toBe('zk-sasl-md5');
    expect(d.get('qop')).toBe('auth');
    const answer = digestMd5Response(challenge.token!, 'bob', 'bobsecret');
    const final = s.evaluate(answer.token);
    expect(final.authorizationId).toBe('bob');
    expect(s.complete).toBe(true);
    expect(answer.verifyRspauth(final.token!)).toBe(true);
  });

  it('refuses a wrong password, an unknown user and a replayed nonce', () => {
    for (const [user, password] of [
      ['bob', 'wrong'],
      ['eve', 'bobsecret'],
    ] as const) {
      const s = server();
      const challenge = s.evaluate(Buffer.alloc(0)).token!;
      expect(() => s.evaluate(digestMd5Response(challenge, user, password).token)).toThrow(SaslError);
      expect(s.complete).toBe(false);
    }
    const first = server();
    const answer = digestMd5Response(first.evaluate(Buffer.alloc(0)).token!, 'bob', 'bobsecret');
    const second = server();
    second.evaluate(Buffer.alloc(0));
    expect(() => second.evaluate(answer.token)).toThrow(/nonce/);
  });
});
