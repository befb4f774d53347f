// Refuses, before anything is sent, a write whose request cannot fit in a server's jute.maxbuffer: the server would
// drop the connection instead of answering, and the user would see "connection lost" seconds later with no cause.
import { apiFailure } from './apiError.js';

/** ZooKeeper's default jute.maxbuffer (0xfffff bytes), the bound a server puts on one incoming request. */
export const defaultJuteMaxBuffer = 0xfffff;
/** Request header, length prefixes, ACL list and flags around the path and the data; generous on purpose. */
const requestOverheadBytes = 1024;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

export function refuseOversizedData(path: string, dataBytes: number, maxBuffer = defaultJuteMaxBuffer): void {
  const requestBytes = dataBytes + Buffer.byteLength(path) + requestOverheadBytes;
  if (requestBytes <= maxBuffer) return;
  throw apiFailure(
    'dataTooLarge',
    `Not sent: ${dataBytes.toLocaleString('en')} bytes (${megabytes(dataBytes)}) of data is more than a ZooKeeper request may carry ` +
      `(jute.maxbuffer, ${maxBuffer.toLocaleString('en')} bytes by default, including about 1 KB of request overhead). ` +
      'Store less in one node, or raise jute.maxbuffer on every server and client.',
    { path },
  );
}
