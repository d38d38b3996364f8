import { AppError, ErrorCode } from '../../common/errors.js';

export class TelemetryError extends AppError {
  static bad(message: string): TelemetryError {
    return new TelemetryError(400, ErrorCode.INVALID_ARGUMENTS, message);
  }
}
