// A member's LearnerType, as server.N lines, peerType and the quorum's configuration name it: it votes
// (participant) or only follows the leader's commits (observer). Its own module, so the GUI's API types can name it
// without reaching the byte codecs.
export type MemberRole = 'participant' | 'observer';
