// HTTP Digest (RFC 7616) for Atlas programmatic API keys: framework-free, node:crypto only.
// A route wrapper calls verifyDigest; on failure it answers 401 with digestChallenge (stale from
// the result) and never runs the handler.
export { parseAlgorithm, digestHash, type DigestAlgorithm, type AlgorithmResult } from "./algorithm";
export { digestChallenge, digestChallenges, DEFAULT_REALM, type DigestChallengeOptions } from "./challenge";
export type { DigestCredential } from "./credential";
export { issueNonce, verifyNonce, DEFAULT_NONCE_TTL_MS, type NonceCheck, type NonceCode, type NonceOptions, type VerifyNonceOptions } from "./nonce";
export { parseDigestAuthorization, type DigestParams, type ParseCode, type ParseResult } from "./parse";
export { digestHa1, digestResponse, type DigestResponseInput } from "./response";
export { digestUriMatches } from "./uri";
export { digestUsername, type UsernameResult } from "./username";
export { DigestReplayCache, type ReplayCacheOptions } from "./replay";
export { replayWindowMs, verifyDigest, type DigestFailureCode, type DigestVerifyResult, type VerifyDigestInput } from "./verify";
