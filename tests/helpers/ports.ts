// Free TCP ports on 127.0.0.1 for test servers: the supervisor's allocator (random free ports below the kernel's
// ephemeral range, never handed out twice in this process), so a server restarted by a test cannot find its port
// taken as the local port of some client connection.
import { PortAllocator } from '../../node-core/cluster/portAllocator.js';

const allocator = new PortAllocator();

export async function freePort(): Promise<number> {
  return allocator.next();
}

export async function freePorts(n: number): Promise<number[]> {
  return allocator.take(n);
}
