// The TLS listener of secureClientPort, set up from zoo.cfg's ssl.* keys (PEM files here where ZooKeeper reads Java
// key stores).
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { ZooConfig } from './config/zooCfgTypes.js';

export function secureClientListener(config: ZooConfig, logger: Logger): tls.Server {
  const ssl = config.ssl;
  const server = tls.createServer({
    key: ssl.keyStoreLocation ? readFileSync(ssl.keyStoreLocation) : undefined,
    cert: ssl.keyStoreLocation ? readFileSync(ssl.keyStoreLocation) : undefined,
    ca: ssl.trustStoreLocation ? readFileSync(ssl.trustStoreLocation) : undefined,
    passphrase: ssl.keyStorePassword,
    requestCert: ssl.clientAuth !== 'none',
    rejectUnauthorized: ssl.clientAuth === 'need',
    // The connect timeout starts once TLS is up; a peer that never finishes TLS gets the same time, not 120 s.
    handshakeTimeout: config.sessionlessCnxnTimeout,
  });
  // Node reports a failed or timed-out TLS handshake but leaves the socket open.
  server.on('tlsClientError', (error, socket) => {
    logger.debug(`TLS handshake with a client failed: ${error.message}`);
    socket.destroy();
  });
  return server;
}
