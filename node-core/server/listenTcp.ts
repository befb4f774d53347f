// Starts a TCP (or TLS) server listening and resolves once it is bound, or rejects with the bind error (a port in
// use, an address not on this machine) so a start fails with the reason instead of an unhandled event.
import type { Server } from 'node:net';

export function listenTcp(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
