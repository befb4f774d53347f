// The jute byte codec shared by server, client, quorum links, benchmarks and tests (DESIGN rule 2: one codec).
export { JuteReader } from './juteReader.js';
export { JuteWriter } from './juteWriter.js';
export { JuteError } from './juteError.js';
export { FrameDecoder, defaultMaxBuffer } from './frameDecoder.js';
