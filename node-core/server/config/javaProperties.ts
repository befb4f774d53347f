// java.util.Properties syntax as zoo.cfg uses it: comments, `=`/`:`/whitespace separators, backslash escapes and
// continuation lines, with the line each key starts on so errors can name it. Knows nothing of zoo.cfg's keys.

export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line where the logical line (and so the key) starts. */
  line: number;
}

function unescapeProperty(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= text.length) break;
    const e = text[i];
    if (e === 'u') {
      const hex = text.slice(i + 1, i + 5);
      // Java throws on a malformed \u escape; keeping the characters is kinder and the value is validated later.
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      } else {
        out += 'u';
      }
    } else if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 'f') out += '\f';
    else out += e;
  }
  return out;
}

const PROP_WS = new Set([' ', '\t', '\f']);

/** Splits Properties text into key/value entries: comments, `=`/`:`/whitespace separators, backslash continuations. */
export function parseProperties(text: string): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = lines[i].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    // A line continues when it ends in an odd number of backslashes; comment lines never continue.
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);

    let k = 0;
    let keyEnd = -1;
    let valueStart = logical.length;
    while (k < logical.length) {
      const c = logical[k];
      if (c === '\\') {
        k += 2;
        continue;
      }
      if (c === '=' || c === ':') {
        keyEnd = k;
        valueStart = k + 1;
        break;
      }
      if (PROP_WS.has(c)) {
        keyEnd = k;
        let j = k;
        while (j < logical.length && PROP_WS.has(logical[j])) j++;
        if (j < logical.length && (logical[j] === '=' || logical[j] === ':')) j++;
        valueStart = j;
        break;
      }
      k++;
    }
    if (keyEnd < 0) keyEnd = logical.length;
    let v = valueStart;
    while (v < logical.length && PROP_WS.has(logical[v])) v++;
    entries.push({
      key: unescapeProperty(logical.slice(0, keyEnd)),
      value: unescapeProperty(logical.slice(v)),
      line: startLine,
    });
  }
  return entries;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

export function escapePropertyValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if (c === ' ' && i === 0) out += '\\ ';
    else out += c;
  }
  return out;
}
