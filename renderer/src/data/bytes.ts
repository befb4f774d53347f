// Byte helpers for znode data in the browser: base64 (how the API carries bytes) to and from Uint8Array, and text
// in the charsets the node panel offers.
export function base64ToBytes(base64: string | null): Uint8Array {
  if (base64 === null || base64 === '') return new Uint8Array(0);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list well under the engine's limit for large nodes.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export type Charset = 'utf-8' | 'iso-8859-1' | 'utf-16le' | 'gbk';
export const charsets: readonly Charset[] = ['utf-8', 'iso-8859-1', 'utf-16le', 'gbk'];

/** GBK has a decoder in every browser but no encoder, so text in it is shown, not edited. */
export function canEncode(charset: Charset): boolean {
  return charset !== 'gbk';
}

export function decodeText(bytes: Uint8Array, charset: Charset): string {
  // latin1 maps each byte to the code point of the same value (TextDecoder's "iso-8859-1" is windows-1252).
  if (charset === 'iso-8859-1') {
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return text;
  }
  return new TextDecoder(charset).decode(bytes);
}

export function encodeText(text: string, charset: Charset): Uint8Array {
  switch (charset) {
    case 'utf-8':
      return new TextEncoder().encode(text);
    case 'iso-8859-1': {
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0xff) throw new Error(`"${text[i]}" cannot be written in ISO-8859-1`);
        bytes[i] = code;
      }
      return bytes;
    }
    case 'utf-16le': {
      const bytes = new Uint8Array(text.length * 2);
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        bytes[2 * i] = code & 0xff;
        bytes[2 * i + 1] = code >> 8;
      }
      return bytes;
    }
    case 'gbk':
      throw new Error('GBK text can be viewed but not saved; pick UTF-8 to edit');
  }
}

/** A classic hex dump: offset, 16 bytes in hex, and their printable ASCII. */
export function hexDump(bytes: Uint8Array, maxBytes = 64 * 1024): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, maxBytes);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
  return lines.join('\n');
}

export function formatBytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1024 / 1024).toFixed(1)} MiB`;
}
