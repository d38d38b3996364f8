import { AppError, ErrorCode } from '../../common/errors.js';

export class IntegrationError extends AppError {
  static override notFound(id: string): IntegrationError {
    return new IntegrationError(404, ErrorCode.ITEM_NOT_FOUND, `Integration with id ${id} not found`);
  }
  static badField(field: string, message: string): IntegrationError {
    return new IntegrationError(400, ErrorCode.INVALID_ARGUMENTS, `Invalid ${field}: ${message}`, { field });
  }
  static notConnected(name: string, status: string): IntegrationError {
    return new IntegrationError(409, ErrorCode.CONFLICT, `Integration '${name}' is not connected (status ${status}); the message was not sent`);
  }
}
