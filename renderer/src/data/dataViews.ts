// The node panel's ways of showing a znode's bytes (text, pretty JSON, YAML, XML, hex, base64) and how an edited
// view turns back into bytes; hex is read-only.
import type { DataFormat } from '../../../node-core/api/contract.js';
import { base64ToBytes, bytesToBase64, decodeText, encodeText, hexDump, type Charset } from './bytes.js';

export type DataView = 'text' | 'json' | 'yaml' | 'xml' | 'hex' | 'base64';
export const dataViews: readonly DataView[] = ['text', 'json', 'yaml', 'xml', 'hex', 'base64'];

export function defaultView(format: DataFormat): DataView {
  return format === 'binary' ? 'hex' : format;
}

export function isEditableView(view: DataView): boolean {
  return view !== 'hex';
}

/** Indents XML one level per nested element; an element holding only text stays on one line. */
export function prettyXml(xml: string): string {
  const tokens = xml.match(/<[^>]+>|[^<]+/g)?.map((t) => t.trim()).filter((t) => t !== '') ?? [];
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const isTag = token.startsWith('<');
    const closing = token.startsWith('</');
    const standalone = token.endsWith('/>') || token.startsWith('<?') || token.startsWith('<!');
    const text = tokens[i + 1];
    const close = tokens[i + 2];
    if (isTag && !closing && !standalone && text !== undefined && !text.startsWith('<') && close?.startsWith('</') === true) {
      out.push('  '.repeat(depth) + token + text + close);
      i += 2;
      continue;
    }
    if (closing) depth = Math.max(0, depth - 1);
    out.push('  '.repeat(depth) + token);
    if (isTag && !closing && !standalone) depth++;
  }
  return out.join('\n');
}

export interface RenderedData {
  text: string;
  /** Why the chosen view could not show the data as intended (e.g. the bytes are not valid JSON). */
  warning?: string;
}

export function renderData(base64: string | null, view: DataView, charset: Charset): RenderedData {
  const bytes = base64ToBytes(base64);
  switch (view) {
    case 'hex':
      return { text: hexDump(bytes) };
    case 'base64':
      return { text: base64 ?? '' };
    case 'json': {
      const text = decodeText(bytes, charset);
      try {
        return { text: text.trim() === '' ? text : JSON.stringify(JSON.parse(text), null, 2) };
      } catch (error) {
        return { text, warning: `not valid JSON: ${(error as Error).message}` };
      }
    }
    case 'xml': {
      const text = decodeText(bytes, charset);
      return { text: text.trim().startsWith('<') ? prettyXml(text) : text };
    }
    case 'yaml':
    case 'text':
      return { text: decodeText(bytes, charset) };
  }
}

/** The bytes to save for an edited view, as base64; throws with a reason the user can act on. */
export function encodeEdited(text: string, view: DataView, charset: Charset): string {
  switch (view) {
    case 'hex':
      throw new Error('the hex view is read-only');
    case 'base64': {
      const compact = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new Error('this is not valid base64');
      return bytesToBase64(base64ToBytes(compact));
    }
    case 'json':
      if (text.trim() !== '') JSON.parse(text);
      return bytesToBase64(encodeText(text, charset));
    default:
      return bytesToBase64(encodeText(text, charset));
  }
}

export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}
