// Guesses how a znode's bytes are best shown (text, JSON, YAML, XML or binary) so the GUI can pick an editor.
import type { DataFormat } from './contract.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  // Control characters other than tab, newline and carriage return mean the bytes are not meant as text.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function looksLikeXml(text: string): boolean {
  const t = text.trim();
  return /^<(\?xml|[A-Za-z_][\w.:-]*)[\s\S]*>$/.test(t) && /<\/[A-Za-z_][\w.:-]*\s*>$|\/>$|\?>$/.test(t);
}

function looksLikeYaml(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length === 0) return false;
  if (lines[0]!.trim() === '---') return true;
  // A single "key: value" line is as likely plain text; ask for structure across at least two lines.
  if (lines.length < 2) return false;
  return lines.every((l) => /^\s*(- |-$|[\w."'/-]+:(\s|$))/.test(l));
}

export function detectDataFormat(data: Uint8Array | null): DataFormat {
  if (data === null || data.length === 0) return 'text';
  const text = decodeText(data);
  if (text === undefined) return 'binary';
  if (looksLikeJson(text)) return 'json';
  if (looksLikeXml(text)) return 'xml';
  if (looksLikeYaml(text)) return 'yaml';
  return 'text';
}
