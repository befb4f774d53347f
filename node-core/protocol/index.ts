// Opcodes, error codes, constants and records of ZooKeeper's client protocol, shared by server, client and tests.
export * from './opCodes.js';
export * from './errorCodes.js';
export * from './constants.js';
export * from './records.js';
export * from './multiOps.js';
export * from './requestBodies.js';
export * from './quorumPackets.js';
export * from './javaText.js';
