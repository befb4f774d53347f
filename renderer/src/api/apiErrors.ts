// Turns whatever a failed API call threw into words for the user, and recognises the failures the GUI handles.
import { ApiCallError } from '../../../node-core/api/client.js';
import type { ApiError } from '../../../node-core/api/contract.js';

export function errorText(error: unknown): string {
  if (error instanceof ApiCallError) return error.error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function apiErrorOf(error: unknown): ApiError | undefined {
  return error instanceof ApiCallError ? error.error : undefined;
}

/** ZooKeeper's BadVersion: somebody else changed the node since we read it. */
export const badVersionCode = -103;
export const nodeExistsCode = -110;
export const noNodeCode = -101;
