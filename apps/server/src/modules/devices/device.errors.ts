import { AppError, ErrorCode } from '../../common/errors.js';

export class DeviceError extends AppError {
  static override notFound(idOrName: string): DeviceError {
    return new DeviceError(404, ErrorCode.ITEM_NOT_FOUND, `Device ${idOrName} not found`);
  }
  static nameTaken(name: string): DeviceError {
    return new DeviceError(400, ErrorCode.INVALID_ARGUMENTS, `Device with name '${name}' already exists`);
  }
  static badField(field: string, message: string): DeviceError {
    return new DeviceError(400, ErrorCode.INVALID_ARGUMENTS, `Invalid ${field}: ${message}`, { field });
  }
  static profileNotFound(id: string): DeviceError {
    return new DeviceError(404, ErrorCode.ITEM_NOT_FOUND, `Device profile with id ${id} not found`);
  }
  static profileNameTaken(name: string): DeviceError {
    return new DeviceError(
      400,
      ErrorCode.INVALID_ARGUMENTS,
      `Device profile with name '${name}' already exists`,
    );
  }
}
