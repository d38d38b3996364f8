import { AppError, ErrorCode } from '../../common/errors.js';

export class IntegrationError extends AppError {
  static override notFound(id: string): IntegrationError {
    return new IntegrationError(404, ErrorCode.ITEM_NOT_FOUND, `Integration with id ${id} not found`);
  }
  static badField(field: string, message: string): IntegrationError {
    return new IntegrationError(400, ErrorCode.INVALID_ARGUMENTS, `Invalid ${field}: ${message}`, { field });
  }
  /** Says neither which integration nor which tenant has it: only that the broker session is taken. */
  static clientIdTaken(clientId: string, host: string): IntegrationError {
    return new IntegrationError(
      409,
      ErrorCode.CONFLICT,
      `Invalid configuration.clientConfiguration.clientId: client id '${clientId}' is already used by another integration on broker host '${host}'; ` +
        'two connections with one client id take over each other\'s session and messages. Choose another client id, or leave it empty to have a private one generated',
      { field: 'configuration.clientConfiguration.clientId' },
    );
  }
  static notConnected(name: string, status: string): IntegrationError {
    return new IntegrationError(409, ErrorCode.CONFLICT, `Integration '${name}' is not connected (status ${status}); the message was not sent`);
  }
}
