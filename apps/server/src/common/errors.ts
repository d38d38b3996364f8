/**
 * One error type for the whole server: a status, a numeric code (ThingsBoard's codes,
 * so its clients understand them) and a sentence the user can act on.
 * Modules subclass it (DeviceError, ConverterError...); the filter maps it to HTTP.
 */
export const ErrorCode = {
  GENERAL: 2,
  AUTHENTICATION: 10,
  JWT_TOKEN_EXPIRED: 11,
  PERMISSION_DENIED: 20,
  INVALID_ARGUMENTS: 30,
  BAD_REQUEST_PARAMS: 31,
  ITEM_NOT_FOUND: 32,
  TOO_MANY_REQUESTS: 33,
  TOO_MANY_UPDATES: 34,
  CONFLICT: 35,
  TIMEOUT: 36,
} as const;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  static notFound(what: string): AppError {
    return new AppError(404, ErrorCode.ITEM_NOT_FOUND, `${what} not found`);
  }
  static badRequest(message: string, details?: Record<string, unknown>): AppError {
    return new AppError(400, ErrorCode.BAD_REQUEST_PARAMS, message, details);
  }
  static invalid(message: string, details?: Record<string, unknown>): AppError {
    return new AppError(400, ErrorCode.INVALID_ARGUMENTS, message, details);
  }
  static conflict(message: string): AppError {
    return new AppError(409, ErrorCode.CONFLICT, message);
  }
  static unauthorized(message = 'Authentication failed', code: number = ErrorCode.AUTHENTICATION): AppError {
    return new AppError(401, code, message);
  }
  static forbidden(message = 'You do not have permission to perform this operation'): AppError {
    return new AppError(403, ErrorCode.PERMISSION_DENIED, message);
  }
}
