// The HTTP endpoint of metricsProvider.className=...PrometheusMetricsProvider: GET /metrics on
// metricsProvider.httpHost:httpPort (0.0.0.0:7000 by default), in Prometheus's text format. As in ZooKeeper, a port
// that cannot be bound stops the server from starting, with the key named.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from './config/zooCfgTypes.js';
import { listenTcp } from './listenTcp.js';
import type { ServerIntrospection } from './introspection.js';
import { prometheusText } from './prometheusText.js';

export class MetricsServer {
  private constructor(private readonly server: http.Server) {}

  /** Starts the endpoint when zoo.cfg asks for the Prometheus provider; undefined otherwise. */
  static async start(intro: ServerIntrospection): Promise<MetricsServer | undefined> {
    const { provider, httpHost, httpPort, exportJvmInfo } = intro.config.metrics;
    if (provider !== 'prometheus') return undefined;
    const server = http.createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
        return;
      }
      let body: string;
      try {
        body = prometheusText(intro, exportJvmInfo);
      } catch (error) {
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : body);
    });
    try {
      await listenTcp(server, httpHost, httpPort);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(intro.config.sourcePath, undefined, 'metricsProvider.httpPort', `${httpPort}: cannot serve /metrics on ${httpHost}:${httpPort}: ${reason}`);
    }
    return new MetricsServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
