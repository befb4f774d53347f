// The JAAS login configuration file ZooKeeper's SASL setup is written in (java.security.auth.login.config):
//
//   Server {
//     org.apache.zookeeper.server.auth.DigestLoginModule required
//     user_bob="bobsecret";
//   };
//
// Only what DIGEST-MD5 needs is used (the users of the server section, or a client's username and password), but the
// whole grammar is read so that a Kerberos file is refused with a clear message rather than misread.

export interface JaasLoginModule {
  className: string;
  flag: string;
  options: Map<string, string>;
}

export class JaasConfigError extends Error {}

const digestLoginModule = 'org.apache.zookeeper.server.auth.DigestLoginModule';

interface Token {
  text: string;
  quoted: boolean;
  line: number;
}

function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (source.startsWith('//', i) || c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new JaasConfigError(`${file}:${line}: unterminated comment`);
      line += source.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === '"') {
      const start = line;
      let text = '';
      for (i++; i < source.length && source[i] !== '"'; i++) {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        if (source[i] === '\n') line++;
        text += source[i];
      }
      if (i >= source.length) throw new JaasConfigError(`${file}:${start}: unterminated string`);
      i++;
      tokens.push({ text, quoted: true, line: start });
    } else if ('{};='.includes(c)) {
      tokens.push({ text: c, quoted: false, line });
      i++;
    } else {
      let text = '';
      while (i < source.length && !/\s/.test(source[i]!) && !'{};="'.includes(source[i]!)) text += source[i++];
      tokens.push({ text, quoted: false, line });
    }
  }
  return tokens;
}

/** Every section of the file by name, each a list of login modules with their options. */
export function parseJaasConfig(source: string, file = 'jaas.conf'): Map<string, JaasLoginModule[]> {
  const tokens = tokenize(source, file);
  const sections = new Map<string, JaasLoginModule[]>();
  let i = 0;
  const next = (what: string): Token => {
    const token = tokens[i++];
    if (token === undefined) throw new JaasConfigError(`${file}: ended where ${what} was expected`);
    return token;
  };
  const expect = (text: string) => {
    const token = next(`"${text}"`);
    if (token.quoted || token.text !== text) throw new JaasConfigError(`${file}:${token.line}: expected "${text}", found "${token.text}"`);
  };
  while (i < tokens.length) {
    const name = next('a section name');
    expect('{');
    const modules: JaasLoginModule[] = [];
    while (tokens[i]?.text !== '}' || tokens[i]?.quoted) {
      const className = next('a login module class');
      const flag = next('a control flag');
      if (!['required', 'requisite', 'sufficient', 'optional'].includes(flag.text)) {
        throw new JaasConfigError(`${file}:${flag.line}: "${flag.text}" is not a control flag (required, requisite, sufficient, optional)`);
      }
      const options = new Map<string, string>();
      while (tokens[i]?.text !== ';' || tokens[i]?.quoted) {
        const key = next('an option or ";"');
        expect('=');
        options.set(key.text, next(`the value of ${key.text}`).text);
      }
      expect(';');
      modules.push({ className: className.text, flag: flag.text, options });
    }
    expect('}');
    if (tokens[i]?.text === ';' && !tokens[i]?.quoted) i++;
    sections.set(name.text, modules);
  }
  return sections;
}

/** The user → password table of a server section (DigestLoginModule's user_<name> options). */
export function digestUsers(sections: Map<string, JaasLoginModule[]>, section: string, file: string): Map<string, string> {
  const modules = sections.get(section);
  if (modules === undefined) throw new JaasConfigError(`${file}: no "${section}" section (ZooKeeper's server section)`);
  const digest = modules.find((m) => m.className === digestLoginModule);
  if (digest === undefined) {
    const names = modules.map((m) => m.className).join(', ');
    throw new JaasConfigError(`${file}: section "${section}" uses ${names}; Paddock supports SASL only as DIGEST-MD5 through ${digestLoginModule}`);
  }
  const users = new Map<string, string>();
  for (const [key, value] of digest.options) if (key.startsWith('user_')) users.set(key.slice('user_'.length), value);
  return users;
}
