// Domain errors; the api layer maps them to Consul's status codes (400, 403, 404, 500).

export class InvalidError extends Error {
  override name = "InvalidError";
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
}

export class PermissionDeniedError extends Error {
  override name = "PermissionDeniedError";
  constructor() {
    super("Permission denied");
  }
}

/** A refusal Consul reports as 500 (its RPC layer's errors), e.g. script checks while disabled. */
export class ServerError extends Error {
  override name = "ServerError";
}
