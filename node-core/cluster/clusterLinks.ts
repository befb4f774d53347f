// A local cluster's link fabric for fault injection: one LinkProxy per direction and kind (quorum, election) between
// every pair of members, and each member's ingress routers when members share one address (reconfig). A link is cut
// when cutLink() cut it or when either end is isolated.
import { IngressRouter } from './ingressRouter.js';
import { LinkProxy } from './linkProxy.js';
import type { LinkLayout, MemberLayout } from './memberConfig.js';
import { LOOPBACK } from './portAllocator.js';
import { ClusterError, type LinkState } from './types.js';

export interface LinkRecord {
  layout: LinkLayout;
  quorum: LinkProxy;
  election: LinkProxy;
}

interface IngressRecord {
  quorum: IngressRouter;
  election: IngressRouter;
}

export const linkKey = (from: number, to: number) => `${from}->${to}`;

export class ClusterLinks {
  readonly links = new Map<string, LinkRecord>();
  readonly ingress = new Map<number, IngressRecord>();
  /** Links cut by cutLink(), on top of those cut because an end is isolated. */
  private readonly manualCuts = new Set<string>();

  constructor(private readonly isIsolated: (id: number) => boolean) {}

  link(from: number, to: number): LinkRecord {
    const link = this.links.get(linkKey(from, to));
    if (link === undefined) throw new ClusterError(`no link between members ${from} and ${to}`);
    return link;
  }

  applyCuts(): void {
    for (const [key, link] of this.links) {
      const cut =
        this.manualCuts.has(key) ||
        this.isIsolated(link.layout.from) ||
        this.isIsolated(link.layout.to);
      if (link.quorum.cut !== cut) link.quorum.setCut(cut);
      if (link.election.cut !== cut) link.election.setCut(cut);
    }
  }

  /** Cuts the link between a and b (both directions, or only the connections a opens to b with oneWay). */
  cut(a: number, b: number, oneWay: boolean): void {
    this.link(a, b);
    this.manualCuts.add(linkKey(a, b));
    if (!oneWay) this.manualCuts.add(linkKey(b, a));
    this.applyCuts();
  }

  heal(a: number, b: number, oneWay: boolean): void {
    this.link(a, b);
    this.manualCuts.delete(linkKey(a, b));
    if (!oneWay) this.manualCuts.delete(linkKey(b, a));
    this.applyCuts();
  }

  /** Forgets every cutLink() that involves the member. */
  forgetCutsOf(id: number, memberIds: number[]): void {
    for (const other of memberIds) {
      this.manualCuts.delete(linkKey(id, other));
      this.manualCuts.delete(linkKey(other, id));
    }
  }

  forgetAllCuts(): void {
    this.manualCuts.clear();
  }

  /** Routers for the member's shared address: each connection goes to the link proxy of the sid that opened it. */
  addIngress(id: number, ports: { quorum: number; election: number }): void {
    const route = (kind: 'quorumProxyPort' | 'electionProxyPort') => (sid: number) => this.links.get(linkKey(sid, id))?.layout[kind];
    this.ingress.set(id, {
      quorum: new IngressRouter({ listenPort: ports.quorum, kind: 'quorum', route: route('quorumProxyPort') }),
      election: new IngressRouter({ listenPort: ports.election, kind: 'election', route: route('electionProxyPort') }),
    });
  }

  async startProxies(): Promise<void> {
    for (const link of this.links.values()) {
      await link.quorum.start();
      await link.election.start();
    }
    for (const router of this.ingress.values()) {
      await router.quorum.start();
      await router.election.start();
    }
  }

  async closeAll(): Promise<void> {
    for (const link of this.links.values()) {
      await link.quorum.close();
      await link.election.close();
    }
    for (const router of this.ingress.values()) {
      await router.quorum.close();
      await router.election.close();
    }
  }

  /** Closes and forgets every link to or from the member, and its ingress routers. */
  async removeMember(id: number): Promise<void> {
    for (const [key, link] of this.links) {
      if (link.layout.from !== id && link.layout.to !== id) continue;
      await link.quorum.close();
      await link.election.close();
      this.links.delete(key);
      this.manualCuts.delete(key);
    }
    const router = this.ingress.get(id);
    this.ingress.delete(id);
    await router?.quorum.close();
    await router?.election.close();
  }

  layouts(): LinkLayout[] {
    return [...this.links.values()].map((l) => l.layout);
  }

  states(): LinkState[] {
    return [...this.links.values()].map((l) => ({
      from: l.layout.from,
      to: l.layout.to,
      cut: l.quorum.cut,
      quorumProxyPort: l.layout.quorumProxyPort,
      electionProxyPort: l.layout.electionProxyPort,
    }));
  }

  addLink(layout: LinkLayout, target: MemberLayout['ports'], reverseElectionPort: number): void {
    this.links.set(linkKey(layout.from, layout.to), {
      layout,
      quorum: new LinkProxy({ listenPort: layout.quorumProxyPort, targetPort: target.quorum }),
      election: new LinkProxy({
        listenPort: layout.electionProxyPort,
        targetPort: target.election,
        electionCallbackAddress: `${LOOPBACK}:${reverseElectionPort}`,
      }),
    });
  }
}
