import { AppError, ErrorCode } from '../../common/errors.js';

export class ConverterError extends AppError {
  static override notFound(id: string): ConverterError {
    return new ConverterError(404, ErrorCode.ITEM_NOT_FOUND, `Converter with id ${id} not found`);
  }
  static badScript(field: string, message: string, line?: number, column?: number): ConverterError {
    return new ConverterError(
      400,
      ErrorCode.INVALID_ARGUMENTS,
      `The ${field} script does not compile: ${message}`,
      {
        field: `configuration.${field}`,
        line,
        column,
      },
    );
  }
  static inUse(name: string, usedBy: string): ConverterError {
    return new ConverterError(
      409,
      ErrorCode.CONFLICT,
      `Converter '${name}' cannot be deleted because it is used by ${usedBy}. Remove it from there first.`,
    );
  }
  static versionNotFound(name: string, version: number): ConverterError {
    return new ConverterError(404, ErrorCode.ITEM_NOT_FOUND, `Converter '${name}' has no version ${version}`);
  }
  static typeChange(): ConverterError {
    return new ConverterError(
      400,
      ErrorCode.INVALID_ARGUMENTS,
      'type cannot be changed once a converter is created; create a new converter instead',
    );
  }
}
