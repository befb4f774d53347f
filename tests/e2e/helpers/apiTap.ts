// Sits on the page's admin-API WebSocket (Playwright's routeWebSocket) and can hold back the server's replies to
// chosen requests, so a test can make a read arrive late on purpose instead of hoping a slow machine does it.
import type { Page } from 'playwright-core';

interface ApiRequest {
  id: number;
  method: string;
  params: Record<string, unknown>;
}

export interface ApiTap {
  /** Replies to requests matching this are kept until release(). */
  hold(matches: (request: ApiRequest) => boolean): void;
  /** How many replies are being held right now. */
  readonly held: number;
  /** Delivers every held reply, in order, and stops holding. */
  release(): void;
}

export async function tapApi(page: Page): Promise<ApiTap> {
  let matcher: ((request: ApiRequest) => boolean) | undefined;
  const heldIds = new Set<number>();
  const heldReplies: Array<() => void> = [];
  await page.routeWebSocket(/\/api$/, (pageSide) => {
    const server = pageSide.connectToServer();
    pageSide.onMessage((message) => {
      if (typeof message === 'string' && matcher !== undefined) {
        const request = JSON.parse(message) as Partial<ApiRequest>;
        if (typeof request.id === 'number' && typeof request.method === 'string' && matcher(request as ApiRequest)) heldIds.add(request.id);
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const id = typeof message === 'string' ? (JSON.parse(message) as { id?: unknown }).id : undefined;
      if (typeof id === 'number' && heldIds.delete(id)) heldReplies.push(() => pageSide.send(message));
      else pageSide.send(message);
    });
  });
  return {
    hold(matches) {
      matcher = matches;
    },
    get held() {
      return heldReplies.length;
    },
    release() {
      matcher = undefined;
      heldIds.clear();
      for (const deliver of heldReplies.splice(0)) deliver();
    },
  };
}
