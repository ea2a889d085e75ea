export { answersQuery, makeTempDir, startPeer, type PeerProcess, type StartPeerOptions } from './process.js';
export { startKnot, type Knot, type KnotOptions, type KnotZone } from './knot.js';
export { startUnbound, type Unbound, type UnboundOptions } from './unbound.js';
export { makeTestCa, type TestCa, type TestCaOptions } from './test-ca.js';
export { signZone, type SignZoneOptions } from './sign.js';
