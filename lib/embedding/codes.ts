// The error codes Atlas Charts answers an embedded chart or dashboard with (its Embedding SDK
// shows them to the page's user). Gatehouse reuses the numbers, so a page that handles Charts'
// codes handles Gatehouse's, and every refusal names the one rule that failed.
export const EMBED_ERROR = {
  NOT_FOUND: 2,
  TOKEN_REQUIRED: 3,
  NOT_EMBEDDABLE: 4,
  INVALID_SIGNATURE: 5,
  INVALID_AUTOREFRESH: 6,
  FILTER_FIELD_NOT_ALLOWED: 7,
  INVALID_FILTER: 8,
  INVALID_JWT: 9,
  NO_MATCHING_PROVIDER: 10,
  NO_PROVIDERS: 11,
  ISSUED_IN_FUTURE: 12,
  NO_EXPIRY: 13,
  EXPIRED: 14,
  LIFETIME_TOO_LONG: 15,
  AUDIENCE_MISMATCH: 16,
  INJECTED_FILTER_FAILED: 17,
  GOOGLE_CLIENT_ID_MISMATCH: 18,
  PROVIDER_DEPRECATED: 19,
} as const;

export type EmbedErrorCode = (typeof EMBED_ERROR)[keyof typeof EMBED_ERROR];
