// The JAAS file reader: ZooKeeper's documented DIGEST-MD5 server section, comments, several sections, and a
// Kerberos or malformed file refused with the line.
import { describe, expect, it } from 'vitest';
import { JaasConfigError, digestUsers, parseJaasConfig } from '../../../../node-core/server/config/jaasConfig.js';

const file = `
// the server side, as ZooKeeper's SASL guide writes it
Server {
       org.apache.zookeeper.server.auth.DigestLoginModule required
       user_super="adminsecret"
       user_bob="bob;secret";
};
/* a client section
   spread over lines */
Client {
       org.apache.zookeeper.server.auth.DigestLoginModule required
       username="bob"
       password="bob;secret";
};
`;

describe('JAAS config', () => {
  it('reads every section and the DIGEST-MD5 users of the server section', () => {
    const sections = parseJaasConfig(file);
    expect([...sections.keys()]).toEqual(['Server', 'Client']);
    expect(sections.get('Client')![0]!.options.get('password')).toBe('bob;secret');
    expect(digestUsers(sections, 'Server', 'jaas.conf')).toEqual(new Map([['super', 'adminsecret'], ['bob', 'bob;secret']]));
  });

  it('refuses Kerberos, a missing section and a malformed file with the line', () => {
    const kerberos = parseJaasConfig('Server { com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true; };');
    expect(() => digestUsers(kerberos, 'Server', 'jaas.conf')).toThrow(/DIGEST-MD5/);
    expect(() => digestUsers(kerberos, 'QuorumServer', 'jaas.conf')).toThrow(/no "QuorumServer" section/);
    expect(() => parseJaasConfig('Server {\n  org.X maybe;\n};', 'j.conf')).toThrow(new JaasConfigError('j.conf:2: "maybe" is not a control flag (required, requisite, sufficient, optional)'));
    expect(() => parseJaasConfig('Server {\n org.X required user_a="x', 'j.conf')).toThrow(/j.conf:2: unterminated string/);
  });
});
