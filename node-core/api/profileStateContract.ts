// The contract of a profile's last-used state: whether its connection was open when the app last ran and which node
// was selected, kept in the profiles file so the next start (desktop or browser, whatever port) reopens it there.
import { object, string, type Schema } from './schema.js';

export interface ProfileLastUsed {
  /** The profile's connection was open (connection.open) and not closed by the user (connection.close). */
  open: boolean;
  /** The node last selected in its tree. */
  path?: string;
}

export interface ProfileStateMethods {
  /** Remembers the node selected in a profile's tree. */
  'profiles.remember': { params: { profileId: string; path: string }; result: Record<string, never> };
}

export const profileStateParamSchemas: { [M in keyof ProfileStateMethods]: Schema<ProfileStateMethods[M]['params']> } = {
  'profiles.remember': object({ profileId: string({ min: 1, max: 200 }), path: string({ min: 1, max: 4096 }) }),
};
